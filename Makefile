# The front door. `make run` and `make test` are all a newcomer needs.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps configure build run demo test bench fault-suite format clean

all: build

deps:
	@cmake/deps.sh

$(BUILD_DIR)/CMakeCache.txt:
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null

configure: deps $(BUILD_DIR)/CMakeCache.txt

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS) -- --no-print-directory

# Builds, migrates, bootstraps an empty database and starts the server with
# the embedded defaults (SQLite, local files, built-in queue, in-process worker).
run: build
	@apps/server/run.sh $(BUILD_DIR)

# `make run` plus the demo shop (examples/shop) recording into the server.
demo: build
	@examples/shop/demo.sh $(BUILD_DIR)

# Builds and runs every test against real PostgreSQL and Redis on loopback.
test: build
	@tests/run.sh $(BUILD_DIR)

bench: build
	@tests/bench/run.sh $(BUILD_DIR)

# nginx in front of 3 servers and 2 workers on PostgreSQL, Redis and S3, with
# visitors sending while a server, a worker, PostgreSQL, Redis and the S3
# disk fail in turn (15-25 min on 2 cores; needs root). See tests/fault/run.sh.
fault-suite: build
	@tests/fault/run.sh $(BUILD_DIR)

format:
	@git ls-files '*.h' '*.cc' | xargs clang-format -i

clean:
	@rm -rf $(BUILD_DIR)
