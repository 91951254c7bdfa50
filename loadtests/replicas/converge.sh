#!/usr/bin/env bash
# Replica convergence (issue #5): one redis-server and three GeoAssign replicas on this machine.
# Measures, with geoassign-load's `converge` scenario, how long an acknowledged edit takes until
# every replica serves it, while another geoassign-load process keeps `resolve` lookups running
# against all three; beside it, the raw Redis publish -> receive round trip on the same machine.
#
#   bash loadtests/replicas/converge.sh                 # about 2 minutes
#   DURATION=60 EDIT_RATE=20 bash loadtests/replicas/converge.sh
#
# Environment: DURATION (measured seconds, default 30), EDIT_RATE (edits a second, default 20),
# LOOKUP_CONCURRENCY (callers of the background lookups, default 4), EDIT_TERRITORY (a territory
# id to edit instead of the small probe territory, e.g. 08031 for Denver county; its border moves
# by 1 % and back), OUT (the Markdown file; default loadtests/results/<date>-convergence.md),
# KEEP_WORK=1 (keep the temporary folder with every log).
set -euo pipefail
cd "$(dirname "$0")/../.."

duration=${DURATION:-30}
edit_rate=${EDIT_RATE:-20}
lookups=${LOOKUP_CONCURRENCY:-4}
out=${OUT:-loadtests/results/$(date -u +%Y-%m-%d)-convergence.md}
say() { printf '==> %s\n' "$*" >&2; }

command -v redis-server >/dev/null || { echo "redis-server is needed (apt-get install redis-server)." >&2; exit 1; }
command -v python3 >/dev/null || { echo "python3 is needed to find free ports." >&2; exit 1; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

work=$(mktemp -d /tmp/geoassign-converge.XXXXXX)
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
  GeoAssign__Redis__ConnectionString="127.0.0.1:$redis_port" GeoAssign__Redis__MapName=converge GeoAssign__ReplicaId="replica-$i" \
    dotnet server/GeoAssign.Server/bin/Release/net10.0/GeoAssign.Server.dll --urls "http://127.0.0.1:$port" >"$work/replica-$i.log" 2>&1 &
  pids+=($!)
  targets+=(--target "http://127.0.0.1:$port")
done
for i in 0 1 2; do
  for _ in $(seq 300); do grep -q "serving gRPC" "$work/replica-$i.log" && break; sleep 0.1; done
  grep -q "serving gRPC" "$work/replica-$i.log" || { echo "replica $i did not start:" >&2; tail -n 20 "$work/replica-$i.log" >&2; exit 1; }
done

map=server/GeoAssign.Server/samples/us-states.geojson
if [ -f data/us-atlas/us-counties.geojson ] && command -v node >/dev/null; then
  # All counties but Falls Church city (51610), which has no area at 1:10m; 40 others need repair.
  map="$work/counties.geojson"
  node -e 'const fs = require("fs"); const fc = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
    fc.features = fc.features.filter((f) => f.id !== "51610"); fs.writeFileSync(process.argv[2], JSON.stringify(fc));' \
    data/us-atlas/us-counties.geojson "$map"
fi
say "importing $map through replica 0"
"${load_tool[@]}" import "$map" --repair "${targets[@]:0:2}" >"$work/import.log" 2>&1 || { tail -n 20 "$work/import.log" >&2; exit 1; }

say "background lookups: resolve, $lookups callers across the three replicas"
"${load_tool[@]}" resolve "${targets[@]}" --concurrency "$lookups" --warmup 1 --duration $((duration + 20)) >"$work/lookups.log" 2>&1 &
lookup_pid=$!
pids+=($lookup_pid)
sleep 3

edit=()
[ -n "${EDIT_TERRITORY:-}" ] && edit=(--edit-territory "$EDIT_TERRITORY")
say "converge: $edit_rate edits/s for $duration s, through each replica in turn; load average $(cut -d' ' -f1-3 /proc/loadavg)"
mkdir -p "$(dirname "$out")"
"${load_tool[@]}" converge "${targets[@]}" "${edit[@]}" --redis "127.0.0.1:$redis_port" --redis-samples 2000 \
  --edit-rate "$edit_rate" --warmup 3 --duration "$duration" --label "converge, 3 replicas, lookups running" \
  --markdown "$out" --json "$work/converge.json"
kill "$lookup_pid" 2>/dev/null || true
say "background lookups:"; tail -n 15 "$work/lookups.log" >&2 || true
say "load average at the end $(cut -d' ' -f1-3 /proc/loadavg); table in $out"
