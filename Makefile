# The README's commands. `make test` installs what is missing, builds with warnings as errors,
# and runs every test (ctest), the unit, integration and seshd API tests again under ASan + UBSan,
# each fuzz target briefly (same build), the concurrency tests under TSan.
BUILD      ?= build
ASAN_BUILD ?= build-asan
TSAN_BUILD ?= build-tsan
# `make fuzz` fuzzes each target this long (seconds); `make test` runs each for FUZZ_SMOKE_SECONDS.
FUZZ_SECONDS ?= 300
FUZZ_SMOKE_SECONDS ?= 10
JOBS       ?= $(shell nproc)
# Unity builds (CMake batches sources into one translation unit each) halve the compile time of
# a fresh build, most of it spent instantiating the same Asio, Beast, fmt and JSON templates in
# every file. `make UNITY=OFF …` compiles file by file, quicker to rebuild after a one-file edit.
UNITY      ?= ON
CMAKE_FLAGS ?=
# Every GoogleTest executable, and seshd and sesh for the node-driven seshd_api tests: all run again
# under ASan + UBSan. The libFuzzer targets (fuzz/) are built in the same tree.
ASAN_TARGETS = unit_core unit_cookie unit_tokens unit_jwt unit_oidc unit_iron unit_store unit_session unit_auth unit_http unit_seshd \
               integration_sqlite integration_redis integration_postgres integration_auth integration_http integration_quiet seshd sesh
FUZZ_TARGETS = fuzz_cookie_header fuzz_nextauth_jwt fuzz_authjs_jwt fuzz_iron fuzz_csrf fuzz_body \
               fuzz_session_load fuzz_http_request
# The tests where threads meet (stores, session manager, codec caches, the server): again under TSan.
TSAN_TARGETS = unit_store unit_session unit_jwt unit_iron \
               integration_sqlite integration_redis integration_postgres integration_auth integration_http

.PHONY: all deps build test asan tsan fuzz fuzz-smoke run cluster deb bench bench-micro bench-store clean

all: build

deps:
	scripts/install-deps.sh

build: deps
	cmake -S . -B $(BUILD) -DSESH_WERROR=ON -DCMAKE_UNITY_BUILD=$(UNITY) $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j$(JOBS)

# ASan + UBSan with clang-14, which also builds the libFuzzer targets (coverage instrumentation in
# every object; only the fuzz targets link libFuzzer's main): one sanitized build serves both, where
# a GCC ASan tree and a separate clang fuzz tree compiled everything twice. $(1) is how long each
# fuzz target runs (seconds) after replaying its seeds; $(2) the optimization level: -O0 for the
# tests and the fuzz smoke (half the compile of -O1), -O1 for `make fuzz`, which wants speed.
define asan_configure
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_CXX_COMPILER=clang++-14 -DSESH_WERROR=ON -DSESH_SANITIZE=address,undefined \
	      -DSESH_SANITIZE_OPT=$(2) -DSESH_BUILD_FUZZ=ON -DSESH_BUILD_BENCH=OFF -DSESH_FUZZ_SECONDS=$(1) \
	      -DCMAKE_UNITY_BUILD=$(UNITY) $(CMAKE_FLAGS)
endef

asan: deps
	$(call asan_configure,$(FUZZ_SMOKE_SECONDS),-O0)
	cmake --build $(ASAN_BUILD) -j$(JOBS) --target $(ASAN_TARGETS)
	cd $(ASAN_BUILD) && ctest --output-on-failure -L "unit|integration|seshd" -j$(JOBS)

tsan: deps
	cmake -S . -B $(TSAN_BUILD) -DSESH_WERROR=ON -DSESH_SANITIZE=thread -DSESH_BUILD_BENCH=OFF -DCMAKE_UNITY_BUILD=$(UNITY) $(CMAKE_FLAGS)
	cmake --build $(TSAN_BUILD) -j$(JOBS) --target $(TSAN_TARGETS)
	cd $(TSAN_BUILD) && TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" ctest --output-on-failure -L "unit|integration" -j$(JOBS)

# The libFuzzer targets (fuzz/) in the ASan tree.
define fuzz_run
	$(call asan_configure,$(1),$(2))
	cmake --build $(ASAN_BUILD) -j$(JOBS) --target $(FUZZ_TARGETS)
	cd $(ASAN_BUILD) && ctest --output-on-failure -L fuzz -j$(JOBS)
endef

fuzz: deps
	$(call fuzz_run,$(FUZZ_SECONDS),-O1)

fuzz-smoke: deps
	$(call fuzz_run,$(FUZZ_SMOKE_SECONDS),-O0)

test: build asan fuzz-smoke tsan
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

# The Debian package (seshd, sesh, the systemd unit, libsesh for find_package): $(BUILD)/sesh_*.deb.
deb: build
	cd $(BUILD) && cpack -G DEB

# seshd on http://127.0.0.1:3000 with SQLite in ./data (SESH_* variables override, see README).
run: build
	$(BUILD)/apps/seshd/seshd

# A Redis primary and replica, three sentinels, three seshd nodes and nginx on loopback, until
# Ctrl-C; prints the URL. `make cluster STRATEGY=jwt` (or iron) picks the session strategy.
STRATEGY ?= server
cluster: build
	node scripts/cluster.mjs $(BUILD) --strategy $(STRATEGY)

# seshd against Next.js + next-auth, Express + iron-session, nginx and a bare Beast server (wrk).
bench: build
	bench/http/run.sh $(BUILD)

bench-micro: build
	bench/micro/run.sh $(BUILD)

bench-store: build
	bench/micro/store_run.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(TSAN_BUILD)
