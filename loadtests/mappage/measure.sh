#!/usr/bin/env bash
# The map page at scale: time from navigation to every territory drawn, and bytes transferred, in
# headless Chromium, with a cold then a warm browser cache, for all US counties and for a synthetic
# map of 3,000 districts with 5 million vertices; then zoom steps. Writes a Markdown table to
# loadtests/results/<date>-mappage.md and stdout. See docs/map-page.md ("Scale").
#
#   bash loadtests/mappage/measure.sh                 # about 10 minutes on 2 cores
#   RUNS=5 bash loadtests/mappage/measure.sh          # more page loads per map
#
# Environment: RUNS (cold/warm load pairs per map, default 3), DISTRICTS (default 3000), VERTICES
# (default 5000000), OUT (the Markdown file), KEEP_WORK=1 (keep the temporary folder),
# GEOASSIGN_CHROMIUM (the browser, default /usr/bin/chromium: Debian's chromium package).
#
# For each map it starts a fresh GeoAssign server (Release) on free loopback ports with data in a
# temporary folder, imports the map, and opens the page: the first load is the first drawing that
# server makes of that version (nothing is cached on either side); later cold loads find the
# drawing in the server's cache but not in the browser's. Then it moves one vertex of a border two
# territories share (loadtests/mappage/edit-border.py), imports that edit and opens the page on the
# new version at once; then restarts the server over its stored map and opens the page at once.
set -euo pipefail
cd "$(dirname "$0")/../.."

runs=${RUNS:-3}
districts=${DISTRICTS:-3000}
vertices=${VERTICES:-5000000}
out=${OUT:-loadtests/results/$(date -u +%Y-%m-%d)-mappage.md}

say() { printf '==> %s\n' "$*" >&2; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
command -v python3 >/dev/null || { echo "python3 is needed to find free ports." >&2; exit 1; }
[ -x "${GEOASSIGN_CHROMIUM:-/usr/bin/chromium}" ] || { echo "No Chromium: apt-get install chromium, or set GEOASSIGN_CHROMIUM." >&2; exit 1; }
if [ ! -f data/us-atlas/us-counties.geojson ]; then
  say "writing the us-atlas datasets (tests/oracle/datasets/us-atlas.mjs)"
  [ -d tests/oracle/node_modules/us-atlas ] || (cd tests/oracle && npm ci --no-audit --no-fund --loglevel=error)
  node tests/oracle/datasets/us-atlas.mjs
fi

work=$(mktemp -d /tmp/geoassign-mappage.XXXXXX)
server_pid=""
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; fi
  server_pid=""
}
cleanup() {
  set +e
  stop_server
  if [ "${KEEP_WORK:-0}" = 1 ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "building the server and geoassign-load (Release)"
dotnet build server/GeoAssign.Server -c Release --nologo -v quiet >"$work/build-server.log" 2>&1 || { tail -n 30 "$work/build-server.log" >&2; exit 1; }
dotnet build loadtests/GeoAssign.LoadTest -c Release --nologo -v quiet >"$work/build-load.log" 2>&1 || { tail -n 30 "$work/build-load.log" >&2; exit 1; }
load_tool=(dotnet loadtests/GeoAssign.LoadTest/bin/Release/net10.0/geoassign-load.dll)

say "generating $districts districts with about $vertices vertices"
"${load_tool[@]}" synthetic-map --out "$work/districts.geojson" --districts "$districts" --vertices "$vertices" >&2

machine="$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(free -g | awk '/Mem:/ {print $2}') GiB"
load_start=$(loadavg)
mkdir -p "$(dirname "$out")"
{
  echo "## Map page, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "$machine; load average at start $load_start; $(chromium --version 2>/dev/null || echo chromium). \`bash loadtests/mappage/measure.sh\`, RUNS=$runs."
  echo
} >"$work/table.md"

# measure LABEL FILE IMPORT-OPTIONS...
# start_server LABEL: a GeoAssign server on fresh free ports over the label's data folder (kept across restarts).
start_server() {
  local label=$1
  grpc_port=$(free_port)
  http_port=$(free_port)
  say "$label: starting GeoAssign (gRPC :$grpc_port, HTTP/1.1 :$http_port)"
  env GeoAssign__DataDirectory="$work/data-$label" GeoAssign__Http1Url="http://127.0.0.1:$http_port" Logging__LogLevel__Default=Warning \
    'Logging__LogLevel__GeoAssign.Server.MapPage=Information' \
    dotnet server/GeoAssign.Server/bin/Release/net10.0/GeoAssign.Server.dll --urls "http://127.0.0.1:$grpc_port" >>"$work/server-$label.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 600); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$http_port") 2>/dev/null; then break; fi
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server-$label.log" >&2; exit 1; }
    sleep 0.1
  done
}

# measure LABEL FILE IMPORT-OPTIONS...: the first drawing of an imported map, then of the version after
# an edit of one border (two territories), then after a restart of the server over the stored map.
measure() {
  local label=$1 file=$2
  shift 2
  start_server "$label"
  say "$label: importing $file"
  local started=$SECONDS
  "${load_tool[@]}" import "$file" "$@" --target "http://127.0.0.1:$grpc_port" >&2
  say "$label: imported in $((SECONDS - started)) s; opening the page"
  "${load_tool[@]}" map-page --page-url "http://127.0.0.1:$http_port" --label "$label" --runs "$runs" --markdown "$work/rows.md" >/dev/null

  say "$label: editing one border (load average $(loadavg))"
  python3 loadtests/mappage/edit-border.py "$file" "$work/edit.geojson" >&2
  "${load_tool[@]}" import "$work/edit.geojson" "$@" --target "http://127.0.0.1:$grpc_port" >&2
  "${load_tool[@]}" map-page --page-url "http://127.0.0.1:$http_port" --label "$label, after a border edit" --runs 1 --markdown "$work/rows.md" >/dev/null

  stop_server
  say "$label: restarting the server over the stored map (load average $(loadavg))"
  start_server "$label"
  "${load_tool[@]}" map-page --page-url "http://127.0.0.1:$http_port" --label "$label, after a restart" --runs 1 --markdown "$work/rows.md" >/dev/null
  grep "Map page drawing" "$work/server-$label.log" | sed 's/^/    server: /' >&2 || true
  stop_server
}

measure "US counties" data/us-atlas/us-counties.geojson --repair --skip-no-area
measure "$districts districts" "$work/districts.geojson"

cat "$work/rows.md" >>"$work/table.md"
echo >>"$work/table.md"
echo "Load average at the end: $(loadavg)." >>"$work/table.md"
cat "$work/table.md" >>"$out"
cat "$work/table.md"
say "appended to $out"
