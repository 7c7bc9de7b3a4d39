# Convenience entry points; the build itself is CMake.
BUILD ?= build
JOBS ?= 2

.PHONY: setup build demo check clean model-long

setup:
	bash scripts/setup-debian.sh

build: setup
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(BUILD) -j$(JOBS)

demo: build
	bash examples/demo.sh $(BUILD)/vern

check: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

# The long model check (tests/model/README.md): ten million records, about half an hour.
model-long: build
	VERN_MODEL_RECORDS=$${VERN_MODEL_RECORDS:-10000000} $(BUILD)/vern_model_check

clean:
	rm -rf $(BUILD)
