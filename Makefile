# Convenience entry points; the build itself is CMake.
BUILD ?= build
JOBS ?= 2
# The fault suite's clang build (ASan + UBSan + libFuzzer; tests/fuzz/README.md).
FUZZ_BUILD ?= build-fuzz
FUZZ_CXX ?= clang++-15
FUZZ_TARGETS = policy ingest time selector
# Seconds each fuzz target runs: in `make check` (FUZZ_CHECK_SECONDS) and `make fuzz-long`.
FUZZ_CHECK_SECONDS ?= 15
FUZZ_SECONDS ?= 600

.PHONY: setup build demo check check-sqlite check-postgresql clean model-long sanitize-build \
	sanitize-check sanitize-cli \
	fuzz-long \
	fuzz-merge kill-points-long

setup:
	bash scripts/setup-debian.sh

build: setup
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(BUILD) -j$(JOBS)

demo: build
	bash examples/demo.sh $(BUILD)/vern

# Every test: the normal build's (unit, cli and the store's unit tests on both backends, SQLite
# and PostgreSQL, whose throwaway cluster the ctest fixture starts and stops; fault), then the
# sanitizer build's (unit tests under ASan+UBSan, fuzz regressions, bounded fuzzing). Both run
# even if the first fails.
check: build
	@rc=0; (cd $(BUILD) && ctest --output-on-failure -j$(JOBS)) || rc=1; \
	$(MAKE) --no-print-directory sanitize-check || rc=1; exit $$rc

# The tests of one store backend only (ctest labels; tests/pg/README.md).
check-sqlite: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS) -L sqlite

check-postgresql: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS) -L postgresql

sanitize-build: setup
	cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DCMAKE_CXX_COMPILER=$(FUZZ_CXX) -DVERN_FUZZ=ON \
		-DVERN_FUZZ_SECONDS=$(FUZZ_CHECK_SECONDS) >/dev/null
	cmake --build $(FUZZ_BUILD) -j$(JOBS) --target vern_unit_tests \
		$(addprefix fuzz_,$(FUZZ_TARGETS))

sanitize-check: sanitize-build
	cd $(FUZZ_BUILD) && ctest --output-on-failure -j$(JOBS) -L sanitize

# The end-to-end tests (tests/cli) with vern itself built under ASan+UBSan: slower, not part
# of check.
sanitize-cli: sanitize-build
	cmake --build $(FUZZ_BUILD) -j$(JOBS) --target vern
	cd $(FUZZ_BUILD) && ctest --output-on-failure -j$(JOBS) -R '^cli\.'

# Longer fuzzing, one target after the other (the work corpus in $(FUZZ_BUILD)/fuzz-work grows
# from run to run): make fuzz-long FUZZ_SECONDS=3600 [FUZZ_TARGETS=ingest]
fuzz-long: sanitize-build
	@rc=0; for t in $(FUZZ_TARGETS); do \
	  VERN_FUZZ_WORK=$(CURDIR)/$(FUZZ_BUILD)/fuzz-work bash tests/fuzz/run_fuzz.sh fuzz $$t \
	    $(FUZZ_BUILD)/fuzz_$$t $(FUZZ_SECONDS) || rc=1; \
	done; exit $$rc

# Minimises what fuzz-long found into the seed corpus in tests/fuzz/corpus/ (then commit it).
fuzz-merge: sanitize-build
	for t in $(FUZZ_TARGETS); do \
	  VERN_FUZZ_WORK=$(CURDIR)/$(FUZZ_BUILD)/fuzz-work bash tests/fuzz/run_fuzz.sh merge $$t \
	    $(FUZZ_BUILD)/fuzz_$$t; \
	done

# The kill-point test at a larger scale (tests/fault/README.md has its figures).
KILL_POINTS ?= 60
KILL_TIMED ?= 20
KILL_RECORDS ?= 6000
kill-points-long: build
	VERN=$(BUILD)/vern VERN_SOURCE_DIR=$(CURDIR) VERN_KILLSHIM=$(CURDIR)/$(BUILD)/vern_killshim.so \
	  VERN_KILL_POINTS=$(KILL_POINTS) VERN_KILL_TIMED=$(KILL_TIMED) \
	  VERN_KILL_RECORDS=$(KILL_RECORDS) bash tests/fault/test_kill_points.sh

# The long model check (tests/model/README.md): ten million records, about half an hour.
model-long: build
	VERN_MODEL_RECORDS=$${VERN_MODEL_RECORDS:-10000000} $(BUILD)/vern_model_check

clean:
	rm -rf $(BUILD) $(FUZZ_BUILD)
