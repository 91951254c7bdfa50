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
pg_started=""
as_pg=()
if [ "$(id -u)" -eq 0 ]; then as_pg=(runuser -u postgres --); fi

cleanup() {
  set +e
  if [ -n "$geoassign_pid" ] && kill -0 "$geoassign_pid" 2>/dev/null; then
    kill "$geoassign_pid"; wait "$geoassign_pid" 2>/dev/null
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
load_tool=(dotnet loadtests/GeoAssign.LoadTest/bin/Release/net10.0/geoassign-load.dll)

ga_port=$(free_port)
target="http://127.0.0.1:$ga_port"
say "starting GeoAssign on $target"
GeoAssign__DataDirectory="$work/geoassign-data" Logging__LogLevel__Default=Warning \
  dotnet server/GeoAssign.Server/bin/Release/net10.0/GeoAssign.Server.dll --urls "$target" >"$work/geoassign.log" 2>&1 &
geoassign_pid=$!
for _ in $(seq 1 600); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$ga_port") 2>/dev/null; then break; fi
  kill -0 "$geoassign_pid" 2>/dev/null || { cat "$work/geoassign.log" >&2; exit 1; }
  sleep 0.1
done

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
"${as_pg[@]}" "$pg_bin/initdb" -D "$work/pg" -A trust -U postgres --locale=C.UTF-8 -E UTF8 >"$work/initdb.log" 2>&1 || { cat "$work/initdb.log" >&2; exit 1; }
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
"${as_pg[@]}" "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg/server.log" -w start >/dev/null
pg_started=1
psql_pg() { "${as_pg[@]}" psql -X -q -v ON_ERROR_STOP=1 -h "$work/pg-socket" -p "$pg_port" -U postgres -d postgres "$@"; }

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
"${as_pg[@]}" "$pg_bin/pg_ctl" -D "$work/pg" -m fast -w stop >/dev/null
pg_started=""

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
node loadtests/postgis/table.mjs "$work/postgis.json" "$results" "$work/mismatches.txt" "$work/join-plan.txt" | tee "$out"
say "wrote $out"
