#!/usr/bin/env node
// Converts the us-atlas 3.0.1 TopoJSON (US counties and states, 1:10m, unprojected lon/lat) into
// GeoJSON FeatureCollections of GeoAssign territories, with topojson-client's `feature`.
//
//   node tests/oracle/datasets/us-atlas.mjs [--out DIR] [--extract DIR]
//
//   --out DIR      the full sets (default: <repository>/data/us-atlas, which git ignores):
//                    us-counties.geojson         3,231 counties, layer "geo"
//                    us-states.geojson           56 states and territories, layer "geo"
//                    us-states-counties.geojson  one map with both: states in layer "state",
//                                                counties in layer "geo" with parent_id = state FIPS
//                    manifest.json               counts and SHA-256 of each file, and the fingerprint of
//                                                this script with common.mjs
//   --extract DIR  also the small committed extracts (the repository's tests/data):
//                    us-counties-extract.geojson the counties of the extract states, as us-counties
//                    us-states-extract.geojson   the extract states, as us-states
//
// Territory properties: id = FIPS code (2 digits for a state, 5 for a county), name, owner_id =
// "rep-NNN" made up deterministically from the id (FNV-1a, in common.mjs), layer, priority 0;
// counties also carry the attributes state_fips and state (name). A county's parent_id needs its
// state in the same map, so only us-states-counties.geojson sets it, with the states in their own
// layer.
//
// Geometry: exactly what topojson-client produces (coordinates are not rounded), except that ring
// orientation is made RFC 7946 §3.1.6 (exterior rings counterclockwise, holes clockwise); us-atlas
// uses d3's opposite convention. Nothing else is repaired: some real rings are invalid for NTS
// (the C# loader reports them and can repair them with GeometryFixer when asked, see
// GeoJsonReadOptions.RepairInvalidGeometry). No us-atlas ring crosses the antimeridian (the
// Aleutians are split at ±180 already); the script checks that and fails if it ever does.
//
// The output is deterministic: the same us-atlas version gives byte-identical files.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { feature } from "topojson-client";
import {
  compareIds, generatorSha256, ownerOf, parseArguments, polygonsOf, repository, requirePackage, rewindPolygon, write, writeManifest,
} from "./common.mjs";

// Virginia (independent cities are holes in counties), Colorado (Broomfield and Denver inside
// others), Hawaii (islands: MultiPolygons), Alaska (islands, a hole, the Aleutians on both sides
// of the antimeridian, thousands of vertices).
const EXTRACT_STATES = ["02", "08", "15", "51"];

function rewind(geometry) {
  if (geometry.type === "Polygon") return { type: "Polygon", coordinates: rewindPolygon(geometry.coordinates) };
  if (geometry.type === "MultiPolygon") return { type: "MultiPolygon", coordinates: geometry.coordinates.map(rewindPolygon) };
  throw new Error(`unexpected geometry type ${geometry.type}`);
}

function loadFeatures(file, object) {
  const topology = requirePackage(`us-atlas/${file}`);
  return feature(topology, topology.objects[object]).features;
}

function stats(features) {
  const result = { features: features.length, multiPolygons: 0, polygonsWithHoles: 0, vertices: 0, maxVertices: 0, shortRings: 0, antimeridianEdges: 0 };
  for (const f of features) {
    if (f.geometry.type === "MultiPolygon") result.multiPolygons++;
    let vertices = 0;
    for (const polygon of polygonsOf(f.geometry)) {
      if (polygon.length > 1) result.polygonsWithHoles++;
      for (const ring of polygon) {
        vertices += ring.length;
        if (ring.length < 4) result.shortRings++;
        for (let i = 1; i < ring.length; i++) {
          if (Math.abs(ring[i][0] - ring[i - 1][0]) > 180) result.antimeridianEdges++;
        }
      }
    }
    result.vertices += vertices;
    result.maxVertices = Math.max(result.maxVertices, vertices);
  }
  return result;
}

function territory(f, layer, properties) {
  return {
    type: "Feature",
    id: f.id,
    geometry: rewind(f.geometry),
    properties: { name: f.properties.name, owner_id: ownerOf(f.id), layer, priority: 0, ...properties },
  };
}

function main() {
  const options = parseArguments(process.argv.slice(2), import.meta.url, { out: join(repository, "data", "us-atlas"), extract: null });
  const atlasVersion = requirePackage("us-atlas/package.json").version;
  if (atlasVersion !== "3.0.1") throw new Error(`expected us-atlas 3.0.1, found ${atlasVersion} (run npm ci in tests/oracle)`);

  const counties = loadFeatures("counties-10m.json", "counties").sort(compareIds);
  const states = loadFeatures("states-10m.json", "states").sort(compareIds);
  const stateNames = new Map(states.map((s) => [s.id, s.properties.name]));

  for (const [name, features] of [["counties", counties], ["states", states]]) {
    const s = stats(features);
    console.error(`us-atlas ${name}: ${JSON.stringify(s)}`);
    if (s.antimeridianEdges > 0) throw new Error(`${name}: ${s.antimeridianEdges} edges cross the antimeridian; split them at ±180 before use`);
  }

  const countyTerritories = (layer, withParent) =>
    counties.map((c) => {
      const state = c.id.slice(0, 2);
      const extra = withParent ? { parent_id: state } : {};
      return territory(c, layer, { ...extra, state_fips: state, state: stateNames.get(state) ?? null });
    });
  const stateTerritories = (layer) => states.map((s) => territory(s, layer, {}));

  mkdirSync(options.out, { recursive: true });
  // The generator's fingerprint (this script with common.mjs) lets users of the full sets see when
  // they are stale.
  const manifest = {
    source: `us-atlas ${atlasVersion}`,
    generator: "tests/oracle/datasets/us-atlas.mjs",
    generatorSha256: generatorSha256(import.meta.url),
    files: {},
  };
  write(options.out, "us-counties.geojson", countyTerritories("geo", false), manifest.files);
  write(options.out, "us-states.geojson", stateTerritories("geo"), manifest.files);
  write(options.out, "us-states-counties.geojson", [...stateTerritories("state"), ...countyTerritories("geo", true)], manifest.files);
  writeManifest(options.out, manifest);
  console.error(`wrote ${options.out}`);

  if (options.extract) {
    mkdirSync(options.extract, { recursive: true });
    const inExtract = (f) => EXTRACT_STATES.includes(f.id.slice(0, 2));
    const extractManifest = {};
    write(options.extract, "us-counties-extract.geojson", countyTerritories("geo", false).filter(inExtract), extractManifest);
    write(options.extract, "us-states-extract.geojson", stateTerritories("geo").filter(inExtract), extractManifest);
    console.error(`wrote ${options.extract}: ${JSON.stringify(extractManifest)}`);
  }
}

main();
