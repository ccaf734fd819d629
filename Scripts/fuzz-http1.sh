#!/usr/bin/env bash
# The long run of the differential fuzz test: the HTTP/1 reader against NIOHTTP1's llhttp on
# mutated and random messages. Usage: Scripts/fuzz-http1.sh [ITERATIONS] [SEED]
# (default 1,000,000 from a seed of the current time; about 8 minutes on a 2-core machine).
# A disagreement prints the input: fix the reader or, if deliberate, explain it in
# Tests/MeshHTTP1Tests/Differential/DeliberateDifference.swift; either way add it to KeptCases.swift.
set -euo pipefail
cd "$(dirname "$0")/.."
export MESH_HTTP1_FUZZ_ITERATIONS="${1:-1000000}"
export MESH_HTTP1_FUZZ_SEED="${2:-$(date +%s)}"
echo "fuzzing $MESH_HTTP1_FUZZ_ITERATIONS messages from seed $MESH_HTTP1_FUZZ_SEED"
swift test --filter 'DifferentialFuzzTests/readersAgreeOnMutatedAndRandomMessages'
