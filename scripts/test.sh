#!/usr/bin/env bash
# Installs what is missing, builds everything and runs the whole test suite.
# Usage: scripts/test.sh [BUILD_DIR [extra cmake arguments]]; GPU tests report as skipped without a GPU.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build}
shift || true
scripts/install-deps.sh
scripts/build.sh "$build_dir" "$@"
ctest --test-dir "$build_dir" --output-on-failure --parallel "$(nproc)"
