#!/usr/bin/env node
// Converts the world-atlas 2.0.2 TopoJSON (Natural Earth countries, 1:10m, unprojected lon/lat)
// into a GeoJSON FeatureCollection of GeoAssign territories, with topojson-client's `feature`.
//
//   node tests/oracle/datasets/world-atlas.mjs [--out DIR]
//
//   --out DIR  where to write (default: <repository>/data/world-atlas, which git ignores):
//                countries-10m.geojson  255 countries and other Natural Earth units, layer "geo"
//                countries-{110m,50m,10m}-raw.geojson  the same properties over the geometry exactly as
//                                       topojson-client gives it at each scale (no change below):
//                                       real-world dirty input for the import's repair
//                manifest.json          counts and SHA-256 of the file, and the fingerprint of this
//                                       script with common.mjs
//
// Territory properties: id = the ISO 3166-1 numeric code world-atlas gives (e.g. "250"); features
// without one (Kosovo, N. Cyprus, Somaliland, ...) and the second feature of a shared code
// (Ashmore and Cartier Is. shares Australia's 036) get "ne-<name>" (lower case, non-alphanumerics as
// "-"); name; owner_id = "rep-NNN" made up deterministically from the id (FNV-1a, in common.mjs,
// as for us-atlas.mjs); layer "geo"; priority 0.
//
// Geometry: what topojson-client produces, with two changes that keep every point where it is on the
// sphere but make the planar lon/lat reading (the one RFC 7946 and GeoAssign use) say the same thing:
//  1. ±180 on the wrong side. Natural Earth splits rings at the antimeridian, but world-atlas's
//     quantised arcs write some vertices on it as -180 in rings that otherwise lie east of it
//     (Russia's Chukotka, three Fiji islands): such a ring has edges spanning ~360°. A vertex at
//     exactly ±180 takes the sign of the ring's other vertices when they all lie on one side.
//  2. Antarctica's ring runs once round the south pole and closes with an edge across the whole map.
//     A ring that still winds once round a pole is cut at the antimeridian and closed along it
//     through the pole (..., [180, φ], [180, -90], [-180, -90], [-180, φ], ...).
// Then ring orientation is made RFC 7946 §3.1.6 (exterior counterclockwise, holes clockwise);
// world-atlas uses d3's opposite convention. Nothing else is repaired: some rings are invalid for
// NTS (the C# loader repairs them with GeometryFixer when asked, see TestDatasets.WorldCountries).
// The script fails if any edge still spans more than 180° of longitude.
//
// The output is deterministic: the same world-atlas version gives byte-identical files.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { feature } from "topojson-client";
import {
  compareIds, generatorSha256, ownerOf, parseArguments, polygonsOf, repository, requirePackage, rewindPolygon, write, writeManifest,
} from "./common.mjs";

function slug(name) {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

// Edges spanning more than 180° of longitude, as GeoAssign's validator counts them: an edge along a
// parallel from -180 to +180 exactly is how a polar cap is written, not a crossing.
function crossings(ring) {
  const result = [];
  for (let i = 1; i < ring.length; i++) {
    const [a, b] = [ring[i - 1], ring[i]];
    if (Math.abs(b[0] - a[0]) > 180 && !(Math.abs(a[0]) === 180 && Math.abs(b[0]) === 180 && a[1] === b[1])) result.push(i);
  }
  return result;
}

// Change 1: a vertex at exactly ±180 takes the side of the ring's other vertices.
function fixAntimeridianSigns(ring) {
  const others = ring.filter((p) => Math.abs(p[0]) !== 180);
  const east = others.length > 0 && others.every((p) => p[0] > 0);
  const west = others.length > 0 && others.every((p) => p[0] < 0);
  if (!east && !west) return ring;
  const side = east ? 180 : -180;
  return ring.map((p) => (Math.abs(p[0]) === 180 && p[0] !== side ? [side, p[1]] : p));
}

// Change 2: a ring that winds once round a pole, with one edge across the antimeridian, is closed
// along ±180 through that pole.
function closeThroughPole(ring, label) {
  const cut = crossings(ring);
  if (cut.length === 0) return ring;
  if (cut.length !== 1) throw new Error(`${label}: ${cut.length} edges cross the antimeridian; cannot tell how to split it`);
  const i = cut[0];
  const [a, b] = [ring[i - 1], ring[i]];
  // Where the edge meets the antimeridian, going the short way round.
  const aLng = a[0] > 0 ? a[0] : a[0] + 360;
  const bLng = b[0] > 0 ? b[0] : b[0] + 360;
  const t = aLng === bLng ? 0 : (180 - aLng) / (bLng - aLng);
  const lat = a[1] + t * (b[1] - a[1]);
  const south = ring.every((p) => p[1] < 0);
  const north = ring.every((p) => p[1] > 0);
  if (!south && !north) throw new Error(`${label}: a ring winds round the globe but lies in both hemispheres`);
  const pole = south ? -90 : 90;
  const aSide = a[0] > 0 ? 180 : -180;
  const path = [[aSide, lat], [aSide, pole], [-aSide, pole], [-aSide, lat]].filter(
    (p, k) => !(k === 0 && p[0] === a[0] && p[1] === a[1]) && !(k === 3 && p[0] === b[0] && p[1] === b[1]),
  );
  // Start the ring at the cut, so that it is closed by construction.
  const body = [...ring.slice(i, -1), ...ring.slice(0, i)];
  const closed = [...body, ...path];
  closed.push(closed[0]);
  return closed;
}

function normalise(f, report) {
  const polygons = polygonsOf(f.geometry).map((polygon, p) =>
    rewindPolygon(polygon.map((ring, r) => {
      const label = `${f.id ?? f.properties.name} polygon ${p} ring ${r}`;
      const raw = crossings(ring).length;
      const signed = fixAntimeridianSigns(ring);
      const afterSigns = crossings(signed).length;
      const result = closeThroughPole(signed, label);
      if (raw > 0) {
        const how = afterSigns === 0 ? "±180 vertices moved to the ring's side" : "closed through the pole along ±180";
        report.push(`${f.properties.name} (${label}): ${ring.length} positions, ${raw} edge(s) spanning > 180°, ${how}`);
      }
      return result;
    })),
  );
  return f.geometry.type === "Polygon"
    ? { type: "Polygon", coordinates: polygons[0] }
    : { type: "MultiPolygon", coordinates: polygons };
}

function vertexCount(geometry) {
  let n = 0;
  for (const polygon of polygonsOf(geometry)) for (const ring of polygon) n += ring.length;
  return n;
}

// Ids: the ISO numeric code, unique; otherwise ne-<name>. Of features sharing a code, the one with
// the most vertices keeps it.
function assignIds(features) {
  const byCode = new Map();
  for (const f of features) {
    if (f.id == null) continue;
    const keeper = byCode.get(f.id);
    if (!keeper || vertexCount(f.geometry) > vertexCount(keeper.geometry)) byCode.set(f.id, f);
  }
  const ids = new Set();
  return features.map((f) => {
    const id = f.id != null && byCode.get(f.id) === f ? f.id : `ne-${slug(f.properties.name)}`;
    if (ids.has(id)) throw new Error(`duplicate id ${id} (${f.properties.name})`);
    ids.add(id);
    return id;
  });
}

function stats(features) {
  const counts = features.map((f) => vertexCount(f.geometry)).sort((a, b) => a - b);
  let antimeridianEdges = 0;
  for (const f of features) for (const polygon of polygonsOf(f.geometry)) for (const ring of polygon) antimeridianEdges += crossings(ring).length;
  return {
    features: features.length,
    multiPolygons: features.filter((f) => f.geometry.type === "MultiPolygon").length,
    vertices: counts.reduce((a, b) => a + b, 0),
    medianVertices: counts[(counts.length - 1) >> 1],
    maxVertices: counts[counts.length - 1],
    antimeridianEdges,
  };
}

function main() {
  const options = parseArguments(process.argv.slice(2), import.meta.url, { out: join(repository, "data", "world-atlas") });
  const atlasVersion = requirePackage("world-atlas/package.json").version;
  if (atlasVersion !== "2.0.2") throw new Error(`expected world-atlas 2.0.2, found ${atlasVersion} (run npm ci in tests/oracle)`);

  const topology = requirePackage("world-atlas/countries-10m.json");
  const source = feature(topology, topology.objects.countries).features;
  const ids = assignIds(source);
  const report = [];
  const territories = source
    .map((f, i) => ({
      type: "Feature",
      id: ids[i],
      geometry: normalise(f, report),
      properties: { name: f.properties.name, owner_id: ownerOf(ids[i]), layer: "geo", priority: 0 },
    }))
    .sort(compareIds);

  for (const line of report) console.error(`world-atlas countries: ${line}`);
  const s = stats(territories);
  console.error(`world-atlas countries: ${JSON.stringify(s)}`);
  if (s.antimeridianEdges > 0) throw new Error(`${s.antimeridianEdges} edges still cross the antimeridian`);

  mkdirSync(options.out, { recursive: true });
  // The generator's fingerprint (this script with common.mjs) lets users of the set see when it is
  // stale.
  const manifest = {
    source: `world-atlas ${atlasVersion} (Natural Earth 1:10m countries)`,
    generator: "tests/oracle/datasets/world-atlas.mjs",
    generatorSha256: generatorSha256(import.meta.url),
    files: {},
  };
  write(options.out, "countries-10m.geojson", territories, manifest.files);
  for (const scale of ["110m", "50m", "10m"]) {
    const rawTopology = requirePackage(`world-atlas/countries-${scale}.json`);
    const rawSource = feature(rawTopology, rawTopology.objects.countries).features;
    const rawIds = assignIds(rawSource);
    const raw = rawSource
      .map((f, i) => ({
        type: "Feature",
        id: rawIds[i],
        geometry: f.geometry,
        properties: { name: f.properties.name, owner_id: ownerOf(rawIds[i]), layer: "geo", priority: 0 },
      }))
      .filter((f) => f.geometry != null)
      .sort(compareIds);
    write(options.out, `countries-${scale}-raw.geojson`, raw, manifest.files);
  }
  writeManifest(options.out, manifest);
  console.error(`wrote ${options.out}`);
}

main();
