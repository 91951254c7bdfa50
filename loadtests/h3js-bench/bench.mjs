// Per-call cost of h3-js 4.5.0 (the copy pinned in tests/oracle) on the same points and
// operations as loadtests/GeoAssign.Benchmarks, so the two can be put side by side.
//
//   node loadtests/h3js-bench/bench.mjs [--json] [--rounds 15] [--round-ms 200] [--warmup-ms 1000]
//   node loadtests/h3js-bench/bench.mjs --points-fingerprint
//
// Each operation is warmed up, then timed in several rounds of whole passes over the points;
// the reported figure is the median of the rounds' ns per call.

import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { fingerprint, POINT_COUNT, SEED, usBoxPoints } from './points.mjs';

const oracleRequire = createRequire(new URL('../../tests/oracle/package.json', import.meta.url));
let h3;
let h3Version;
try {
  h3 = oracleRequire('h3-js');
  h3Version = oracleRequire('h3-js/package.json').version;
} catch {
  console.error('h3-js is not installed: run `npm ci` in tests/oracle first.');
  process.exit(2);
}

const { values: options } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    rounds: { type: 'string', default: '15' },
    'round-ms': { type: 'string', default: '200' },
    'warmup-ms': { type: 'string', default: '1000' },
    'points-fingerprint': { type: 'boolean', default: false },
  },
});

const points = usBoxPoints();
if (options['points-fingerprint']) {
  console.log(fingerprint(points));
  process.exit(0);
}

const rounds = positiveInt('rounds');
const roundNs = positiveInt('round-ms') * 1e6;
const warmupNs = positiveInt('warmup-ms') * 1e6;

const { lats, lngs } = points;
const n = POINT_COUNT;
const cells = Array.from(lats, (lat, i) => h3.latLngToCell(lat, lngs[i], 9));

// One pass = one call per point. The sink keeps every result observable.
let sink = 0;
const latLngToCellPass = (res) => () => {
  for (let i = 0; i < n; i++) sink += h3.latLngToCell(lats[i], lngs[i], res).length;
};
const operations = [
  { id: 'LatLngToCell (res=0)', pass: latLngToCellPass(0) },
  { id: 'LatLngToCell (res=9)', pass: latLngToCellPass(9) },
  { id: 'LatLngToCell (res=15)', pass: latLngToCellPass(15) },
  {
    id: 'CellToBoundary',
    pass: () => {
      for (let i = 0; i < n; i++) sink += h3.cellToBoundary(cells[i]).length;
    },
  },
  {
    id: 'CellToParent',
    pass: () => {
      for (let i = 0; i < n; i++) sink += h3.cellToParent(cells[i], 5).length;
    },
  },
  {
    id: 'GridDisk',
    pass: () => {
      for (let i = 0; i < n; i++) sink += h3.gridDisk(cells[i], 1).length;
    },
  },
];

const results = operations.map(({ id, pass }) => ({ id, ...measure(pass) }));

if (options.json) {
  console.log(
    JSON.stringify(
      {
        library: 'h3-js',
        version: h3Version,
        node: process.version,
        points: n,
        seed: SEED,
        pointsFingerprint: fingerprint(points),
        rounds,
        results,
        sink,
      },
      null,
      2,
    ),
  );
} else {
  console.log(`h3-js ${h3Version} on node ${process.version}: ${n} points (seed ${SEED}), median of ${rounds} rounds`);
  console.log();
  console.log(`| ${'operation'.padEnd(22)} | ${'ns/op'.padStart(9)} | ${'min'.padStart(9)} | ${'max'.padStart(9)} |`);
  console.log(`| ${'-'.repeat(22)} | ${'-'.repeat(8)}: | ${'-'.repeat(8)}: | ${'-'.repeat(8)}: |`);
  for (const r of results) {
    console.log(`| ${r.id.padEnd(22)} | ${fmt(r.nsPerOp)} | ${fmt(r.minNsPerOp)} | ${fmt(r.maxNsPerOp)} |`);
  }
}

/** Warms `pass` up, sizes a round to about round-ms, then returns the rounds' ns per call. */
function measure(pass) {
  let passes = 0;
  const warmupStart = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < warmupNs || passes < 3) {
    pass();
    passes++;
    elapsed = Number(process.hrtime.bigint() - warmupStart);
  }
  const passesPerRound = Math.max(1, Math.round((roundNs * passes) / elapsed));

  const perOp = [];
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint();
    for (let p = 0; p < passesPerRound; p++) pass();
    perOp.push(Number(process.hrtime.bigint() - start) / (passesPerRound * n));
  }
  perOp.sort((a, b) => a - b);
  const mid = perOp.length >> 1;
  const median = perOp.length % 2 ? perOp[mid] : (perOp[mid - 1] + perOp[mid]) / 2;
  return {
    nsPerOp: round1(median),
    minNsPerOp: round1(perOp[0]),
    maxNsPerOp: round1(perOp[perOp.length - 1]),
    callsPerRound: passesPerRound * n,
  };
}

function positiveInt(name) {
  const value = Number(options[name]);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`--${name} must be a positive integer, got '${options[name]}'`);
    process.exit(2);
  }
  return value;
}

function round1(x) {
  return Math.round(x * 10) / 10;
}

function fmt(x) {
  return x.toFixed(1).padStart(9);
}
