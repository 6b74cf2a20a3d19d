# Two commands on a fresh Debian 12 machine (as root): `make run` and `make test`.
# Each installs what is missing (Debian packages only), builds, then runs.

BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)
DATA_DIR ?= data
LISTEN ?= 127.0.0.1:50051
# The web console for officials (docs/console.md).
CONSOLE_LISTEN ?= 127.0.0.1:8080
# Prometheus metrics at http://$(METRICS_LISTEN)/metrics (docs/operations.md).
METRICS_LISTEN ?= 127.0.0.1:9464
# json for a log collector, text for a person at the terminal.
LOG_FORMAT ?= text

# Debian packages the build, the tests and the Python client need.
DEB_PACKAGES := build-essential cmake pkg-config \
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler grpc-proto \
  liblua5.4-dev librocksdb-dev libabsl-dev libssl-dev libicu-dev nlohmann-json3-dev \
  libgtest-dev libgmock-dev libbenchmark-dev libgoogle-perftools-dev clang libclang-rt-14-dev \
  openssl valgrind python3 python3-grpcio python3-protobuf python3-yaml nodejs ninja-build \
  prometheus-cpp-dev graphviz libcpp-httplib-dev libargon2-dev

.PHONY: deps node-deps build run test test-asan fuzz bench bench-scale bench-peers bench-growth clean

# Installs only what is missing; with everything present it costs one dpkg-query.
deps:
	@missing=$$(for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed$$' || echo $$p; \
	done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing missing Debian packages:" $$missing; \
	  if [ "$$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# The Node client test's packages (tests/node: @grpc/grpc-js, @grpc/proto-loader),
# installed from npm at the versions package-lock.json pins.
# npm comes with Debian's `npm` package, or inside a nodejs from elsewhere
# (NodeSource's conflicts with Debian's npm): installed only if missing.
# Debian's chromium is the browser the console's test drives (playwright-core
# never downloads one).
node-deps: deps
	@missing=$$(for tool in npm chromium; do command -v $$tool >/dev/null || echo $$tool; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@if [ ! -f tests/node/node_modules/.package-lock.json ] || \
	    [ tests/node/package-lock.json -nt tests/node/node_modules/.package-lock.json ]; then \
	  cd tests/node && npm ci --no-audit --no-fund --loglevel=error; \
	fi

# Ninja, not Make, for a new build folder: it starts a target's objects
# before the libraries it links are done, so both cores stay busy through
# the chain util -> store -> engine -> service; Make's per-target steps left
# one idle for much of it. A folder configured before keeps its generator.
GENERATOR = $(if $(wildcard $(1)/CMakeCache.txt),,-G Ninja)

$(BUILD_DIR)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD_DIR) $(call GENERATOR,$(BUILD_DIR)) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

build: deps $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j$(JOBS)

# The engine in the foreground, the web console beside it (stopped with it).
run: build
	mkdir -p $(DATA_DIR)
	@$(BUILD_DIR)/engine/console/wf_console --listen=$(CONSOLE_LISTEN) \
	  --server=$(LISTEN) --static_dir=console --log_format=$(LOG_FORMAT) & console=$$!; \
	trap 'kill $$console 2>/dev/null' EXIT; \
	echo "Web console: http://$(CONSOLE_LISTEN)/ (sign in with a token from admin/wfctl token issue PERSON)"; \
	$(BUILD_DIR)/engine/service/wf_server --listen=$(LISTEN) --data_dir=$(DATA_DIR) \
	  --workflows_dir=workflows --plugins_dir=plugins \
	  --calendar_file=plugins/vn/calendar.json \
	  --document_types_file=plugins/vn/document_types.json \
	  --metrics_listen=$(METRICS_LISTEN) --log_format=$(LOG_FORMAT)

# The whole suite. The fuzz targets' seeds are replayed by test-asan; fuzzing
# itself is `make fuzz` (a clang build of its own, in build-fuzz).
test: build node-deps
	cd $(BUILD_DIR) && ctest --output-on-failure -j$(JOBS)

# The whole suite under AddressSanitizer and UndefinedBehaviorSanitizer, built
# with clang: it compiles this code unoptimised in about half gcc's time, and
# CI builds everything twice. Line tables only: enough for the reports' lines.
# Allocation stacks of 10 frames, not 30: collecting them was a tenth of a
# small test's time.
test-asan: node-deps
	cmake -S . -B build-asan $(call GENERATOR,build-asan) \
	  -DCMAKE_BUILD_TYPE=Debug -DWF_SANITIZE=ON -DWF_BENCH=OFF \
	  -DWF_FUZZ_REPLAY=ON -DCMAKE_CXX_COMPILER=clang++ \
	  -DCMAKE_CXX_FLAGS_DEBUG=-gline-tables-only
	cmake --build build-asan -j$(JOBS)
	cd build-asan && WF_TIMER_TEST_COUNT=4000 \
	  ASAN_OPTIONS=detect_leaks=1:malloc_context_size=10 \
	  ctest --output-on-failure -j$(JOBS)

# libFuzzer targets with clang; FUZZ_SECONDS per target (see fuzz/README.md).
FUZZ_SECONDS ?= 60
fuzz: deps
	cmake -S . -B build-fuzz $(call GENERATOR,build-fuzz) \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWF_FUZZ=ON \
	  -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang
	cmake --build build-fuzz -j$(JOBS) --target wf_fuzzers
	cd build-fuzz && FUZZ_SECONDS=$(FUZZ_SECONDS) ctest -L fuzz --output-on-failure

# Benchmarks (docs/benchmarks.md): floors and engine side by side; then the
# scale figures with a million instances (several minutes).
BENCH_SECONDS ?= 10
BENCH_ROUNDS ?= 3
BENCH_ARGS = --build $(BUILD_DIR) --seconds $(BENCH_SECONDS) --rounds $(BENCH_ROUNDS)
bench: build
	/usr/bin/python3 bench/run_bench.py $(BENCH_ARGS)

bench-scale: build
	/usr/bin/python3 bench/run_bench.py $(BENCH_ARGS) --scale 1000000

# Inbox pages and transitions with 10,000, 100,000 and 1,000,000 instances
# stored, and a document with 100 events beside a new one (bench/growth.py).
bench-growth: build
	/usr/bin/python3 bench/growth.py --build $(BUILD_DIR)

# The engine beside PostgreSQL 15 doing the same durable step (bench/peers.py):
# a throw-away cluster on a temporary folder, pgbench at 1, 16 and 64 clients.
bench-peers: build
	@dpkg-query -W -f='$${Status}\n' postgresql-15 2>/dev/null | grep -q '^install ok installed$$' || { \
	  if [ "$$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends postgresql-15; }
	/usr/bin/python3 bench/peers.py $(PEERS_ARGS)

clean:
	rm -rf $(BUILD_DIR) build-asan build-fuzz
