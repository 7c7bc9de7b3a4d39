# ---- fault suite, part 1 (issue 11): sanitizer build and libFuzzer targets ---------------------
# Included from the top-level CMakeLists.txt. Off by default: the normal (gcc) build is untouched.
#
#   cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++-15 -DVERN_FUZZ=ON
#
# compiles everything in that build directory with AddressSanitizer + UndefinedBehaviorSanitizer
# (-fno-sanitize-recover=all: the first report is fatal) and libFuzzer's coverage
# instrumentation, and adds the fuzz targets fuzz_policy, fuzz_ingest, fuzz_time and
# fuzz_selector. ctest there runs (label "sanitize"): the unit tests under the sanitizers, each
# target's saved regressions, and each target for about VERN_FUZZ_SECONDS on its seed corpus
# (15: about a minute of fuzzing in all).
# See tests/fuzz/README.md.

option(VERN_FUZZ "Build the libFuzzer targets; sanitize (ASan+UBSan) everything (clang only)" OFF)
set(VERN_FUZZ_SECONDS 15 CACHE STRING
    "Base seconds a fuzz target runs in ctest: ingest (slowest per input) runs twice as long, \
time and selector (fastest) two thirds")

if(VERN_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "VERN_FUZZ=ON needs clang (e.g. -DCMAKE_CXX_COMPILER=clang++-15), "
                        "not ${CMAKE_CXX_COMPILER_ID}")
  endif()
  set(VERN_SANITIZE_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=all
                          -fno-omit-frame-pointer)
  # PUBLIC on the library: vern, vern_unit_tests and the fuzz targets inherit it.
  target_compile_options(vernlib PUBLIC ${VERN_SANITIZE_FLAGS} -fsanitize=fuzzer-no-link)
  target_link_options(vernlib PUBLIC -fsanitize=address,undefined)

  set(VERN_FUZZ_TARGETS policy ingest time selector)
  math(EXPR VERN_FUZZ_SECONDS_ingest "${VERN_FUZZ_SECONDS} * 2")
  set(VERN_FUZZ_SECONDS_policy ${VERN_FUZZ_SECONDS})
  math(EXPR VERN_FUZZ_SECONDS_time "${VERN_FUZZ_SECONDS} * 2 / 3")
  math(EXPR VERN_FUZZ_SECONDS_selector "${VERN_FUZZ_SECONDS} * 2 / 3")
  foreach(name ${VERN_FUZZ_TARGETS})
    add_executable(fuzz_${name} tests/fuzz/fuzz_${name}.cpp)
    target_include_directories(fuzz_${name} PRIVATE tests/fuzz)
    target_compile_definitions(fuzz_${name} PRIVATE
      VERN_FUZZ_SOURCE_DIR="${CMAKE_CURRENT_SOURCE_DIR}")
    target_link_libraries(fuzz_${name} PRIVATE vernlib)
    target_link_options(fuzz_${name} PRIVATE -fsanitize=fuzzer)

    # The saved crash inputs first (deterministic: a known defect fails here until it is fixed),
    # then a bounded run on the seed corpus.
    add_test(NAME fuzz.${name}.regressions
             COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/tests/fuzz/run_fuzz.sh regressions ${name}
                     $<TARGET_FILE:fuzz_${name}>)
    add_test(NAME fuzz.${name}
             COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/tests/fuzz/run_fuzz.sh fuzz ${name}
                     $<TARGET_FILE:fuzz_${name}> ${VERN_FUZZ_SECONDS_${name}})
    set_tests_properties(fuzz.${name}.regressions fuzz.${name} PROPERTIES
      LABELS "sanitize;fuzz"
      ENVIRONMENT "VERN_SOURCE_DIR=${CMAKE_CURRENT_SOURCE_DIR};VERN_FUZZ_WORK=${CMAKE_CURRENT_BINARY_DIR}/fuzz-work")
  endforeach()
  set_tests_properties(fuzz.policy fuzz.ingest fuzz.time fuzz.selector PROPERTIES
    TIMEOUT 600)

  # The unit tests, built in this directory with the sanitizers.
  set_tests_properties(unit PROPERTIES LABELS "sanitize"
    ENVIRONMENT "ASAN_OPTIONS=detect_leaks=1:abort_on_error=1;UBSAN_OPTIONS=print_stacktrace=1")
endif()
# ---- end of fault suite, part 1 ----------------------------------------------------------------
