# ---- fault suite, part 2 (issue 11): kill points and residue ------------------------------------
# Included from the top-level CMakeLists.txt. End-to-end bash tests of the built vern
# (tests/fault/test_*.sh, label "fault"), and the LD_PRELOAD library they use to SIGKILL a vern
# run at its Nth write to a file (killshim.cpp; nothing in lib/ or cli/ knows about it).
# See tests/fault/README.md.

if(NOT VERN_FUZZ)
  add_library(vern_killshim MODULE tests/fault/killshim.cpp)
  target_link_libraries(vern_killshim PRIVATE ${CMAKE_DL_LIBS})
  set_target_properties(vern_killshim PROPERTIES PREFIX "")

  file(GLOB VERN_FAULT_TESTS CONFIGURE_DEPENDS tests/fault/test_*.sh)
  foreach(script ${VERN_FAULT_TESTS})
    get_filename_component(name ${script} NAME_WE)
    add_test(NAME fault.${name} COMMAND bash ${script})
    set_tests_properties(fault.${name} PROPERTIES LABELS "fault" TIMEOUT 900 ENVIRONMENT
      "VERN=$<TARGET_FILE:vern>;VERN_SOURCE_DIR=${CMAKE_SOURCE_DIR};VERN_KILLSHIM=$<TARGET_FILE:vern_killshim>")
  endforeach()
endif()
# ---- end of fault suite, part 2 -----------------------------------------------------------------
