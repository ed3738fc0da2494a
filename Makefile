# The README's commands. `make test` installs what is missing, builds with warnings as errors,
# and runs every test (ctest), plus the unit tests again under ASan + UBSan.
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc)
CMAKE_FLAGS ?=
# Every GoogleTest executable: they run again under ASan + UBSan.
ASAN_TARGETS = unit_core unit_cookie unit_tokens unit_jwt unit_iron unit_store unit_session unit_auth unit_http \
               integration_sqlite integration_redis integration_auth integration_http

.PHONY: all deps build test unit-asan run bench bench-micro bench-store clean

all: build

deps:
	scripts/install-deps.sh

build: deps
	cmake -S . -B $(BUILD) -DSESH_WERROR=ON $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j$(JOBS)

unit-asan: deps
	cmake -S . -B $(ASAN_BUILD) -DSESH_WERROR=ON -DSESH_SANITIZE=address,undefined -DSESH_BUILD_BENCH=OFF $(CMAKE_FLAGS)
	cmake --build $(ASAN_BUILD) -j$(JOBS) --target $(ASAN_TARGETS)
	cd $(ASAN_BUILD) && ctest --output-on-failure -L "unit|integration" -j$(JOBS)

test: build unit-asan
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

# seshd on http://127.0.0.1:3000 with SQLite in ./data (SESH_* variables override, see README).
run: build
	$(BUILD)/apps/seshd/seshd

# seshd against Next.js + next-auth, Express + iron-session, nginx and a bare Beast server (wrk).
bench: build
	bench/http/run.sh $(BUILD)

bench-micro: build
	bench/micro/run.sh $(BUILD)

bench-store: build
	bench/micro/store_run.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
