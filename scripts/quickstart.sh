#!/usr/bin/env bash
# Quick start placeholder: filled in once the pipeline lands.
set -euo pipefail
cd "$(dirname "$0")/.."
./build/arfc --help
