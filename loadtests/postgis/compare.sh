#!/usr/bin/env bash
# GeoAssign beside PostGIS and beside raw gRPC, measured in one session on this machine with the
# same territories (all us-atlas counties) and the same points. Writes a Markdown table to
# loadtests/results/<date>-comparison.md and stdout. See loadtests/GeoAssign.LoadTest/README.md.
#
#   bash loadtests/postgis/compare.sh                      # about 6 minutes
#   DURATION=5 WARMUP=1 bash loadtests/postgis/compare.sh  # shorter runs, rougher numbers
#
# Environment: DURATION (seconds per measured run, default 10), WARMUP (default 3), CONCURRENCY
# (the "N" of the unary runs and pgbench, default 16), BATCH_POINTS (points of the batch join and
# the stream run, default 1,000,000), SAMPLE_POINTS (points whose answers are compared, default
# 100,000), SEED (default 42), OUT (the Markdown file), KEEP_WORK=1 (keep the temporary folder).
#
# Unary (h2load): a fixed gRPC Resolve request (POINT_LAT, POINT_LNG; default a point in Denver) sent
# by h2load to GeoAssign and to loadtests/MinimalGrpc (the floor: grpc-dotnet with default settings),
# the JSON route (GET /v1/resolve) over HTTP/1.1 and over h2c, and pgbench's prepared query for the
# same point, at UNARY_CLIENTS (default "1 2 4 16"), interleaved per concurrency, UNARY_ROUNDS times
# (default 3; the table takes each side's median), UNARY_DURATION s each (default 5) after
# UNARY_WARMUP s (default 2). UNARY_ONLY=1 runs only that part (and loads PostGIS only with the
# territories). API_KEY (16+ characters) starts GeoAssign with that key and sends it.
#
# It installs postgresql-15-postgis-3 with apt-get when missing, starts a throwaway PostgreSQL 15
# cluster and a GeoAssign server (Release) on free loopback ports with data in a temporary folder,
# and stops both on exit. The load generator runs on the same machine as the servers, for both peers.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

duration=${DURATION:-10}
warmup=${WARMUP:-3}
concurrency=${CONCURRENCY:-16}
batch_points=${BATCH_POINTS:-1000000}
sample_points=${SAMPLE_POINTS:-100000}
seed=${SEED:-42}
box="uniform:-125,24.5,-66.9,49.5"
out=${OUT:-loadtests/results/$(date -u +%Y-%m-%d)-comparison.md}
pg_bin=/usr/lib/postgresql/15/bin
unary_only=${UNARY_ONLY:-0}
unary_clients=${UNARY_CLIENTS:-1 2 4 16}
unary_rounds=${UNARY_ROUNDS:-3}
unary_duration=${UNARY_DURATION:-5}
unary_warmup=${UNARY_WARMUP:-2}
point_lat=${POINT_LAT:-39.7392}
point_lng=${POINT_LNG:--104.9903}
api_key=${API_KEY:-}
if [ "$unary_only" = 1 ]; then
  # The batch join, the agreement and geoassign-load do not run: a few points keep the setup short.
  batch_points=1000; sample_points=1000
  out=${OUT:-loadtests/results/$(date -u +%Y-%m-%d)-unary.md}
fi

say() { printf '==> %s\n' "$*" >&2; }
if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi

# --- prerequisites ---------------------------------------------------------------------------
if [ ! -x "$pg_bin/initdb" ] || [ ! -f /usr/share/postgresql/15/extension/postgis.control ]; then
  say "installing postgresql-15-postgis-3 with apt-get"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends postgresql-15 postgresql-15-postgis-3 >/dev/null
fi
command -v node >/dev/null || { echo "Node.js is needed for the datasets (bash tests/run.sh installs it)." >&2; exit 1; }
command -v python3 >/dev/null || { echo "python3 is needed to find free ports." >&2; exit 1; }
command -v h2load >/dev/null || { echo "h2load is needed for the unary runs (apt-get install nghttp2-client)." >&2; exit 1; }

if [ ! -f data/us-atlas/us-counties.geojson ]; then
  say "writing the us-atlas datasets (tests/oracle/datasets/us-atlas.mjs)"
  [ -d tests/oracle/node_modules/us-atlas ] || (cd tests/oracle && npm ci --no-audit --no-fund --loglevel=error)
  node tests/oracle/datasets/us-atlas.mjs
fi

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

work=$(mktemp -d /tmp/geoassign-compare.XXXXXX)
chmod 755 "$work"
geoassign_pid=""
minimal_pid=""
pg_started=""
as_pg=()
if [ "$(id -u)" -eq 0 ]; then as_pg=(runuser -u postgres --); fi

cleanup() {
  set +e
  if [ -n "$geoassign_pid" ] && kill -0 "$geoassign_pid" 2>/dev/null; then
    kill "$geoassign_pid"; wait "$geoassign_pid" 2>/dev/null
  fi
  if [ -n "$minimal_pid" ] && kill -0 "$minimal_pid" 2>/dev/null; then
    kill "$minimal_pid"; wait "$minimal_pid" 2>/dev/null
  fi
  if [ -n "$pg_started" ]; then "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$work/pg" -m fast -w stop >/dev/null 2>&1; fi
  if [ "${KEEP_WORK:-0}" = 1 ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

machine="$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr)"
load_start=$(loadavg)
say "machine: $machine; load average $load_start"

# --- build and start GeoAssign -----------------------------------------------------------------
say "building the server and geoassign-load (Release)"
dotnet build server/GeoAssign.Server -c Release --nologo -v quiet >"$work/build-server.log" 2>&1 || { tail -n 30 "$work/build-server.log" >&2; exit 1; }
dotnet build loadtests/GeoAssign.LoadTest -c Release --nologo -v quiet >"$work/build-load.log" 2>&1 || { tail -n 30 "$work/build-load.log" >&2; exit 1; }
dotnet build loadtests/MinimalGrpc -c Release --nologo -v quiet >"$work/build-minimal.log" 2>&1 || { tail -n 30 "$work/build-minimal.log" >&2; exit 1; }
load_tool=(dotnet loadtests/GeoAssign.LoadTest/bin/Release/net10.0/geoassign-load.dll)

wait_port() { # port pid log
  for _ in $(seq 1 600); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    kill -0 "$2" 2>/dev/null || { cat "$3" >&2; exit 1; }
    sleep 0.1
  done
}

ga_port=$(free_port)
ga_http1_port=$(free_port)
target="http://127.0.0.1:$ga_port"
key_env=()
if [ -n "$api_key" ]; then
  # One editor key: the import needs it, and a lookup's checks are the same for either role.
  key_env=(GeoAssign__ApiKeys__0__Key="$api_key" GeoAssign__ApiKeys__0__Role=editor)
  export GEOASSIGN_API_KEY=$api_key
fi
say "starting GeoAssign on $target (HTTP/1.1 on port $ga_http1_port)"
env "${key_env[@]}" GeoAssign__DataDirectory="$work/geoassign-data" GeoAssign__Http1Url="http://127.0.0.1:$ga_http1_port" Logging__LogLevel__Default=Warning \
  dotnet server/GeoAssign.Server/bin/Release/net10.0/GeoAssign.Server.dll --urls "$target" >"$work/geoassign.log" 2>&1 &
geoassign_pid=$!
wait_port "$ga_port" "$geoassign_pid" "$work/geoassign.log"

minimal_port=$(free_port)
say "starting the minimal grpc-dotnet service on 127.0.0.1:$minimal_port"
dotnet loadtests/MinimalGrpc/bin/Release/net10.0/MinimalGrpc.dll --urls "http://127.0.0.1:$minimal_port" >"$work/minimal.log" 2>&1 &
minimal_pid=$!
wait_port "$minimal_port" "$minimal_pid" "$work/minimal.log"

# All counties but Falls Church city (51610), which has no area at 1:10m; 40 others need repair.
node -e 'const fs = require("fs"); const fc = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
  fc.features = fc.features.filter((f) => f.id !== "51610"); fs.writeFileSync(process.argv[2], JSON.stringify(fc));' \
  data/us-atlas/us-counties.geojson "$work/counties.geojson"
say "importing the counties into GeoAssign (with repair)"
"${load_tool[@]}" import "$work/counties.geojson" --repair --target "$target" >&2

# The territories exactly as GeoAssign holds them (after repair), and the points, for PostGIS.
"${load_tool[@]}" export-territories --target "$target" --out "$work/territories.tsv" >&2
"${load_tool[@]}" points --points "$box" --point-count "$batch_points" --seed "$seed" --out "$work/points.csv" >&2
# The first SAMPLE_POINTS points of the same sequence (same seed): ids 1..SAMPLE_POINTS of points.csv.
"${load_tool[@]}" answers --target "$target" --points "$box" --point-count "$sample_points" --seed "$seed" --batch-size 10000 --out "$work/geoassign-answers.csv" >&2
chmod 644 "$work"/*.tsv "$work"/*.csv

# --- PostgreSQL + PostGIS ----------------------------------------------------------------------
pg_port=$(free_port)
mkdir -p "$work/pg" "$work/pg-socket"
if [ "$(id -u)" -eq 0 ]; then chown postgres: "$work/pg" "$work/pg-socket"; fi
say "starting PostgreSQL 15 on 127.0.0.1:$pg_port"
start_postgres() {
  "${as_pg[@]}" "$pg_bin/initdb" -D "$work/pg" -A trust -U postgres --locale=C.UTF-8 -E UTF8 >"$work/initdb.log" 2>&1 || { cat "$work/initdb.log" >&2; return 1; }
  cat >>"$work/pg/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $pg_port
unix_socket_directories = '$work/pg-socket'
shared_buffers = 512MB
work_mem = 64MB
maintenance_work_mem = 256MB
max_connections = 200
# A throwaway cluster: no durability cost while loading (GeoAssign's import is fsynced; lookups write nothing on either side).
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg/server.log" -w start >/dev/null || { cat "$work/pg/server.log" >&2; return 1; }
}
pg_ok=1
if start_postgres; then
  pg_started=1
else
  pg_ok=0
  # The unary runs need no PostgreSQL: without it they run with the pgbench column empty.
  [ "$unary_only" = 1 ] || { echo "PostgreSQL did not start (above); UNARY_ONLY=1 runs the h2load part without it." >&2; exit 1; }
  say "PostgreSQL did not start (its log is above): the unary runs go on without pgbench"
fi
psql_pg() { "${as_pg[@]}" psql -X -q -v ON_ERROR_STOP=1 -h "$work/pg-socket" -p "$pg_port" -U postgres -d postgres "$@"; }

if [ "$pg_ok" = 1 ]; then
say "loading territories and points into PostGIS"
psql_pg <<SQL
CREATE EXTENSION postgis;
CREATE TABLE territories_raw (id text, priority int, geojson text);
\copy territories_raw FROM '$work/territories.tsv'
-- C collation: ids compare by code unit, as GeoAssign's tie-break does.
CREATE TABLE territories AS
  SELECT id COLLATE "C" AS id, priority, ST_SetSRID(ST_GeomFromGeoJSON(geojson), 4326) AS geom FROM territories_raw;
ALTER TABLE territories ADD PRIMARY KEY (id);
CREATE INDEX territories_geom ON territories USING gist (geom);
CREATE TABLE points_raw (id int, lat double precision, lng double precision);
\copy points_raw FROM '$work/points.csv' WITH (FORMAT csv, HEADER true)
CREATE TABLE points AS SELECT id, ST_SetSRID(ST_MakePoint(lng, lat), 4326) AS geom FROM points_raw;
ALTER TABLE points ADD PRIMARY KEY (id);
VACUUM ANALYZE territories;
VACUUM ANALYZE points;
SQL
pg_territories=$(psql_pg -tA -c "SELECT count(*) FROM territories")
pg_invalid=$(psql_pg -tA -c "SELECT count(*) FROM territories WHERE NOT ST_IsValid(geom)")
say "PostGIS holds $pg_territories territories ($pg_invalid invalid), $(psql_pg -tA -c 'SELECT count(*) FROM points') points"
fi

if [ "$unary_only" != 1 ]; then
# The answer for a point under GeoAssign's border rule: covering territories, highest priority, then smallest id.
lateral_answers="SELECT p.id, (SELECT t.id FROM territories t WHERE ST_Covers(t.geom, p.geom) ORDER BY t.priority DESC, t.id LIMIT 1) AS territory_id FROM points p"
join_answers="SELECT DISTINCT ON (p.id) p.id, t.id AS territory_id FROM points p LEFT JOIN territories t ON ST_Covers(t.geom, p.geom) ORDER BY p.id, t.priority DESC, t.id"

now() { date +%s.%N; }
time_query() { # prints seconds
  local start end
  start=$(now); psql_pg -tA -c "$1" >/dev/null; end=$(now)
  python3 -c "print(f'{$end - $start:.3f}')"
}

say "PostGIS batch join of $batch_points points (two forms, after a warm-up pass over the first $sample_points)"
psql_pg -tA -c "SELECT count(territory_id) FROM ($lateral_answers WHERE p.id <= $sample_points) a" >/dev/null
lateral_seconds=$(time_query "SELECT count(territory_id) FROM ($lateral_answers) a")
join_seconds=$(time_query "SELECT count(territory_id) FROM ($join_answers) a")
assigned=$(psql_pg -tA -c "SELECT count(territory_id) FROM ($lateral_answers) a")
psql_pg -c "EXPLAIN SELECT count(territory_id) FROM ($join_answers) a" >"$work/join-plan.txt"
say "  LATERAL per point: $lateral_seconds s; DISTINCT ON join: $join_seconds s; $assigned of $batch_points points assigned"

# --- agreement on the sample -------------------------------------------------------------------
say "comparing answers on $sample_points points"
psql_pg <<SQL
CREATE TABLE geoassign_answers (id int PRIMARY KEY, territory_id text COLLATE "C");
\copy geoassign_answers FROM '$work/geoassign-answers.csv' WITH (FORMAT csv, HEADER true)
UPDATE geoassign_answers SET territory_id = NULL WHERE territory_id = '';
CREATE TABLE postgis_answers AS $lateral_answers WHERE p.id <= $sample_points;
CREATE TABLE mismatches AS
  SELECT g.id, pr.lat, pr.lng, g.territory_id AS geoassign, p.territory_id AS postgis,
         (SELECT min(ST_Distance(ST_Boundary(t.geom), pt.geom)) FROM territories t WHERE t.id IN (g.territory_id, p.territory_id)) AS border_distance_degrees
  FROM geoassign_answers g JOIN postgis_answers p USING (id) JOIN points_raw pr USING (id) JOIN points pt USING (id)
  WHERE g.territory_id IS DISTINCT FROM p.territory_id;
SQL
compared=$(psql_pg -tA -c "SELECT count(*) FROM geoassign_answers g JOIN postgis_answers p USING (id)")
mismatch_count=$(psql_pg -tA -c "SELECT count(*) FROM mismatches")
mismatch_on_border=$(psql_pg -tA -c "SELECT count(*) FROM mismatches WHERE border_distance_degrees < 1e-9")
psql_pg -c "SELECT * FROM mismatches ORDER BY id LIMIT 20" >"$work/mismatches.txt"
say "  $mismatch_count of $compared answers differ ($mismatch_on_border within 1e-9° of a border)"

# --- pgbench: prepared single-point ST_Covers --------------------------------------------------
cat >"$work/single-point.sql" <<SQL
\set id random(1, $batch_points)
SELECT t.id FROM territories t WHERE ST_Covers(t.geom, (SELECT geom FROM points WHERE id = :id)) ORDER BY t.priority DESC, t.id LIMIT 1;
SQL
chmod 644 "$work/single-point.sql"
pgbench_tps() { # clients
  local threads=$(( $1 < $(nproc) ? $1 : $(nproc) ))
  "${as_pg[@]}" pgbench -n -M prepared -f "$work/single-point.sql" -c "$1" -j "$threads" -T "$duration" \
    -h "$work/pg-socket" -p "$pg_port" -U postgres postgres 2>&1 | tee "$work/pgbench-c$1.log" |
    sed -n 's/^tps = \([0-9.]*\) (without initial connection time)/\1/p'
}
declare -A pg_tps
for c in 1 2 "$concurrency"; do
  [ -n "${pg_tps[$c]:-}" ] && continue
  say "pgbench, $c client(s), $duration s"
  "${as_pg[@]}" pgbench -n -M prepared -f "$work/single-point.sql" -c "$c" -j 1 -T "$warmup" -h "$work/pg-socket" -p "$pg_port" -U postgres postgres >/dev/null 2>&1 || true
  pg_tps[$c]=$(pgbench_tps "$c")
  say "  ${pg_tps[$c]} tps"
done
fi

# --- unary: h2load against GeoAssign, the minimal service and the JSON route; pgbench, one point --
# One request body for both gRPC servers: the 5-byte gRPC frame header (not compressed, length)
# and a ResolveRequest with lat (field 1) and lng (field 2) as doubles; layer empty ("geo").
python3 - "$point_lat" "$point_lng" "$work/resolve.bin" <<'PY'
import struct, sys
lat, lng, out = float(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
message = b"\x09" + struct.pack("<d", lat) + b"\x11" + struct.pack("<d", lng)
open(out, "wb").write(b"\x00" + struct.pack(">I", len(message)) + message)
PY
resolve_path=/geoassign.v1.AssignmentService/Resolve
json_path="/v1/resolve?lat=$point_lat&lng=$point_lng"
grpc_headers=(-H "content-type: application/grpc" -H "te: trailers")
key_headers=()
if [ -n "$api_key" ]; then key_headers=(-H "x-api-key: $api_key"); fi

# Each target must answer the point before it is timed: grpc-status 0 (h2load counts only HTTP statuses).
check_grpc() { # url what
  local answer
  answer=$(curl -s --http2-prior-knowledge -X POST --data-binary @"$work/resolve.bin" "${grpc_headers[@]}" "${key_headers[@]}" -D - -o /dev/null "$1")
  grep -qi '^grpc-status: 0' <<<"$answer" || { echo "$2 did not answer the Resolve request with grpc-status 0:" >&2; echo "$answer" >&2; exit 1; }
}
check_grpc "$target$resolve_path" GeoAssign
check_grpc "http://127.0.0.1:$minimal_port$resolve_path" "The minimal service"
json_answer=$(curl -sf "${key_headers[@]}" "http://127.0.0.1:$ga_http1_port$json_path") || { echo "GET $json_path failed" >&2; exit 1; }
say "GeoAssign answers the point ($point_lat, $point_lng): $json_answer"
pg_answer=""
if [ "$pg_ok" = 1 ]; then
  cat >"$work/fixed-point.sql" <<SQL
SELECT t.id FROM territories t WHERE ST_Covers(t.geom, ST_SetSRID(ST_MakePoint($point_lng, $point_lat), 4326)) ORDER BY t.priority DESC, t.id LIMIT 1;
SQL
  chmod 644 "$work/fixed-point.sql"
  pg_answer=$(psql_pg -tA -f "$work/fixed-point.sql")
  say "PostGIS answers the point with $pg_answer"
  grep -q "\"territoryId\":\"$pg_answer\"" <<<"$json_answer" || { echo "GeoAssign and PostGIS answer the point differently (PostGIS: $pg_answer)" >&2; exit 1; }
fi

unary="$work/unary"
mkdir -p "$unary"
h2load_run() { # name clients url h2load-args...
  local name=$1 clients=$2 url=$3; shift 3
  local threads=$(( clients < $(nproc) ? clients : $(nproc) ))
  h2load -D "$unary_duration" --warm-up-time="$unary_warmup" -c "$clients" -t "$threads" -m 1 "$@" "$url" >"$unary/$name.txt" 2>&1 || { cat "$unary/$name.txt" >&2; exit 1; }
  # Every request must have had HTTP 200; a gRPC error would be 200 too, which check_grpc rules out for this request.
  grep -q ' 0 failed, 0 errored' "$unary/$name.txt" || { grep -E '^requests:|^status codes:' "$unary/$name.txt" >&2; echo "h2load $name had failed requests" >&2; exit 1; }
  sed -n 's/^finished in [^,]*, \([0-9.]*\) req\/s.*/\1/p' "$unary/$name.txt" >"$unary/$name.rps"
}
for round in $(seq 1 "$unary_rounds"); do
  for c in $unary_clients; do
    say "unary round $round, $c client(s): pgbench, GeoAssign gRPC, minimal gRPC, JSON over HTTP/1.1 and h2c (load average $(loadavg))"
    if [ "$pg_ok" = 1 ]; then
      threads=$(( c < $(nproc) ? c : $(nproc) ))
      "${as_pg[@]}" pgbench -n -M prepared -f "$work/fixed-point.sql" -c "$c" -j "$threads" -T "$unary_warmup" -h "$work/pg-socket" -p "$pg_port" -U postgres postgres >/dev/null 2>&1 || true
      "${as_pg[@]}" pgbench -n -M prepared -f "$work/fixed-point.sql" -c "$c" -j "$threads" -T "$unary_duration" -h "$work/pg-socket" -p "$pg_port" -U postgres postgres \
        >"$unary/pgbench-c$c-r$round.txt" 2>&1
      sed -n 's/^tps = \([0-9.]*\) (without initial connection time)/\1/p' "$unary/pgbench-c$c-r$round.txt" >"$unary/pgbench-c$c-r$round.rps"
    fi
    h2load_run "grpc-c$c-r$round" "$c" "$target$resolve_path" -d "$work/resolve.bin" "${grpc_headers[@]}" "${key_headers[@]}"
    h2load_run "minimal-c$c-r$round" "$c" "http://127.0.0.1:$minimal_port$resolve_path" -d "$work/resolve.bin" "${grpc_headers[@]}"
    h2load_run "json-h1-c$c-r$round" "$c" "http://127.0.0.1:$ga_http1_port$json_path" --h1 "${key_headers[@]}"
    h2load_run "json-h2-c$c-r$round" "$c" "$target$json_path" "${key_headers[@]}"
  done
done
unary_load_end=$(loadavg)
pg_version="PostgreSQL did not start"
if [ "$pg_ok" = 1 ]; then pg_version="$(psql --version | head -n1) / PostGIS $(dpkg-query -W -f='${Version}' postgresql-15-postgis-3 2>/dev/null || echo '?')"; fi
cat >"$work/unary.json" <<JSON
{
  "machine": "$machine",
  "loadStart": "$load_start",
  "loadEnd": "$unary_load_end",
  "point": [$point_lat, $point_lng],
  "geoassignAnswer": $json_answer,
  "postgisAnswer": "$pg_answer",
  "clients": [$(echo $unary_clients | tr ' ' ',')],
  "rounds": $unary_rounds,
  "duration": $unary_duration,
  "warmup": $unary_warmup,
  "apiKey": $([ -n "$api_key" ] && echo true || echo false),
  "postgis": "$pg_version",
  "h2load": "$(h2load --version | head -n1)"
}
JSON
node loadtests/postgis/unary-table.mjs "$work/unary.json" "$unary" >"$work/unary.md"

if [ "$pg_ok" = 1 ]; then
"${as_pg[@]}" "$pg_bin/pg_ctl" -D "$work/pg" -m fast -w stop >/dev/null
pg_started=""
fi

if [ "$unary_only" = 1 ]; then
  mkdir -p "$(dirname "$out")"
  tee "$out" <"$work/unary.md"
  say "wrote $out"
  exit 0
fi

# --- GeoAssign: stream, batch, unary, echo, open loop ------------------------------------------
results="$work/results"
mkdir -p "$results"
run() { # name scenario args...
  local name=$1; shift
  say "geoassign-load $* ($name)"
  "${load_tool[@]}" "$@" --target "$target" --warmup "$warmup" --duration "$duration" --seed "$seed" \
    --label "$name" --json "$results/$name.json" >"$results/$name.txt" 2>"$results/$name.err" || { cat "$results/$name.txt" "$results/$name.err" >&2; exit 1; }
  grep -E 'throughput|latency p50' "$results/$name.txt" >&2 || true
}
run stream stream --points "$box" --point-count "$batch_points" --concurrency 2 --batch-size 10000 --stream-window 4
run batch batch --points "$box" --point-count "$batch_points" --concurrency 2 --batch-size 10000
for c in 1 2 "$concurrency"; do
  [ -f "$results/resolve-c$c.json" ] && continue
  run "resolve-c$c" resolve --points "$box" --point-count "$batch_points" --concurrency "$c"
  run "echo-c$c" echo --points "$box" --point-count "$batch_points" --concurrency "$c"
done
max_rps=$(node -e 'const fs = require("fs"); let m = 0; for (const f of process.argv.slice(1)) m = Math.max(m, JSON.parse(fs.readFileSync(f)).requestsPerSecond); console.log(Math.floor(m))' "$results"/resolve-c*.json)
half=$(( max_rps / 2 ))
run open-half resolve --points "$box" --point-count "$batch_points" --rate "$half" --concurrency 64

load_end=$(loadavg)

# --- the table ---------------------------------------------------------------------------------
cat >"$work/postgis.json" <<JSON
{
  "machine": "$machine",
  "loadStart": "$load_start",
  "loadEnd": "$load_end",
  "territories": $pg_territories,
  "invalidTerritories": $pg_invalid,
  "batchPoints": $batch_points,
  "assigned": $assigned,
  "lateralSeconds": $lateral_seconds,
  "joinSeconds": $join_seconds,
  "compared": $compared,
  "mismatches": $mismatch_count,
  "mismatchesOnBorder": $mismatch_on_border,
  "concurrency": $concurrency,
  "pgbenchTps": { "1": ${pg_tps[1]:-0}, "2": ${pg_tps[2]:-0}, "$concurrency": ${pg_tps[$concurrency]:-0} },
  "duration": $duration,
  "warmup": $warmup,
  "postgis": "$(psql --version | head -n1) / PostGIS $(dpkg-query -W -f='${Version}' postgresql-15-postgis-3 2>/dev/null || echo '?')"
}
JSON
mkdir -p "$(dirname "$out")"
{ node loadtests/postgis/table.mjs "$work/postgis.json" "$results" "$work/mismatches.txt" "$work/join-plan.txt"; echo; cat "$work/unary.md"; } | tee "$out"
say "wrote $out"
