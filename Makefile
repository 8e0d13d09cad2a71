# The two set-up commands of the README: `make run` and `make test`. Both install missing Debian
# packages, configure and build first. PRESET=asan builds with AddressSanitizer and UBSan.
PRESET ?= default
BUILD_DIR := build/$(PRESET)
CLI := $(BUILD_DIR)/bin/leakscope-cli
DEMO := examples/leaky_service.py

.PHONY: all deps configure build run test bench clean

all: build

deps:
	@scripts/install-deps.sh

configure: deps
	@cmake --preset $(PRESET) >/dev/null

build: configure
	@cmake --build --preset $(PRESET)

# The main job on the bundled demo: run it, capture its heap, print the suspects.
run: build
	$(CLI) report -- $(DEMO)

test: build
	ctest --preset $(PRESET)

# Capture speed against gc.collect() and objgraph, from 250k to 4M gc objects.
bench: build
	$(CLI) bench --objects 250k,500k,1M,2M,4M

clean:
	rm -rf $(BUILD_DIR)
