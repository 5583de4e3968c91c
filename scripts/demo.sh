#!/usr/bin/env bash
# Installs what is missing, builds the airan tool and runs the main job on the shipped example.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh build -- airan
./build/tools/airan demo "$@"
