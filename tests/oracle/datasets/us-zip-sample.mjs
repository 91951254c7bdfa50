#!/usr/bin/env node
// Builds the committed US ZIP code sample (tests/data/us-zip-sample.tsv) from the zipcodes 8.0.0
// package (BSD licence, © Dav Glass; its US data comes from the federal government ZIP code list),
// in the GeoNames postal-code layout that `geoassign gazetteer import` reads.
//
//   node tests/oracle/datasets/us-zip-sample.mjs [--out DIR]   (default: <repository>/tests/data)
//
// Rows: every 12th ZIP in code order, plus a few that tests name (02139 Cambridge MA, 10001 New
// York, 00501 Holtsville NY with its leading zeros, 90210, 99501 Anchorage, 96813 Honolulu, 80202
// Denver, 23219 Richmond), leaving out the package's ZIPs without a location (military APO/FPO at
// 0,0). Columns: country US, the ZIP, the city, state name and code, no county or community, the
// package's latitude and longitude, accuracy empty (the package does not say). Deterministic: the
// same package version gives a byte-identical file.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArguments, repository, requirePackage } from "./common.mjs";

const options = parseArguments(process.argv.slice(2), import.meta.url, { out: join(repository, "tests", "data") });
const { codes } = requirePackage("zipcodes/lib/codes.js");
const { full } = requirePackage("zipcodes/lib/states.js");
const stateNames = new Map(Object.entries(full).map(([name, code]) => [code, name.toLowerCase().replace(/\b[a-z]/g, c => c.toUpperCase())]));
const named = new Set(["02139", "10001", "00501", "90210", "99501", "96813", "80202", "23219"]);
const zips = Object.keys(codes).sort();
const rows = [];
zips.forEach((zip, i) => {
  const entry = codes[zip];
  const located = typeof entry.latitude === "number" && typeof entry.longitude === "number" && !(entry.latitude === 0 && entry.longitude === 0);
  if (!located || entry.country !== "US" || !(i % 12 === 0 || named.has(zip))) {
    return;
  }
  const clean = text => String(text ?? "").replace(/[\t\r\n]/g, " ").trim();
  rows.push(["US", zip, clean(entry.city), stateNames.get(entry.state) ?? "", clean(entry.state), "", "", "", "", entry.latitude, entry.longitude, ""].join("\t"));
});
mkdirSync(options.out, { recursive: true });
writeFileSync(join(options.out, "us-zip-sample.tsv"), rows.join("\n") + "\n");
console.log(`us-zip-sample.tsv: ${rows.length} ZIP codes`);
