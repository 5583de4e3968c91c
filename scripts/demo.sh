#!/usr/bin/env bash
# Installs what is missing, builds the airan tool and runs the main job: decoding the shipped test vectors, then
# the UL-SCH over AWGN demo.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh build -- airan
./build/tools/airan run testvectors
./build/tools/airan demo "$@"
