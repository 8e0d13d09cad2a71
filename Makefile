# The two set-up commands of the README: `make run` and `make test`. Both install missing Debian
# packages, configure and build first. PRESET=asan builds with AddressSanitizer and UBSan, PRESET=tsan
# with ThreadSanitizer (its test preset applies tsan.supp). `make install PREFIX=DIR` installs the build.
PRESET ?= default
PREFIX ?= /usr/local
BUILD_DIR := build/$(PRESET)
CLI := $(BUILD_DIR)/bin/leakscope-cli
GUI := $(BUILD_DIR)/bin/leakscope
DEMO := examples/leaky_service.py

.PHONY: all deps configure build run report test install bench screenshot fuzz clean

all: build

deps:
	@scripts/install-deps.sh

configure: deps
	@cmake --preset $(PRESET) >/dev/null

build: configure
	@cmake --build --preset $(PRESET)

# The main job on the bundled demo: the desktop application runs it and shows its leaks. Without a
# display, the same analysis is printed as a table.
run: build
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
		$(GUI) $(DEMO); \
	else \
		echo "No display: printing the report instead of opening the window."; \
		$(CLI) report -- $(DEMO); \
	fi

# The demo's report in the terminal.
report: build
	$(CLI) report -- $(DEMO)

# DevTools' own heap snapshot loader (from the npm registry) checks the .heapsnapshot export when it
# can be had; without npm or the registry that check is skipped, never failed.
test: build
	@if command -v npm >/dev/null 2>&1 && [ ! -d $(BUILD_DIR)/npm/node_modules/heap-snapshot-toolkit ]; then \
		cmake --build --preset $(PRESET) --target heapsnapshot-toolkit >/dev/null 2>&1 \
			|| echo "heap-snapshot-toolkit could not be installed from the npm registry: the DevTools check is skipped"; \
	fi
	ctest --preset $(PRESET)

# The programs into PREFIX/bin, the desktop entry and icons into PREFIX/share (see README, Install).
install: build
	cmake --install $(BUILD_DIR) --prefix $(PREFIX)

# Capture speed against gc.collect() and objgraph, from 250k to 4M gc objects.
bench: build
	$(CLI) bench --objects 250k,500k,1M,2M,4M

# The README's picture of the main window on the demo, rendered offscreen by the GUI test.
screenshot: build
	QT_QPA_PLATFORM=offscreen LEAKSCOPE_SCREENSHOT=$(CURDIR)/docs/screenshot.png $(BUILD_DIR)/tests/gui/tst_main_window

# Fuzzing (docs/fuzzing.md): installs clang and libFuzzer when missing, builds the fuzz preset (build/fuzz)
# and runs each target for FUZZ_SECONDS, one after another; FUZZ_TARGETS="pattern" runs only those.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=
fuzz:
	@scripts/install-deps.sh fuzz
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz
	@FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_TARGETS="$(FUZZ_TARGETS)" scripts/fuzz.sh

clean:
	rm -rf $(BUILD_DIR)
