#!/usr/bin/env bash
# GeoAssign.H3 against h3-js on this machine, in this session: runs the BenchmarkDotNet
# H3Benchmarks, then loadtests/h3js-bench/bench.mjs on the same points, and prints one
# Markdown table (also saved as comparison.md in the artifacts folder).
#
#   bash loadtests/h3js-bench/compare.sh               # BenchmarkDotNet short job, a few minutes
#   bash loadtests/h3js-bench/compare.sh --quick       # smoke test: dry job, numbers mean nothing
#   BDN_JOB=medium bash loadtests/h3js-bench/compare.sh --iterationCount 30   # extra args go to BenchmarkDotNet
#
# Environment: BDN_JOB (default short), ARTIFACTS (default BenchmarkDotNet.Artifacts/h3-compare),
# H3JS_ARGS (extra arguments for bench.mjs). Run it on a quiet machine: both sides are single-threaded.
set -euo pipefail
cd "$(dirname "$0")/../.."

bench_dir=loadtests/h3js-bench
project=loadtests/GeoAssign.Benchmarks
out=${ARTIFACTS:-BenchmarkDotNet.Artifacts/h3-compare}
job=${BDN_JOB:-short}
read -r -a h3js_args <<<"${H3JS_ARGS:-}"
if [ "${1:-}" = "--quick" ]; then
  shift
  job=dry
  h3js_args=(--rounds 3 --round-ms 50 --warmup-ms 200)
fi

if [ ! -d tests/oracle/node_modules/h3-js ]; then
  echo "==> installing h3-js (pinned by tests/oracle/package-lock.json)"
  (cd tests/oracle && npm ci --no-audit --no-fund --loglevel=error)
fi

echo "==> building $project"
dotnet build "$project" -c Release --nologo -v quiet

ours=$(dotnet run -c Release --no-build --project "$project" -- --points-fingerprint)
theirs=$(node "$bench_dir/bench.mjs" --points-fingerprint)
if [ "$ours" != "$theirs" ]; then
  echo "The two benchmarks generate different points (fingerprints $ours and $theirs)." >&2
  exit 1
fi

rm -rf "$out"
mkdir -p "$out"

echo "==> BenchmarkDotNet, job $job (log: $out/bdn.log)"
dotnet run -c Release --no-build --project "$project" -- \
  --filter '*H3Benchmarks*' --job "$job" --exporters json --artifacts "$out/bdn" "$@" >"$out/bdn.log" 2>&1 || {
  tail -n 40 "$out/bdn.log" >&2
  exit 1
}
report=$(find "$out/bdn/results" -name '*H3Benchmarks-report-full-compressed.json' | head -n 1)
if [ -z "$report" ]; then
  tail -n 40 "$out/bdn.log" >&2
  echo "BenchmarkDotNet wrote no JSON report under $out/bdn/results." >&2
  exit 1
fi

echo "==> h3-js"
node "$bench_dir/bench.mjs" --json "${h3js_args[@]}" >"$out/h3js.json"

echo
node "$bench_dir/table.mjs" "$report" "$out/h3js.json" | tee "$out/comparison.md"
