#!/usr/bin/env node
// Builds the unary comparison's Markdown from compare.sh's h2load and pgbench runs: requests/s per
// side and concurrency (median of the rounds), the ratios, and the goals of issue #15.
//
//   node loadtests/postgis/unary-table.mjs UNARY.json UNARY_DIR
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const [settingsFile, dir] = process.argv.slice(2);
if (!settingsFile || !dir) {
  console.error("usage: node unary-table.mjs UNARY.json UNARY_DIR");
  process.exit(2);
}

const run = JSON.parse(readFileSync(settingsFile, "utf8"));
const rounds = Array.from({ length: run.rounds }, (_, i) => i + 1);
const values = (side, c) => rounds
  .map((r) => join(dir, `${side}-c${c}-r${r}.rps`))
  .filter((f) => existsSync(f))
  .map((f) => Number.parseFloat(readFileSync(f, "utf8")))
  .filter((v) => Number.isFinite(v));
const median = (xs) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const n0 = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString("en-US") : "—");
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? a / b : NaN);
const x2 = (r) => (Number.isFinite(r) ? `${r.toFixed(2)}×` : "—");
const verdict = (rs, goal) => (rs.some((r) => !Number.isFinite(r)) ? "not measured" : rs.every((r) => r >= goal) ? "met" : "**not met**");

const sides = {
  pgbench: "PostGIS, pgbench -M prepared (tps)",
  grpc: "GeoAssign gRPC Resolve (h2load)",
  minimal: "minimal grpc-dotnet service (h2load)",
  "json-h1": "GeoAssign GET /v1/resolve, HTTP/1.1 (h2load --h1)",
  "json-h2": "GeoAssign GET /v1/resolve, h2c (h2load)",
};
const med = {};
for (const side of Object.keys(sides)) {
  med[side] = Object.fromEntries(run.clients.map((c) => [c, median(values(side, c))]));
}

const lines = [];
const date = new Date().toISOString().slice(0, 10);
lines.push(`## Unary calls, one fixed point (${date})`, "");
lines.push(`Machine: ${run.machine}. Load average ${run.loadStart} at the start, ${run.loadEnd} at the end (1, 5, 15 min).`);
lines.push(`The point (${run.point.join(", ")}): GeoAssign answers ${run.geoassignAnswer?.assignment?.territoryId ?? "?"}` +
  `, PostGIS ${run.postgisAnswer || "—"}. ${run.rounds} round(s) interleaved by concurrency, each run ${run.duration} s after ${run.warmup} s of warm-up; ` +
  `the table gives each side's median over the rounds. One connection per client, one request in flight on each (h2load -m 1). ` +
  `${run.apiKey ? "With an API key (x-api-key) on every GeoAssign request." : "Without API keys."} ${run.postgis}; ${run.h2load}.`, "");

lines.push(`| requests/s | ${run.clients.map((c) => `${c} client${c > 1 ? "s" : ""}`).join(" | ")} |`);
lines.push(`| --- | ${run.clients.map(() => "---:").join(" | ")} |`);
for (const [side, label] of Object.entries(sides)) {
  lines.push(`| ${label} | ${run.clients.map((c) => n0(med[side][c])).join(" | ")} |`);
}
const ratios = {
  "GeoAssign / PostGIS": ["grpc", "pgbench", 1.5],
  "GeoAssign / minimal": ["grpc", "minimal", 0.95],
  "JSON HTTP/1.1 / gRPC": ["json-h1", "grpc", 0.5],
  "JSON h2c / gRPC": ["json-h2", "grpc", 0.5],
};
const rows = {};
for (const [label, [a, b]] of Object.entries(ratios)) {
  rows[label] = run.clients.map((c) => ratio(med[a][c], med[b][c]));
  lines.push(`| *${label}* | ${rows[label].map(x2).join(" | ")} |`);
}
lines.push("");

lines.push("| goal (issue #15) | target | |", "| --- | ---: | --- |");
lines.push(`| unary Resolve vs PostGIS, every concurrency | ≥ 1.5× | ${verdict(rows["GeoAssign / PostGIS"], 1.5)} |`);
lines.push(`| unary Resolve vs the minimal service, every concurrency | ≥ 0.95× | ${verdict(rows["GeoAssign / minimal"], 0.95)} |`);
lines.push(`| JSON route (HTTP/1.1) vs gRPC unary, every concurrency | ≥ 0.5× | ${verdict(rows["JSON HTTP/1.1 / gRPC"], 0.5)} |`);
lines.push(`| JSON route (h2c) vs gRPC unary, every concurrency | ≥ 0.5× | ${verdict(rows["JSON h2c / gRPC"], 0.5)} |`);
lines.push("");

lines.push("<details><summary>Every round (requests/s)</summary>", "");
lines.push(`| side | clients | ${rounds.map((r) => `round ${r}`).join(" | ")} |`);
lines.push(`| --- | ---: | ${rounds.map(() => "---:").join(" | ")} |`);
for (const side of Object.keys(sides)) {
  for (const c of run.clients) {
    const vs = rounds.map((r) => {
      const f = join(dir, `${side}-c${c}-r${r}.rps`);
      return existsSync(f) ? n0(Number.parseFloat(readFileSync(f, "utf8"))) : "—";
    });
    lines.push(`| ${side} | ${c} | ${vs.join(" | ")} |`);
  }
}
lines.push("", "</details>");
console.log(lines.join("\n"));
