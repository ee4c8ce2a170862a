# The two commands: `make run` and `make test`. Everything else is a helper of those.
SHELL := /bin/bash
JOBS ?= $(shell nproc)
CCACHE := -DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache
RELEASE_DIR := build/release
TEST_DIR := build/test
DATA ?= ./data
LISTEN ?= 127.0.0.1:7777
FUZZ_SECONDS ?= 120

.PHONY: run test deps node-deps release test-build bench fuzz format clean

deps:
	@scripts/install-deps

$(RELEASE_DIR)/build.ninja: | deps
	cmake -S . -B $(RELEASE_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release -DPLEB_TESTS=OFF -DPLEB_BENCH=ON $(CCACHE)

release: deps $(RELEASE_DIR)/build.ninja
	cmake --build $(RELEASE_DIR) -j $(JOBS)

run: release
	$(RELEASE_DIR)/pleb serve --listen $(LISTEN) --data $(DATA)

# One build for the whole suite: clang with ASan + UBSan, the fuzzers built in the same tree.
$(TEST_DIR)/build.ninja: | deps
	CC=clang-14 CXX=clang++-14 cmake -S . -B $(TEST_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DPLEB_SANITIZE=ON -DPLEB_FUZZ=ON $(CCACHE)

test-build: deps $(TEST_DIR)/build.ninja
	cmake --build $(TEST_DIR) -j $(JOBS)

node-deps: deps
	@cd tests && { [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error; }

test: test-build node-deps
	cd $(TEST_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 600

# Micro-benchmarks on one core; the ratios against raw libsecp256k1 come from the same run.
bench: release
	taskset -c $$(( $$(nproc) - 1 )) $(RELEASE_DIR)/micro_bench --benchmark_min_time=1 \
	  --benchmark_out=$(RELEASE_DIR)/micro_bench.json --benchmark_out_format=json
	scripts/bench-ratios $(RELEASE_DIR)/micro_bench.json

fuzz: test-build
	for f in $(TEST_DIR)/fuzz_*; do fuzz/run-fuzzer.sh $$f fuzz/corpus/$$(basename $$f) $(FUZZ_SECONDS) || exit 1; done

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf build
