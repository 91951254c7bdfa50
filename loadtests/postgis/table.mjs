#!/usr/bin/env node
// Builds the comparison's Markdown from compare.sh's numbers: PostGIS (postgis.json) and the
// geoassign-load results (one JSON per run), with each goal of issue #6 and whether it is met.
//
//   node loadtests/postgis/table.mjs POSTGIS.json RESULTS_DIR [MISMATCHES.txt] [JOIN_PLAN.txt]
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const [postgisFile, resultsDir, mismatchesFile, planFile] = process.argv.slice(2);
if (!postgisFile || !resultsDir) {
  console.error("usage: node table.mjs POSTGIS.json RESULTS_DIR [MISMATCHES.txt] [JOIN_PLAN.txt]");
  process.exit(2);
}

const pg = JSON.parse(readFileSync(postgisFile, "utf8"));
const runs = Object.fromEntries(
  readdirSync(resultsDir).filter((f) => f.endsWith(".json")).map((f) => {
    const run = JSON.parse(readFileSync(join(resultsDir, f), "utf8"));
    return [run.label, run];
  }),
);

const n0 = (x) => Math.round(x).toLocaleString("en-US");
const ms = (micros) => (micros / 1000).toFixed(3);
const ratio = (a, b) => (b > 0 ? `${(a / b).toFixed(2)}×` : "n/a");
const met = (ok) => (ok ? "met" : "**not met**");
const errors = (run) => (run.errorCount === 0 ? "0" : Object.entries(run.errors).map(([k, v]) => `${k} ${v}`).join(", ")) + (run.unsent > 0 ? `, ${run.unsent} unsent` : "");

const N = pg.concurrency;
const batchSeconds = Math.min(pg.lateralSeconds, pg.joinSeconds);
const batchForm = pg.lateralSeconds <= pg.joinSeconds ? "LATERAL subquery per point" : "DISTINCT ON join";
const pgBatchRate = pg.batchPoints / batchSeconds;
const stream = runs.stream;
const open = runs["open-half"];
const concurrencies = [...new Set([1, 2, N])];

const lines = [];
const date = new Date().toISOString().slice(0, 10);
lines.push(`# GeoAssign beside PostGIS and raw gRPC (${date})`, "");
lines.push(`Machine: ${pg.machine}. Load average ${pg.loadStart} at the start, ${pg.loadEnd} at the end (1, 5, 15 min).`);
lines.push(`Same session, same machine for every side: the servers and the load generators (geoassign-load, pgbench) share its cores.`);
lines.push(`Data: ${n0(pg.territories)} us-atlas 3.0.1 counties as GeoAssign holds them after repair (${pg.invalidTerritories} invalid in PostGIS), ` +
  `${n0(pg.batchPoints)} points uniform in the continental US box (seed in the JSON results), ${n0(pg.assigned)} of them in a county. ` +
  `Runs of ${pg.duration} s after ${pg.warmup} s of warm-up. ${pg.postgis}.`, "");

lines.push("| goal | GeoAssign | peer | ratio | target | |", "| --- | ---: | ---: | ---: | ---: | --- |");
if (stream) {
  const r = stream.itemsPerSecond / pgBatchRate;
  lines.push(`| streaming lookups (points/s) vs PostGIS batch join (${batchForm}) | ${n0(stream.itemsPerSecond)} | ${n0(pgBatchRate)} | ${r.toFixed(2)}× | ≥ 5× | ${met(r >= 5)} |`);
}
for (const c of concurrencies) {
  const unary = runs[`resolve-c${c}`];
  const tps = pg.pgbenchTps[String(c)];
  if (unary && tps) lines.push(`| unary Resolve (req/s) vs pgbench prepared ST_Covers (tps), ${c} client${c > 1 ? "s" : ""} | ${n0(unary.requestsPerSecond)} | ${n0(tps)} | ${ratio(unary.requestsPerSecond, tps)} | ≥ 1× | ${met(unary.requestsPerSecond >= tps)} |`);
}
for (const c of concurrencies) {
  const unary = runs[`resolve-c${c}`];
  const echo = runs[`echo-c${c}`];
  if (unary && echo) lines.push(`| unary Resolve vs Echo of the same size (req/s), concurrency ${c} | ${n0(unary.requestsPerSecond)} | ${n0(echo.requestsPerSecond)} | ${ratio(unary.requestsPerSecond, echo.requestsPerSecond)} | ≥ 0.8× | ${met(unary.requestsPerSecond >= 0.8 * echo.requestsPerSecond)} |`);
}
if (open) {
  lines.push(`| p99 of unary Resolve at half the max unary throughput (open loop, ${n0(open.rate)}/s) | ${ms(open.latency.p99Micros)} ms | | | < 2 ms | ${met(open.latency.p99Micros < 2000 && open.unsent === 0)} |`);
}
lines.push("");

lines.push("All runs (latency in ms; closed loops from the send, the open loop from the intended send time):", "");
lines.push("| run | concurrency | connections | req/s | points/s | p50 | p90 | p99 | p99.9 | max | errors |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
const order = ["stream", "batch", ...concurrencies.flatMap((c) => [`resolve-c${c}`, `echo-c${c}`]), "open-half"];
for (const name of order) {
  const run = runs[name];
  if (!run) continue;
  const l = run.latency;
  const what = run.rate ? `${name} (${n0(run.rate)}/s)` : run.batchSize ? `${name} (${n0(run.batchSize)} points/message)` : name;
  lines.push(`| ${what} | ${run.concurrency} | ${run.connections} | ${n0(run.requestsPerSecond)} | ${n0(run.itemsPerSecond)} | ${ms(l.p50Micros)} | ${ms(l.p90Micros)} | ${ms(l.p99Micros)} | ${ms(l.p999Micros)} | ${ms(l.maxMicros)} | ${errors(run)} |`);
}
if (open?.dispatchLag) lines.push("", `Open loop: the generator itself sent requests late by p50 ${ms(open.dispatchLag.p50Micros)} ms, p99 ${ms(open.dispatchLag.p99Micros)} ms (included in its latency).`);
lines.push("");

lines.push("PostGIS:", "");
lines.push("| run | points/s or tps |", "| --- | ---: |");
lines.push(`| batch, LATERAL subquery per point (${n0(pg.batchPoints)} points, ${pg.lateralSeconds} s) | ${n0(pg.batchPoints / pg.lateralSeconds)} |`);
lines.push(`| batch, DISTINCT ON join (${n0(pg.batchPoints)} points, ${pg.joinSeconds} s) | ${n0(pg.batchPoints / pg.joinSeconds)} |`);
for (const c of concurrencies) lines.push(`| pgbench -M prepared, single-point ST_Covers, ${c} client${c > 1 ? "s" : ""} | ${n0(pg.pgbenchTps[String(c)])} |`);
lines.push("");

lines.push(`Agreement: ${n0(pg.mismatches)} of ${n0(pg.compared)} answers differ between GeoAssign and PostGIS (${n0(pg.mismatchesOnBorder)} within 1e-9° of a border).`);
if (pg.mismatches > 0 && mismatchesFile && existsSync(mismatchesFile)) {
  lines.push("", "```", readFileSync(mismatchesFile, "utf8").trimEnd(), "```");
}
if (planFile && existsSync(planFile)) {
  lines.push("", "<details><summary>PostGIS plan of the DISTINCT ON join</summary>", "", "```", readFileSync(planFile, "utf8").trimEnd(), "```", "</details>");
}
lines.push("", "Reproduce: `bash loadtests/postgis/compare.sh` (see loadtests/GeoAssign.LoadTest/README.md).");
console.log(lines.join("\n"));
