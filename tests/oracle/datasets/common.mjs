// What the dataset scripts (us-atlas.mjs, world-atlas.mjs) share: argument parsing, the made-up
// owners, ring orientation, the output format and the generator fingerprint of the manifests.
//
// A generated set depends on this module as much as on its script: the manifests' generatorSha256
// covers both (see generatorSha256 below), and tests/GeoAssign.Testing/TestDatasets.cs recomputes it
// to tell whether data/ is stale. A change here therefore regenerates both sets.
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

// The repository root.
export const repository = resolve(here, "..", "..", "..");

// `require` for the packages installed in tests/oracle (us-atlas, world-atlas).
export const requirePackage = createRequire(import.meta.url);

// The modules of this folder that the scripts import, this one included. The fingerprint covers
// them; TestDatasets.SharedModules must list the same names in the same order.
const SHARED_MODULES = ["common.mjs"];

const OWNER_COUNT = 400;

// Parses `--NAME DIR` options, one for each key of `defaults` (which gives their values when absent);
// exits with the usage on anything else. `scriptUrl` is the script's import.meta.url.
export function parseArguments(argv, scriptUrl, defaults) {
  const options = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    const key = argument.startsWith("--") ? argument.slice(2) : null;
    if (key !== null && Object.hasOwn(defaults, key) && i + 1 < argv.length) options[key] = resolve(argv[++i]);
    else {
      const usage = Object.keys(defaults).map((k) => `[--${k} DIR]`).join(" ");
      console.error(`unknown argument ${argument}\nusage: node ${basename(fileURLToPath(scriptUrl))} ${usage}`);
      process.exit(2);
    }
  }
  return options;
}

// FNV-1a, 32 bits: a stable, well-spread owner for each id.
export function ownerOf(id) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `rep-${String(hash % OWNER_COUNT).padStart(3, "0")}`;
}

// Orders features by id.
export function compareIds(a, b) {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function signedArea(ring) {
  let sum = 0;
  for (let i = 1; i < ring.length; i++) {
    sum += ring[i - 1][0] * ring[i][1] - ring[i][0] * ring[i - 1][1];
  }
  return sum / 2;
}

// RFC 7946 §3.1.6: exterior rings counterclockwise, holes clockwise (in lon/lat).
export function rewindPolygon(rings) {
  return rings.map((ring, index) => {
    const counterclockwise = signedArea(ring) > 0;
    const wanted = index === 0;
    return counterclockwise === wanted ? ring : ring.slice().reverse();
  });
}

export function polygonsOf(geometry) {
  return geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
}

function sha256(data) {
  return createHash("sha256").update(data).digest("hex");
}

// One feature per line: readable diffs, and still one FeatureCollection.
function serialize(features) {
  return `{"type":"FeatureCollection","features":[\n${features.map((f) => JSON.stringify(f)).join(",\n")}\n]}\n`;
}

// Writes `features` as directory/name and records its count, size and SHA-256 in `files` (a manifest's).
export function write(directory, name, features, files) {
  const text = serialize(features);
  writeFileSync(join(directory, name), text);
  files[name] = { features: features.length, bytes: Buffer.byteLength(text), sha256: sha256(text) };
}

export function writeManifest(directory, manifest) {
  writeFileSync(join(directory, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
}

// The generator's fingerprint, which lets users of a generated set see when it is stale: the SHA-256
// of the lines "<SHA-256 of the file>  <file name>\n" for the script and then each shared module, i.e.
// what `sha256sum us-atlas.mjs common.mjs | sha256sum` prints in this folder. The output depends on
// all of them, so a hash of the script alone would miss a change here.
export function generatorSha256(scriptUrl) {
  const script = fileURLToPath(scriptUrl);
  const files = [[basename(script), script], ...SHARED_MODULES.map((name) => [name, join(here, name)])];
  return sha256(files.map(([name, path]) => `${sha256(readFileSync(path))}  ${name}\n`).join(""));
}
