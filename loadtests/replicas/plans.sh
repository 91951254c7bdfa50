#!/usr/bin/env bash
# Plans and history (issue #13): one redis-server and three GeoAssign replicas on this machine, the
# US counties imported. geoassign-load's `activate` scenario makes plans that change 10 % of the
# counties and activates them through each replica in turn, timing acknowledgement → every replica
# serving the new version (and the plan's creation, edit, diff and activation call apart); then
# `history` times lookups on a past version beside the live map, and the first lookup on past versions.
#
#   bash loadtests/replicas/plans.sh                    # about 10 minutes on 2 cores
#   ACTIVATIONS=10 HISTORY_DURATION=10 bash loadtests/replicas/plans.sh
#
# Environment: ACTIVATIONS (measured activations, default 30), WARMUP_ACTIVATIONS (default 2),
# CHANGE_SHARE (share of the counties each plan changes, default 0.1), BORDER_MOVES (moved borders
# among them, default 30), HISTORY_DURATION (seconds of history lookups, default 20),
# HISTORY_CONCURRENCY (callers, default 2), FIRST_LOOKUPS (past versions whose first lookup is timed,
# default 5), LOOKUP_CONCURRENCY (callers of background resolve lookups during the activations,
# default 0: none), OUT (the Markdown file; default loadtests/results/<date>-plans.md), KEEP_WORK=1
# (keep the temporary folder with every log).
set -euo pipefail
cd "$(dirname "$0")/../.."

activations=${ACTIVATIONS:-30}
warmup_activations=${WARMUP_ACTIVATIONS:-2}
change_share=${CHANGE_SHARE:-0.1}
border_moves=${BORDER_MOVES:-30}
history_duration=${HISTORY_DURATION:-20}
history_concurrency=${HISTORY_CONCURRENCY:-2}
first_lookups=${FIRST_LOOKUPS:-5}
lookups=${LOOKUP_CONCURRENCY:-0}
out=${OUT:-loadtests/results/$(date -u +%Y-%m-%d)-plans.md}
say() { printf '==> %s\n' "$*" >&2; }

command -v redis-server >/dev/null || { echo "redis-server is needed (apt-get install redis-server)." >&2; exit 1; }
command -v python3 >/dev/null || { echo "python3 is needed to find free ports." >&2; exit 1; }
command -v node >/dev/null || { echo "node is needed to prepare the counties." >&2; exit 1; }
[ -f data/us-atlas/us-counties.geojson ] || {
  echo "data/us-atlas/us-counties.geojson is missing: (cd tests/oracle && npm ci) && node tests/oracle/datasets/us-atlas.mjs" >&2; exit 1; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

work=$(mktemp -d /tmp/geoassign-plans.XXXXXX)
pids=()
cleanup() {
  set +e
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  wait 2>/dev/null
  if [ "${KEEP_WORK:-0}" = 1 ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "building the server and geoassign-load (Release)"
dotnet build server/GeoAssign.Server -c Release --nologo -v quiet >"$work/build-server.log" 2>&1 || { tail -n 30 "$work/build-server.log" >&2; exit 1; }
dotnet build loadtests/GeoAssign.LoadTest -c Release --nologo -v quiet >"$work/build-load.log" 2>&1 || { tail -n 30 "$work/build-load.log" >&2; exit 1; }
load_tool=(dotnet loadtests/GeoAssign.LoadTest/bin/Release/net10.0/geoassign-load.dll)

redis_port=$(free_port)
say "starting redis-server on 127.0.0.1:$redis_port (appendonly, appendfsync always)"
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly yes --appendfsync always --dir "$work" \
  --logfile "$work/redis.log" &
pids+=($!)
for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done

targets=()
for i in 0 1 2; do
  port=$(free_port)
  GeoAssign__Redis__ConnectionString="127.0.0.1:$redis_port" GeoAssign__Redis__MapName=plans GeoAssign__ReplicaId="replica-$i" \
    dotnet server/GeoAssign.Server/bin/Release/net10.0/GeoAssign.Server.dll --urls "http://127.0.0.1:$port" >"$work/replica-$i.log" 2>&1 &
  pids+=($!)
  targets+=(--target "http://127.0.0.1:$port")
done
for i in 0 1 2; do
  for _ in $(seq 300); do grep -q "serving gRPC" "$work/replica-$i.log" && break; sleep 0.1; done
  grep -q "serving gRPC" "$work/replica-$i.log" || { echo "replica $i did not start:" >&2; tail -n 20 "$work/replica-$i.log" >&2; exit 1; }
done

# All counties but Falls Church city (51610), which has no area at 1:10m; 40 others need repair.
map="$work/counties.geojson"
node -e 'const fs = require("fs"); const fc = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
  fc.features = fc.features.filter((f) => f.id !== "51610"); fs.writeFileSync(process.argv[2], JSON.stringify(fc));' \
  data/us-atlas/us-counties.geojson "$map"
say "importing the US counties through replica 0"
"${load_tool[@]}" import "$map" --repair "${targets[@]:0:2}" >"$work/import.log" 2>&1 || { tail -n 20 "$work/import.log" >&2; exit 1; }
cat "$work/import.log" >&2

lookup_pid=
if [ "$lookups" -gt 0 ]; then
  say "background lookups: resolve, $lookups callers across the three replicas"
  "${load_tool[@]}" resolve "${targets[@]}" --concurrency "$lookups" --warmup 1 --duration 86400 >"$work/lookups.log" 2>&1 &
  lookup_pid=$!
  pids+=($lookup_pid)
  sleep 3
fi

mkdir -p "$(dirname "$out")"
say "activate: $warmup_activations + $activations activations, each plan changing $change_share of the counties; load average $(cut -d' ' -f1-3 /proc/loadavg)"
"${load_tool[@]}" activate "${targets[@]}" --activations "$activations" --warmup-activations "$warmup_activations" \
  --change-share "$change_share" --border-moves "$border_moves" --converge-timeout 60 --timeout 300 \
  --label "activate, 3 replicas$([ "$lookups" -gt 0 ] && echo ", lookups running")" --markdown "$out" --json "$work/activate.json"
if [ -n "$lookup_pid" ]; then
  kill "$lookup_pid" 2>/dev/null || true
  say "background lookups:"; tail -n 15 "$work/lookups.log" >&2 || true
fi

say "history: $history_concurrency callers for $history_duration s, first lookups on $first_lookups past versions; load average $(cut -d' ' -f1-3 /proc/loadavg)"
"${load_tool[@]}" history "${targets[@]}" --concurrency "$history_concurrency" --warmup 3 --duration "$history_duration" \
  --first-lookups "$first_lookups" --timeout 300 --label "history, 3 replicas" --markdown "$out" --json "$work/history.json"
say "load average at the end $(cut -d' ' -f1-3 /proc/loadavg); tables in $out"
