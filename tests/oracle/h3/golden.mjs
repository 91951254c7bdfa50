#!/usr/bin/env node
// Golden data for GeoAssign.H3's tests: asks h3-js (the H3 reference, used as a black box) for the
// expected answers on seeded pseudo-random and hand-picked inputs, and writes them as column files.
//
//   node tests/oracle/h3/golden.mjs --out <dir> [--seed <uint32>] [--scale <factor>]
//
// Output: one `<category>.bin` per category plus `manifest.json` (written last, so its presence
// means the folder is complete). A column file is little-endian:
//   "GAH3GOLD" (8 bytes) | u32 format version | u32 column count | columns...
//   column = u16 name length | name (UTF-8) | u8 type | u32 element count | elements
//   types: 1 = f64, 2 = u64, 3 = i32, 4 = u8, 5 = string (u16 length + UTF-8 bytes each)
// Variable-length lists are two columns: `<name>.offsets` (i32, count + 1) and `<name>` (values).
// The same seed and scale always give the same files (the generator draws every random number from
// its own xoshiro128** stream, never from Math.random).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as h3 from 'h3-js';

const EXPECTED_H3JS_VERSION = '4.5.0';
const FORMAT_VERSION = 1;

// Tags of the latLngToCell sub-categories (the C# tests name them the same way).
const TAG = {
  uniform: 0,
  poles: 1,
  antimeridian: 2,
  faceEdges: 3,
  pentagons: 4,
  beyondPoles: 5,
  onFaceEdges: 6,
};

// Kinds of the isValidCell inputs.
const KIND = {
  randomBits: 0,
  randomCellShaped: 1,
  validCell: 2,
  digit7InsideRes: 3,
  unusedDigitNot7: 4,
  pentagonDeletedSubsequence: 5,
  wrongMode: 6,
  reservedBitSet: 7,
  modeDependentBitsSet: 8,
  baseCellOutOfRange: 9,
  resolutionChanged: 10,
  singleBitFlip: 11,
  digitChanged: 12,
};

function parseArgs(argv) {
  const args = { out: null, seed: 20240607, scale: 1 };
  for (let i = 2; i < argv.length; i++) {
    const name = argv[i];
    const value = argv[i + 1];
    if (name === '--out') args.out = value;
    else if (name === '--seed') args.seed = Number(value);
    else if (name === '--scale') args.scale = Number(value);
    else throw new Error(`unknown argument ${name}; usage: golden.mjs --out <dir> [--seed <uint32>] [--scale <factor>]`);
    i++;
  }
  if (!args.out) throw new Error('missing --out <dir>');
  if (!Number.isInteger(args.seed) || args.seed < 0 || args.seed > 0xffffffff) {
    throw new Error(`--seed must be an integer in 0..4294967295, got ${args.seed}`);
  }
  if (!(args.scale > 0 && args.scale <= 100)) throw new Error(`--scale must be in (0, 100], got ${args.scale}`);
  return args;
}

function checkH3JsVersion() {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const pkgPath = path.resolve(here, '..', 'node_modules', 'h3-js', 'package.json');
  const version = JSON.parse(fs.readFileSync(pkgPath, 'utf8')).version;
  if (version !== EXPECTED_H3JS_VERSION) {
    throw new Error(`h3-js ${version} is installed but the oracle is h3-js ${EXPECTED_H3JS_VERSION}; run \`npm ci\` in tests/oracle`);
  }
  return version;
}

// ---------------------------------------------------------------------------------------------
// Deterministic randomness: xoshiro128** seeded through splitmix32.

class Random {
  constructor(seed) {
    let s = seed >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s = new Uint32Array([next(), next(), next(), next()]);
  }

  u32() {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  float() {
    return ((this.u32() >>> 5) * 67108864 + (this.u32() >>> 6)) / 9007199254740992;
  }

  /** Uniform integer in [0, n). */
  int(n) {
    return Math.floor(this.float() * n);
  }

  pick(array) {
    return array[this.int(array.length)];
  }

  sign() {
    return this.u32() & 1 ? 1 : -1;
  }
}

function rotl(x, k) {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

// ---------------------------------------------------------------------------------------------
// 64-bit cells travel as [lo, hi] pairs of unsigned 32-bit numbers; h3-js speaks hex strings.

function hexToLoHi(hex) {
  return [parseInt(hex.slice(-8), 16) >>> 0, hex.length > 8 ? parseInt(hex.slice(0, -8), 16) >>> 0 : 0];
}

function loHiToHex(lo, hi) {
  return (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0');
}

/** h3-js's own text for a cell (no leading zeros), as the C# ToString must print it. */
function canonicalHex(hex) {
  return hex.replace(/^0+(?=.)/, '');
}

/** Runs an h3-js call; returns { value } or { code } for an H3 error, rethrows anything else. */
function attempt(fn) {
  try {
    return { value: fn(), code: 0 };
  } catch (e) {
    if (typeof e.code === 'number' && e.code > 0 && e.code < 1000) return { value: null, code: e.code };
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Column files.

class Column {
  constructor(name, type) {
    this.name = name;
    this.type = type;
    this.length = 0;
    const ctor = { 1: Float64Array, 2: Uint32Array, 3: Int32Array, 4: Uint8Array }[type];
    this.data = ctor ? new ctor(1024) : [];
  }

  grow(extra) {
    const needed = (this.length + extra) * (this.type === 2 ? 2 : 1);
    if (needed <= this.data.length) return;
    let size = this.data.length * 2;
    while (size < needed) size *= 2;
    const bigger = new this.data.constructor(size);
    bigger.set(this.data);
    this.data = bigger;
  }

  push(value) {
    if (this.type === 5) {
      this.data.push(value);
      this.length++;
      return;
    }
    this.grow(1);
    if (this.type === 2) {
      const [lo, hi] = typeof value === 'string' ? hexToLoHi(value) : value;
      this.data[2 * this.length] = lo;
      this.data[2 * this.length + 1] = hi;
    } else {
      this.data[this.length] = value;
    }
    this.length++;
  }

  bytes() {
    if (this.type === 5) {
      const parts = [];
      for (const s of this.data) {
        const b = Buffer.from(s, 'utf8');
        const len = Buffer.alloc(2);
        len.writeUInt16LE(b.length);
        parts.push(len, b);
      }
      return Buffer.concat(parts);
    }
    const elements = this.length * (this.type === 2 ? 2 : 1);
    return Buffer.from(this.data.buffer, this.data.byteOffset, elements * this.data.BYTES_PER_ELEMENT);
  }
}

const F64 = 1;
const U64 = 2;
const I32 = 3;
const U8 = 4;
const STR = 5;

class GoldenFile {
  constructor(name) {
    this.name = name;
    this.columns = new Map();
  }

  column(name, type) {
    let c = this.columns.get(name);
    if (!c) {
      c = new Column(name, type);
      this.columns.set(name, c);
    }
    return c;
  }

  /** A list column: call `list(name).add(values)` once per row. */
  list(name, type) {
    const offsets = this.column(`${name}.offsets`, I32);
    const values = this.column(name, type);
    if (offsets.length === 0) offsets.push(0);
    return {
      add(items) {
        for (const item of items) values.push(item);
        offsets.push(values.length);
      },
    };
  }

  write(dir) {
    const file = path.join(dir, `${this.name}.bin`);
    const fd = fs.openSync(file, 'w');
    try {
      const header = Buffer.alloc(16);
      header.write('GAH3GOLD', 0, 'latin1');
      header.writeUInt32LE(FORMAT_VERSION, 8);
      header.writeUInt32LE(this.columns.size, 12);
      fs.writeSync(fd, header);
      for (const c of this.columns.values()) {
        const name = Buffer.from(c.name, 'utf8');
        const head = Buffer.alloc(2 + name.length + 1 + 4);
        head.writeUInt16LE(name.length, 0);
        name.copy(head, 2);
        head.writeUInt8(c.type, 2 + name.length);
        head.writeUInt32LE(c.length, 3 + name.length);
        fs.writeSync(fd, head);
        fs.writeSync(fd, c.bytes());
      }
    } finally {
      fs.closeSync(fd);
    }
    const counts = {};
    for (const c of this.columns.values()) if (!c.name.endsWith('.offsets')) counts[c.name] = c.length;
    return counts;
  }
}

// ---------------------------------------------------------------------------------------------
// Sphere geometry for choosing inputs (degrees outside, radians inside).

const RAD = Math.PI / 180;

function toVec(latDeg, lngDeg) {
  const lat = latDeg * RAD;
  const lng = lngDeg * RAD;
  return [Math.cos(lat) * Math.cos(lng), Math.cos(lat) * Math.sin(lng), Math.sin(lat)];
}

function fromVec([x, y, z]) {
  const r = Math.hypot(x, y, z);
  return [Math.asin(Math.max(-1, Math.min(1, z / r))) / RAD, Math.atan2(y, x) / RAD];
}

function cross(a, b) {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

function dot(a, b) {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

function normalize(a) {
  const r = Math.hypot(a[0], a[1], a[2]);
  return [a[0] / r, a[1] / r, a[2] / r];
}

function angle(a, b) {
  return Math.atan2(Math.hypot(...cross(a, b)), dot(a, b));
}

/** The point `distRad` away from (lat, lng) along the initial bearing `bearingRad`. */
function destination(latDeg, lngDeg, bearingRad, distRad) {
  const lat = latDeg * RAD;
  const lng = lngDeg * RAD;
  const sinLat = Math.sin(lat) * Math.cos(distRad) + Math.cos(lat) * Math.sin(distRad) * Math.cos(bearingRad);
  const lat2 = Math.asin(Math.max(-1, Math.min(1, sinLat)));
  const lng2 =
    lng +
    Math.atan2(
      Math.sin(bearingRad) * Math.sin(distRad) * Math.cos(lat),
      Math.cos(distRad) - Math.sin(lat) * sinLat,
    );
  let lngDeg2 = lng2 / RAD;
  if (lngDeg2 > 180) lngDeg2 -= 360;
  if (lngDeg2 < -180) lngDeg2 += 360;
  return [lat2 / RAD, lngDeg2];
}

/** A point uniform on the sphere. */
function uniformPoint(rng) {
  return [Math.asin(2 * rng.float() - 1) / RAD, rng.float() * 360 - 180];
}

/** Angular distance from a cell's centre to its first vertex: the cell's radius. */
function cellRadiusRad(cell) {
  const [lat, lng] = h3.cellToLatLng(cell);
  const [vlat, vlng] = h3.cellToBoundary(cell)[0];
  return angle(toVec(lat, lng), toVec(vlat, vlng));
}

/**
 * The icosahedron's 30 edges. H3 centres its 12 pentagons on the icosahedron's vertices, so the
 * vertices are the res-0 pentagon centres and each edge joins a vertex to its 5 nearest ones; face
 * edges are great-circle arcs between those vertices.
 */
function icosahedronEdges() {
  const vertices = h3.getPentagons(0).map((p) => toVec(...h3.cellToLatLng(p)));
  const edges = [];
  for (let i = 0; i < vertices.length; i++) {
    for (let j = i + 1; j < vertices.length; j++) {
      // Adjacent vertices are 63.43 degrees apart; the next pairs are 116.57 degrees apart.
      if (angle(vertices[i], vertices[j]) < 90 * RAD) edges.push([vertices[i], vertices[j]]);
    }
  }
  if (edges.length !== 30) throw new Error(`expected 30 icosahedron edges, found ${edges.length}`);
  return edges;
}

/**
 * A point on the edge (a, b) at fraction t of the arc, moved `offsetRad` off the edge's great
 * circle (positive to one side, negative to the other).
 */
function edgePoint([a, b], t, offsetRad) {
  const theta = angle(a, b);
  const wa = Math.sin((1 - t) * theta) / Math.sin(theta);
  const wb = Math.sin(t * theta) / Math.sin(theta);
  const p = normalize([wa * a[0] + wb * b[0], wa * a[1] + wb * b[1], wa * a[2] + wb * b[2]]);
  const n = normalize(cross(a, b));
  const c = Math.cos(offsetRad);
  const s = Math.sin(offsetRad);
  return fromVec([p[0] * c + n[0] * s, p[1] * c + n[1] * s, p[2] * c + n[2] * s]);
}

// ---------------------------------------------------------------------------------------------
// Categories.

const ALL_RES = [...Array(16).keys()];

/** latLngToCell on (point, resolution) pairs. */
function latLngToCellCategory(rng, scale, edges) {
  const file = new GoldenFile('latlng_to_cell');
  const lat = file.column('lat', F64);
  const lng = file.column('lng', F64);
  const res = file.column('res', U8);
  const tag = file.column('tag', U8);
  const cell = file.column('cell', U64);

  const addPoint = (t, la, lo) => {
    for (const r of ALL_RES) {
      lat.push(la);
      lng.push(lo);
      res.push(r);
      tag.push(t);
      cell.push(h3.latLngToCell(la, lo, r));
    }
  };

  // Uniform on the sphere.
  const uniformCount = Math.round(40000 * scale);
  for (let i = 0; i < uniformCount; i++) addPoint(TAG.uniform, ...uniformPoint(rng));

  // Near both poles: exactly +-90 and 90 - delta for deltas from 1e-14 to 10 degrees.
  const poleDeltas = [0, 1e-14, 1e-13, 1e-12, 1e-10, 1e-8, 1e-6, 1e-4, 1e-3, 1e-2, 0.1, 0.5, 1, 3, 10];
  const poleLngs = [0, 180, -180, 90, -90, 45, 1e-12, -1e-12];
  const poleCount = Math.round(4000 * scale);
  for (let i = 0; i < poleCount; i++) {
    const sign = i % 2 === 0 ? 1 : -1;
    const delta = poleDeltas[i % poleDeltas.length] * (i % 3 === 0 ? 1 : rng.float());
    const lo = i % 5 === 0 ? rng.pick(poleLngs) : rng.float() * 360 - 180;
    addPoint(TAG.poles, sign * (90 - delta), lo);
  }

  // On and near the antimeridian, and longitudes beyond +-180 that H3 normalises.
  const amDeltas = [0, 1e-13, 1e-12, 1e-10, 1e-9, 1e-7, 1e-6, 1e-4, 1e-3, 0.01, 0.1, 1];
  const beyond = [190, -190, 540, -540, 360, -360, 720, -720, 270, -270, 180.5, -180.5, 1000, -1000, 3600.25, -3600.25];
  const amCount = Math.round(6000 * scale);
  for (let i = 0; i < amCount; i++) {
    const la = i % 7 === 0 ? rng.pick([0, 45, -45, 89, -89, 60, -60]) : uniformPoint(rng)[0];
    let lo;
    switch (i % 4) {
      case 0:
        lo = rng.pick([180, -180]);
        break;
      case 1:
        lo = rng.sign() * (180 - amDeltas[rng.int(amDeltas.length)] * (rng.u32() & 1 ? 1 : rng.float()));
        break;
      case 2:
        lo = rng.pick(beyond);
        break;
      default:
        // A random longitude shifted by whole turns.
        lo = rng.float() * 360 - 180 + 360 * rng.pick([-3, -2, -1, 1, 2, 3]);
        break;
    }
    addPoint(TAG.antimeridian, la, lo);
  }

  // Near icosahedron face edges: points along the 30 edges, on them and moved off them by offsets
  // from 1e-14 to 0.1 radians. Those within 1e-12 radians are tagged as on the edge: at Class II
  // resolutions cell edges run along icosahedron edges, so such points lie on a cell boundary.
  const edgeOffsets = [0, 1e-14, 1e-12, 1e-10, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 0.1];
  const edgeCount = Math.round(6000 * scale);
  for (let i = 0; i < edgeCount; i++) {
    const edge = edges[i % edges.length];
    const offset = rng.sign() * edgeOffsets[rng.int(edgeOffsets.length)] * (rng.u32() & 1 ? 1 : rng.float());
    const tag = Math.abs(offset) < 1e-12 ? TAG.onFaceEdges : TAG.faceEdges;
    addPoint(tag, ...edgePoint(edge, 0.002 + 0.996 * rng.float(), offset));
  }

  // Inside and next to all 12 pentagons at every resolution: the centre, and points at distances
  // from 1e-12 to 3.5 cell radii in random directions.
  const pentagonScales = [1e-12, 1e-9, 1e-6, 1e-3, 0.1, 0.3, 0.6, 0.9, 1.0, 1.2, 2, 3.5];
  const perScale = Math.max(1, Math.round(6 * scale));
  for (const r of ALL_RES) {
    for (const p of h3.getPentagons(r)) {
      const [cla, clo] = h3.cellToLatLng(p);
      const radius = cellRadiusRad(p);
      addPoint(TAG.pentagons, cla, clo);
      for (const s of pentagonScales) {
        for (let j = 0; j < perScale; j++) {
          addPoint(TAG.pentagons, ...destination(cla, clo, rng.float() * 2 * Math.PI, s * radius * (0.5 + rng.float())));
        }
      }
    }
  }

  // Latitudes beyond the poles: H3 accepts any finite latitude.
  const beyondCount = Math.round(500 * scale);
  for (let i = 0; i < beyondCount; i++) {
    const la = rng.sign() * (90 + rng.pick([1e-9, 1e-3, 0.5, 5, 45, 90, 180, 300]) * rng.float());
    addPoint(TAG.beyondPoles, la, rng.float() * 360 - 180);
  }

  // Invalid input: the error code h3-js reports.
  const errLat = file.column('error.lat', F64);
  const errLng = file.column('error.lng', F64);
  const errRes = file.column('error.res', I32);
  const errCode = file.column('error.code', I32);
  const badCoords = [NaN, Infinity, -Infinity];
  const goodCoords = [0, 45.5, -179.5];
  const addError = (la, lo, r) => {
    const { code } = attempt(() => h3.latLngToCell(la, lo, r));
    if (code === 0) throw new Error(`h3-js accepted invalid input ${la}, ${lo}, ${r}`);
    errLat.push(la);
    errLng.push(lo);
    errRes.push(r);
    errCode.push(code);
  };
  for (const r of [0, 5, 9, 15]) {
    for (const bad of badCoords) {
      for (const good of goodCoords) {
        addError(bad, good, r);
        addError(good, bad, r);
      }
      addError(bad, bad, r);
    }
  }
  for (const r of [-1, 16, 17, -2147483648, 2147483647]) {
    addError(10, 20, r);
    addError(NaN, 20, r);
    addError(0, Infinity, r);
  }
  return file;
}

/** Distinct cells with their centres, boundaries and properties; also the test subjects of later categories. */
function collectCells(rng, scale, edges) {
  const cells = new Map(); // hex -> label
  const add = (c, label) => {
    if (!cells.has(c)) cells.set(c, label);
  };
  const res0 = h3.getRes0Cells();
  for (const c of res0) add(c, 'res0');
  for (const c of res0) for (const child of h3.cellToChildren(c, 1)) add(child, 'res1');
  const pentagons = [];
  for (const r of ALL_RES) {
    for (const p of h3.getPentagons(r)) {
      pentagons.push(p);
      add(p, 'pentagon');
    }
  }
  const pentagonNeighbours = [];
  for (const p of pentagons) {
    for (const n of h3.gridDisk(p, 1)) {
      if (n !== p) {
        pentagonNeighbours.push(n);
        add(n, 'pentagonNeighbour');
      }
    }
  }
  // Cells on icosahedron face edges at every resolution (getIcosahedronFaces returns 2+ faces).
  const faceEdgeCells = [];
  const faceEdgeSeen = new Set();
  const faceEdgePoints = Math.round(1500 * scale);
  let tries = 0;
  let finestOnTwoFaces = 0;
  while (faceEdgeCells.length < 6000 * scale && tries < faceEdgePoints * 4) {
    tries++;
    const [la, lo] = edgePoint(edges[tries % edges.length], 0.01 + 0.98 * rng.float(), rng.sign() * 1e-9 * rng.float());
    // A res-15 cell is about 1e-7 radians across, so one this close to an edge spans two faces.
    if (h3.getIcosahedronFaces(h3.latLngToCell(la, lo, 15)).length >= 2) finestOnTwoFaces++;
    for (const r of ALL_RES) {
      const c = h3.latLngToCell(la, lo, r);
      if (faceEdgeSeen.has(c)) continue;
      faceEdgeSeen.add(c);
      if (h3.getIcosahedronFaces(c).length >= 2) {
        faceEdgeCells.push(c);
        add(c, 'faceEdge');
      }
    }
  }
  const polar = [];
  const antimeridian = [];
  for (let i = 0; i < 150 * scale; i++) {
    const r = i % 16;
    const pc = h3.latLngToCell(rng.sign() * (90 - rng.float() * rng.pick([1e-9, 1e-3, 1, 5])), rng.float() * 360 - 180, r);
    polar.push(pc);
    add(pc, 'polar');
    const ac = h3.latLngToCell(uniformPoint(rng)[0], rng.sign() * (180 - rng.float() * rng.pick([0, 1e-9, 1e-3, 0.5])), r);
    antimeridian.push(ac);
    add(ac, 'antimeridian');
  }
  const random = [];
  const randomPerRes = Math.round(3300 * scale);
  for (const r of ALL_RES) {
    for (let i = 0; i < randomPerRes; i++) {
      const c = h3.latLngToCell(...uniformPoint(rng), r);
      random.push(c);
      add(c, 'random');
    }
  }
  if (finestOnTwoFaces < 0.9 * tries) {
    throw new Error(`only ${finestOnTwoFaces} of ${tries} points on icosahedron edges fall in res-15 cells on 2+ faces`);
  }
  return { cells, res0, pentagons, pentagonNeighbours, faceEdgeCells, polar, antimeridian, random };
}

function cellsCategory(rng, set) {
  const file = new GoldenFile('cells');
  const cell = file.column('cell', U64);
  const text = file.column('text', STR);
  const label = file.column('label', STR);
  const res = file.column('res', U8);
  const baseCell = file.column('baseCell', U8);
  const pentagon = file.column('isPentagon', U8);
  const classIII = file.column('isResClassIII', U8);
  const faces = file.column('faceCount', U8);
  const lat = file.column('lat', F64);
  const lng = file.column('lng', F64);
  const vertexCount = file.column('vertexCount', U8);
  const vertices = file.list('vertices', F64); // lat, lng, lat, lng, ...
  const areaIndex = file.column('area.index', I32);
  const areaKm2 = file.column('area.km2', F64);
  const areaM2 = file.column('area.m2', F64);
  const areaRads2 = file.column('area.rads2', F64);
  const digitIndex = file.column('digits.index', I32);
  const digits = file.list('digits', U8); // digits 1..15 as h3-js getIndexDigit reports them

  let i = 0;
  for (const [c, l] of set.cells) {
    cell.push(c);
    text.push(c);
    label.push(l);
    res.push(h3.getResolution(c));
    baseCell.push(h3.getBaseCellNumber(c));
    pentagon.push(h3.isPentagon(c) ? 1 : 0);
    classIII.push(h3.isResClassIII(c) ? 1 : 0);
    faces.push(h3.getIcosahedronFaces(c).length);
    const [la, lo] = h3.cellToLatLng(c);
    lat.push(la);
    lng.push(lo);
    const boundary = h3.cellToBoundary(c);
    vertexCount.push(boundary.length);
    vertices.add(boundary.flat());
    if (l === 'pentagon' || l === 'faceEdge' || i % 12 === 0) {
      areaIndex.push(i);
      areaKm2.push(h3.cellArea(c, h3.UNITS.km2));
      areaM2.push(h3.cellArea(c, h3.UNITS.m2));
      areaRads2.push(h3.cellArea(c, h3.UNITS.rads2));
    }
    if (i % 20 === 0 || l === 'pentagon') {
      digitIndex.push(i);
      const d = [];
      for (let r = 1; r <= 15; r++) d.push(h3.getIndexDigit(c, r));
      digits.add(d);
    }
    i++;
  }
  // h3-js's text for a cell must be what ToString prints; check the assumption the tests rely on.
  for (const s of text.data) if (canonicalHex(s) !== s || s !== s.toLowerCase()) throw new Error(`unexpected text ${s}`);
  return file;
}

function gridDiskCategory(rng, set, scale) {
  const file = new GoldenFile('grid_disk');
  const origin = file.column('origin', U64);
  const label = file.column('label', STR);
  const k = file.column('k', U8);
  const disk = file.list('disk', U64);
  const origins = new Map();
  const add = (list, l, limit) => {
    for (const c of list.slice(0, limit)) if (!origins.has(c)) origins.set(c, l);
  };
  add(set.pentagons, 'pentagon');
  add(set.pentagonNeighbours, 'pentagonNeighbour');
  add(set.faceEdgeCells, 'faceEdge', Math.round(3500 * scale));
  add(set.polar, 'polar');
  add(set.antimeridian, 'antimeridian');
  add(set.res0, 'res0');
  const random = set.random.filter((_, idx) => idx % 7 === 0);
  add(random, 'random', Math.round(6000 * scale));
  for (const [c, l] of origins) {
    for (let kk = 1; kk <= 3; kk++) {
      origin.push(c);
      label.push(l);
      k.push(kk);
      disk.add(h3.gridDisk(c, kk));
    }
  }

  // areNeighborCells: the ring-1 cells (true), the origin itself and ring-2 cells (false), a random
  // cell of the same resolution (false), a parent and an invalid cell (errors).
  const a = file.column('neighbors.a', U64);
  const b = file.column('neighbors.b', U64);
  const result = file.column('neighbors.result', U8);
  const code = file.column('neighbors.code', I32);
  const addPair = (x, y) => {
    const r = attempt(() => h3.areNeighborCells(x, y));
    a.push(x);
    b.push(y);
    result.push(r.value ? 1 : 0);
    code.push(r.code);
  };
  let n = 0;
  for (const c of origins.keys()) {
    if (n++ % 3 !== 0 && !h3.isPentagon(c)) continue;
    const ring1 = h3.gridDisk(c, 1);
    const ring2 = h3.gridDisk(c, 2).filter((x) => !ring1.includes(x));
    for (const x of ring1) addPair(c, x);
    for (const x of ring2.slice(0, 4)) addPair(c, x);
    const r = h3.getResolution(c);
    addPair(c, h3.latLngToCell(...uniformPoint(rng), r));
    if (r > 0) addPair(c, h3.cellToParent(c, r - 1));
    if (n % 10 === 1) addPair(c, 'ffffffffffffffff');
  }
  return file;
}

function hierarchyCategory(rng, set, scale) {
  const file = new GoldenFile('hierarchy');
  const cell = file.column('cell', U64);
  const parents = file.list('parents', U64); // cellToParent(cell, 0..res)
  const centerChildren = file.list('centerChildren', U64); // cellToCenterChild(cell, res..15)
  const childrenSizes = file.list('childrenSizes', U64); // cellToChildrenSize(cell, res..15)
  const subjects = [
    ...set.pentagons,
    ...set.pentagonNeighbours.filter((_, i) => i % 2 === 0),
    ...set.faceEdgeCells.slice(0, Math.round(600 * scale)),
    ...set.polar.slice(0, 100),
    ...set.antimeridian.slice(0, 100),
    ...set.random.filter((_, i) => i % 16 === 0),
  ];
  const seen = new Set();
  const unique = subjects.filter((c) => !seen.has(c) && seen.add(c));
  const sizeToLoHi = (n) => [n % 4294967296, Math.floor(n / 4294967296)];
  for (const c of unique) {
    const r = h3.getResolution(c);
    cell.push(c);
    const ps = [];
    for (let p = 0; p <= r; p++) ps.push(h3.cellToParent(c, p));
    parents.add(ps);
    const cc = [];
    const sizes = [];
    for (let q = r; q <= 15; q++) {
      cc.push(h3.cellToCenterChild(c, q));
      sizes.push(sizeToLoHi(h3.cellToChildrenSize(c, q)));
    }
    centerChildren.add(cc);
    childrenSizes.add(sizes);
  }

  // cellToChildren as sets, for child resolutions up to 3 finer.
  const childrenCell = file.column('children.cell', U64);
  const childrenRes = file.column('children.res', U8);
  const children = file.list('children', U64);
  const childSubjects = unique.filter((c, i) => h3.isPentagon(c) || i % 4 === 0);
  for (const c of childSubjects) {
    const r = h3.getResolution(c);
    for (let q = r; q <= Math.min(15, r + 3); q++) {
      childrenCell.push(c);
      childrenRes.push(q);
      children.add(h3.cellToChildren(c, q));
    }
  }

  // Errors: op 0 = cellToParent, 1 = cellToCenterChild, 2 = cellToChildrenSize.
  const errCell = file.column('error.cell', U64);
  const errOp = file.column('error.op', U8);
  const errRes = file.column('error.res', I32);
  const errCode = file.column('error.code', I32);
  const ops = [
    (c, q) => h3.cellToParent(c, q),
    (c, q) => h3.cellToCenterChild(c, q),
    (c, q) => h3.cellToChildrenSize(c, q),
  ];
  const errSubjects = unique.filter((_, i) => i % 25 === 0);
  for (const c of errSubjects) {
    const r = h3.getResolution(c);
    for (let op = 0; op < ops.length; op++) {
      const candidates = op === 0 ? [r + 1, r + 3, 16, -1] : [r - 1, r - 3, 16, -1];
      for (const q of candidates) {
        const { code } = attempt(() => ops[op](c, q));
        if (code === 0) continue;
        errCell.push(c);
        errOp.push(op);
        errRes.push(q);
        errCode.push(code);
      }
    }
  }
  return file;
}

function compactCategory(rng, set, scale) {
  const file = new GoldenFile('compact');
  const label = file.column('label', STR);
  const input = file.list('input', U64);
  const compactCode = file.column('compact.code', I32);
  const compacted = file.list('compacted', U64);
  const uncompactRes = file.column('uncompact.res', I32);
  const uncompactCode = file.column('uncompact.code', I32);
  const uncompacted = file.list('uncompacted', U64);

  const addCase = (l, cells, res) => {
    const c = attempt(() => h3.compactCells(cells));
    // Uncompacting the compacted set (or the input when compacting fails) to `res`.
    const source = c.code === 0 ? c.value : cells;
    const u = attempt(() => h3.uncompactCells(source, res));
    label.push(l);
    input.add(cells);
    compactCode.push(c.code);
    compacted.add(c.code === 0 ? c.value : []);
    uncompactRes.push(res);
    uncompactCode.push(u.code);
    uncompacted.add(u.code === 0 ? u.value : []);
  };
  const shuffle = (a) => {
    for (let i = a.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  };

  // Every res-1 cell compacts to the 122 res-0 cells.
  const allRes1 = set.res0.flatMap((c) => h3.cellToChildren(c, 1));
  addCase('allRes1', shuffle(allRes1.slice()), 2);

  const parentsFor = [
    ...set.pentagons.filter((p) => h3.getResolution(p) <= 9),
    ...set.random.filter((c, i) => h3.getResolution(c) <= 9 && i % 11 === 0).slice(0, Math.round(700 * scale)),
    ...set.faceEdgeCells.filter((c) => h3.getResolution(c) <= 9).slice(0, Math.round(150 * scale)),
  ];
  for (const p of parentsFor) {
    const r = h3.getResolution(p);
    const d = 1 + rng.int(r <= 7 ? 3 : 2);
    const full = h3.cellToChildren(p, r + d);
    const ures = Math.min(15, r + d + rng.int(2));
    // The complete set compacts to the parent.
    addCase('complete', shuffle(full.slice()), ures);
    // A complete set plus the children of a neighbour, minus a few cells.
    const neighbour = rng.pick(h3.gridDisk(p, 1).filter((x) => x !== p));
    let mixed = full.concat(h3.cellToChildren(neighbour, r + d));
    const drop = rng.int(4);
    for (let i = 0; i < drop; i++) mixed.splice(rng.int(mixed.length), 1);
    addCase('partial', shuffle(mixed), ures);
    // One whole sibling group at the child resolution, the rest scattered.
    const group = h3.cellToChildren(h3.cellToParent(full[rng.int(full.length)], r + d - 1), r + d);
    const scattered = full.filter((_, i) => i % 3 === 0 && !group.includes(full[i]));
    addCase('scattered', shuffle(group.concat(scattered)), ures);
  }

  // Duplicates that h3-js rejects (a complete sibling group plus a repeated member).
  for (const p of parentsFor.slice(0, 60)) {
    const r = h3.getResolution(p);
    const kids = h3.cellToChildren(p, r + 1);
    addCase('duplicate', shuffle(kids.concat([rng.pick(kids)])), r + 1);
  }
  // An invalid cell in the set.
  for (const p of parentsFor.slice(0, 10)) {
    const r = h3.getResolution(p);
    addCase('invalidCell', h3.cellToChildren(p, r + 1).concat(['ffffffffffffffff']), r + 1);
  }
  // Uncompacting to a resolution coarser than the set.
  for (const p of parentsFor.slice(0, 20)) {
    const r = h3.getResolution(p);
    if (r === 0) continue;
    addCase('uncompactCoarser', h3.cellToChildren(p, r + 1), r - 1);
  }
  // Check that the cases meant to fail do fail, and the others do not.
  for (let i = 0; i < label.length; i++) {
    const l = label.data[i];
    const want = l === 'duplicate' ? 10 : l === 'invalidCell' ? 5 : 0;
    if (compactCode.data[i] !== want) throw new Error(`compact case ${i} (${l}) gave code ${compactCode.data[i]}`);
  }
  return file;
}

function validityCategory(rng, set, scale) {
  const file = new GoldenFile('validity');
  const value = file.column('value', U64);
  const kind = file.column('kind', U8);
  const valid = file.column('isValid', U8);
  const add = (k, lo, hi) => {
    lo >>>= 0;
    hi >>>= 0;
    value.push([lo, hi]);
    kind.push(k);
    valid.push(h3.isValidCell(loHiToHex(lo, hi)) ? 1 : 0);
  };
  // Bit helpers over [lo, hi]: bit 0 is the lowest.
  const setBits = ([lo, hi], shift, width, v) => {
    for (let b = 0; b < width; b++) {
      const bit = (v >>> b) & 1;
      const pos = shift + b;
      if (pos < 32) lo = bit ? lo | (1 << pos) : lo & ~(1 << pos);
      else hi = bit ? hi | (1 << (pos - 32)) : hi & ~(1 << (pos - 32));
    }
    return [lo >>> 0, hi >>> 0];
  };
  const getBits = ([lo, hi], shift, width) => {
    let v = 0;
    for (let b = 0; b < width; b++) {
      const pos = shift + b;
      const bit = pos < 32 ? (lo >>> pos) & 1 : (hi >>> (pos - 32)) & 1;
      v |= bit << b;
    }
    return v;
  };
  // Documented layout: bit 63 reserved, 59-62 mode, 56-58 mode-dependent, 52-55 res, 45-51 base
  // cell, then digit r (1..15) at bits 3 * (15 - r).
  const digitShift = (r) => 3 * (15 - r);

  const count = Math.round(20000 * scale);
  for (let i = 0; i < count; i++) add(KIND.randomBits, rng.u32(), rng.u32());
  for (let i = 0; i < count; i++) {
    // Cell-shaped: mode 1, random res and base cell (sometimes >= 122), digits mostly 0..6, unused 7.
    let v = [0, 0];
    v = setBits(v, 59, 4, 1);
    const r = rng.int(16);
    v = setBits(v, 52, 4, r);
    v = setBits(v, 45, 7, rng.int(i % 10 === 0 ? 128 : 122));
    for (let d = 1; d <= 15; d++) v = setBits(v, digitShift(d), 3, d <= r ? (rng.int(20) === 0 ? 7 : rng.int(7)) : rng.int(30) === 0 ? rng.int(7) : 7);
    add(KIND.randomCellShaped, v[0], v[1]);
  }

  const bases = [
    ...set.pentagons,
    ...set.faceEdgeCells.slice(0, 500),
    ...set.random.filter((_, i) => i % 9 === 0).slice(0, Math.round(4000 * scale)),
  ];
  for (const c of bases) {
    const v = hexToLoHi(c);
    const r = h3.getResolution(c);
    add(KIND.validCell, ...v);
    if (r > 0) {
      const d = 1 + rng.int(r);
      add(KIND.digit7InsideRes, ...setBits(v, digitShift(d), 3, 7));
      const other = (getBits(v, digitShift(d), 3) + 1 + rng.int(6)) % 7;
      add(KIND.digitChanged, ...setBits(v, digitShift(d), 3, other));
    }
    if (r < 15) {
      const d = r + 1 + rng.int(15 - r);
      add(KIND.unusedDigitNot7, ...setBits(v, digitShift(d), 3, rng.int(7)));
    }
    if (h3.isPentagon(c) && r > 0) {
      // The first non-zero digit of a pentagon's descendant is never 1 (the deleted K sub-sequence).
      let w = v;
      const d = 1 + rng.int(r);
      for (let q = 1; q < d; q++) w = setBits(w, digitShift(q), 3, 0);
      add(KIND.pentagonDeletedSubsequence, ...setBits(w, digitShift(d), 3, 1));
    }
    add(KIND.wrongMode, ...setBits(v, 59, 4, rng.pick([0, 2, 3, 4, 5, 8, 15])));
    add(KIND.reservedBitSet, ...setBits(v, 63, 1, 1));
    add(KIND.modeDependentBitsSet, ...setBits(v, 56, 3, 1 + rng.int(7)));
    add(KIND.baseCellOutOfRange, ...setBits(v, 45, 7, 122 + rng.int(6)));
    add(KIND.resolutionChanged, ...setBits(v, 52, 4, (r + 1 + rng.int(15)) % 16));
    const bit = rng.int(64);
    add(KIND.singleBitFlip, ...setBits(v, bit, 1, getBits(v, bit, 1) ^ 1));
  }
  // Hand-picked values.
  add(KIND.randomBits, 0, 0);
  add(KIND.randomBits, 0xffffffff, 0xffffffff);
  return file;
}

function miscCategory() {
  const file = new GoldenFile('misc');
  const res0 = file.column('res0Cells', U64);
  for (const c of h3.getRes0Cells()) res0.push(c);
  const pentagons = file.list('pentagons', U64);
  const classIII = file.column('isResClassIII', U8);
  const numCells = file.column('numCells', U64);
  for (const r of ALL_RES) {
    pentagons.add(h3.getPentagons(r));
    classIII.push(h3.isResClassIII(h3.cellToCenterChild(h3.getRes0Cells()[0], r)) ? 1 : 0);
    const n = h3.getNumCells(r);
    numCells.push([n % 4294967296, Math.floor(n / 4294967296)]);
  }
  return file;
}

// ---------------------------------------------------------------------------------------------

function main() {
  const started = performance.now();
  const args = parseArgs(process.argv);
  if (os.endianness() !== 'LE') throw new Error('the golden files are little-endian; run the generator on a little-endian machine');
  const version = checkH3JsVersion();
  fs.mkdirSync(args.out, { recursive: true });

  // Each category draws from its own stream, so growing one category leaves the others unchanged.
  const stream = (n) => new Random((args.seed ^ Math.imul(n + 1, 0x9e3779b1)) >>> 0);
  const edges = icosahedronEdges();
  const manifest = { generator: 'tests/oracle/h3/golden.mjs', formatVersion: FORMAT_VERSION, h3js: version, seed: args.seed, scale: args.scale, files: {} };

  const timed = (name, make) => {
    const t0 = performance.now();
    const file = make();
    const counts = file.write(args.out);
    manifest.files[file.name] = { counts, seconds: +((performance.now() - t0) / 1000).toFixed(2) };
  };
  timed('latlng', () => latLngToCellCategory(stream(0), args.scale, edges));
  const set = collectCells(stream(1), args.scale, edges);
  timed('cells', () => cellsCategory(stream(2), set));
  timed('disks', () => gridDiskCategory(stream(3), set, args.scale));
  timed('hierarchy', () => hierarchyCategory(stream(4), set, args.scale));
  timed('compact', () => compactCategory(stream(5), set, args.scale));
  timed('validity', () => validityCategory(stream(6), set, args.scale));
  timed('misc', () => miscCategory());
  manifest.seconds = +((performance.now() - started) / 1000).toFixed(2);
  fs.writeFileSync(path.join(args.out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  process.stdout.write(`wrote golden data for seed ${args.seed} to ${args.out} in ${manifest.seconds} s\n`);
}

try {
  main();
} catch (e) {
  process.stderr.write(`golden.mjs: ${e.stack || e}\n`);
  process.exit(1);
}
