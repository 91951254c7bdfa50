#!/usr/bin/env bash
# Interleaved A/B of GeoAssign server builds (or settings) on unary Resolve, driven by h2load: every
# variant runs at once on its own port with its own copy of the same map (all us-atlas counties),
# and the h2load runs alternate between them (the order rotates each round), so that the load of a
# shared machine falls on every variant alike. Prints requests/s and the server's CPU time per
# request (user + system, from /proc) per variant and concurrency (medians of the rounds), and each
# variant's ratio to the first.
#
#   bash loadtests/postgis/unary-ab.sh NAME=SERVER_DIR[,ENV=VALUE...] NAME=SERVER_DIR[,ENV=VALUE...] ...
#   e.g. bash loadtests/postgis/unary-ab.sh before=/tmp/before after=server/GeoAssign.Server/bin/Release/net10.0 \
#          after-no-scope=server/GeoAssign.Server/bin/Release/net10.0,Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics=Warning
#
# SERVER_DIR holds a built GeoAssign.Server.dll (copy bin/Release/net10.0 aside before changing the
# code). The variant name "minimal" with SERVER_DIR "-" runs loadtests/MinimalGrpc instead (the
# ENV=VALUE settings apply to it too, e.g. DOTNET_gcServer=0 for the runtime's part of a knob).
# Environment: CLIENTS (default "1 2 4 16"), ROUNDS (default 5), DURATION (s, default 3), WARMUP
# (s, default 1), POINT_LAT / POINT_LNG (default a point in Denver), PATH_KIND=json for GET
# /v1/resolve over h2c instead of gRPC, KEEP_WORK=1.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ $# -ge 1 ] || { sed -n '2,18p' "$0" >&2; exit 2; }
clients=${CLIENTS:-1 2 4 16}
rounds=${ROUNDS:-5}
duration=${DURATION:-3}
warmup=${WARMUP:-1}
point_lat=${POINT_LAT:-39.7392}
point_lng=${POINT_LNG:--104.9903}
path_kind=${PATH_KIND:-grpc}

say() { printf '==> %s\n' "$*" >&2; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
work=$(mktemp -d /tmp/geoassign-unary-ab.XXXXXX)
pids=()
cleanup() {
  set +e
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  if [ "${KEEP_WORK:-0}" = 1 ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_port() { # port pid log
  for _ in $(seq 1 900); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    kill -0 "$2" 2>/dev/null || { cat "$3" >&2; exit 1; }
    sleep 0.1
  done
  echo "nothing listens on port $1 after 90 s" >&2; exit 1
}

dotnet build loadtests/GeoAssign.LoadTest -c Release --nologo -v quiet >"$work/build-load.log" 2>&1 || { tail -n 30 "$work/build-load.log" >&2; exit 1; }
load_tool=(dotnet loadtests/GeoAssign.LoadTest/bin/Release/net10.0/geoassign-load.dll)

# The map, once: imported through the first GeoAssign variant, then copied for every variant.
first_dir=""
for spec in "$@"; do
  dir=${spec#*=}; dir=${dir%%,*}
  if [ "$dir" != - ]; then first_dir=$dir; break; fi
done
[ -n "$first_dir" ] || { echo "at least one variant must be a GeoAssign build" >&2; exit 2; }
node -e 'const fs = require("fs"); const fc = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
  fc.features = fc.features.filter((f) => f.id !== "51610"); fs.writeFileSync(process.argv[2], JSON.stringify(fc));' \
  data/us-atlas/us-counties.geojson "$work/counties.geojson"
port=$(free_port)
say "importing the counties through $first_dir"
GeoAssign__DataDirectory="$work/map" GeoAssign__Http1Url="" Logging__LogLevel__Default=Warning \
  dotnet "$first_dir/GeoAssign.Server.dll" --urls "http://127.0.0.1:$port" >"$work/import-server.log" 2>&1 &
import_pid=$!
wait_port "$port" "$import_pid" "$work/import-server.log"
"${load_tool[@]}" import "$work/counties.geojson" --repair --target "http://127.0.0.1:$port" >"$work/import.log" 2>&1 || { cat "$work/import.log" >&2; exit 1; }
kill "$import_pid"; wait "$import_pid" 2>/dev/null || true

names=()
declare -A ports pids_by_name
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
for spec in "$@"; do
  name=${spec%%=*}; rest=${spec#*=}
  IFS=, read -r -a parts <<<"$rest"
  dir=${parts[0]}
  envs=("${parts[@]:1}")
  port=$(free_port)
  if [ "$dir" = - ]; then
    env "${envs[@]}" dotnet loadtests/MinimalGrpc/bin/Release/net10.0/MinimalGrpc.dll --urls "http://127.0.0.1:$port" >"$work/$name.log" 2>&1 &
  else
    cp -r "$work/map" "$work/map-$name"
    env "${envs[@]}" GeoAssign__DataDirectory="$work/map-$name" GeoAssign__Http1Url="" Logging__LogLevel__Default=Warning \
      dotnet "$dir/GeoAssign.Server.dll" --urls "http://127.0.0.1:$port" >"$work/$name.log" 2>&1 &
  fi
  pids+=($!)
  pids_by_name[$name]=$!
  wait_port "$port" "$!" "$work/$name.log"
  names+=("$name"); ports[$name]=$port
  say "$name on port $port ($dir ${envs[*]})"
done

python3 - "$point_lat" "$point_lng" "$work/resolve.bin" <<'PY'
import struct, sys
lat, lng, out = float(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
message = b"\x09" + struct.pack("<d", lat) + b"\x11" + struct.pack("<d", lng)
open(out, "wb").write(b"\x00" + struct.pack(">I", len(message)) + message)
PY

mkdir -p "$work/runs"
say "load average $(cut -d' ' -f1-3 /proc/loadavg) at the start"
for round in $(seq 1 "$rounds"); do
  for c in $clients; do
    threads=$(( c < $(nproc) ? c : $(nproc) ))
    count=${#names[@]}
    for i in $(seq 0 $((count - 1))); do
      name=${names[$(( (i + round) % count ))]}
      if [ "$path_kind" = json ]; then
        args=("http://127.0.0.1:${ports[$name]}/v1/resolve?lat=$point_lat&lng=$point_lng")
      else
        args=(-d "$work/resolve.bin" -H "content-type: application/grpc" -H "te: trailers" "http://127.0.0.1:${ports[$name]}/geoassign.v1.AssignmentService/Resolve")
      fi
      pid=${pids_by_name[$name]}
      h2load -D "$warmup" -c "$c" -t "$threads" -m 1 "${args[@]}" >/dev/null 2>&1
      cpu_before=$(cpu_ticks "$pid")
      h2load -D "$duration" -c "$c" -t "$threads" -m 1 "${args[@]}" >"$work/runs/$name-c$c-r$round.txt" 2>&1
      cpu_after=$(cpu_ticks "$pid")
      grep -q ' 0 failed, 0 errored' "$work/runs/$name-c$c-r$round.txt" || { cat "$work/runs/$name-c$c-r$round.txt" >&2; exit 1; }
      sed -n 's/^finished in [^,]*, \([0-9.]*\) req\/s.*/\1/p' "$work/runs/$name-c$c-r$round.txt" >"$work/runs/$name-c$c-r$round.rps"
      # The server's own CPU time per request (user + system), which other jobs on the machine disturb far less than throughput.
      requests=$(sed -n 's/^requests: [0-9]* total, [0-9]* started, \([0-9]*\) done.*/\1/p' "$work/runs/$name-c$c-r$round.txt")
      python3 -c "print(($cpu_after - $cpu_before) * 1e6 / $(getconf CLK_TCK) / max(1, $requests))" >"$work/runs/$name-c$c-r$round.cpu"
    done
  done
  say "round $round done; load average $(cut -d' ' -f1-3 /proc/loadavg)"
done

python3 - "$work/runs" "$clients" "${names[@]}" <<'PY'
import os, statistics, sys
runs, clients, names = sys.argv[1], sys.argv[2].split(), sys.argv[3:]
def values(name, c, kind=".rps"):
    out = []
    for f in sorted(os.listdir(runs)):
        if f.startswith(f"{name}-c{c}-r") and f.endswith(kind):
            text = open(os.path.join(runs, f)).read().strip()
            if text: out.append(float(text))
    return out
med = {(n, c): statistics.median(values(n, c)) for n in names for c in clients}
print("| variant | " + " | ".join(f"{c} client(s)" for c in clients) + " |")
print("| --- | " + " | ".join("---:" for _ in clients) + " |")
for n in names:
    print(f"| {n} | " + " | ".join(f"{med[(n, c)]:,.0f}" for c in clients) + " |")
for n in names[1:]:
    print(f"| *{n} / {names[0]}* | " + " | ".join(f"{med[(n, c)] / med[(names[0], c)]:.2f}×" for c in clients) + " |")
print()
cpu = {(n, c): statistics.median(values(n, c, ".cpu")) for n in names for c in clients}
print("| server CPU µs per request | " + " | ".join(f"{c} client(s)" for c in clients) + " |")
print("| --- | " + " | ".join("---:" for _ in clients) + " |")
for n in names:
    print(f"| {n} | " + " | ".join(f"{cpu[(n, c)]:.1f}" for c in clients) + " |")
for n in names[1:]:
    print(f"| *{n} / {names[0]}* | " + " | ".join(f"{cpu[(n, c)] / cpu[(names[0], c)]:.2f}×" for c in clients) + " |")
print()
print("every round (req/s): " + "; ".join(f"{n} c{c}: " + ", ".join(f"{v:,.0f}" for v in values(n, c)) for n in names for c in clients))
PY
say "load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
