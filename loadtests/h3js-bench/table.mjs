// Joins a BenchmarkDotNet JSON report of H3Benchmarks and the output of `bench.mjs --json`
// into one Markdown table (medians on both sides).
//
//   node loadtests/h3js-bench/table.mjs <…H3Benchmarks-report-full-compressed.json> <h3js.json>

import { readFileSync } from 'node:fs';

const [bdnPath, h3jsPath] = process.argv.slice(2);
if (!bdnPath || !h3jsPath) {
  console.error('usage: node table.mjs <BenchmarkDotNet full JSON report> <bench.mjs --json output>');
  process.exit(2);
}
const bdn = JSON.parse(readFileSync(bdnPath, 'utf8'));
const h3js = JSON.parse(readFileSync(h3jsPath, 'utf8'));

// BenchmarkDotNet row (method + parameters) → h3-js operation and the label shown.
const ROWS = [
  { ours: 'LatLngToCell (res=9)', theirs: 'LatLngToCell (res=9)', label: 'LatLngToCell, res 9' },
  { ours: 'LatLngToCell (res=0)', theirs: 'LatLngToCell (res=0)', label: 'LatLngToCell, res 0' },
  { ours: 'LatLngToCell (res=15)', theirs: 'LatLngToCell (res=15)', label: 'LatLngToCell, res 15' },
  { ours: 'CellToBoundary', theirs: 'CellToBoundary', label: 'CellToBoundary → Span<LatLng>' },
  { ours: 'CellToBoundaryStruct', theirs: 'CellToBoundary', label: 'CellToBoundary → CellBoundary' },
  { ours: 'CellToParent', theirs: 'CellToParent', label: 'CellToParent, res 9 → 5' },
  { ours: 'GridDisk', theirs: 'GridDisk', label: 'GridDisk, k = 1' },
];

const ours = new Map(
  bdn.Benchmarks.map((b) => [b.Parameters ? `${b.Method} (${b.Parameters})` : b.Method, b]),
);
const theirs = new Map(h3js.results.map((r) => [r.id, r]));
const rows = [
  ...ROWS.filter((row) => ours.has(row.ours)),
  ...[...ours.keys()]
    .filter((key) => !ROWS.some((row) => row.ours === key))
    .map((key) => ({ ours: key, theirs: key, label: key })),
];

const host = bdn.HostEnvironmentInfo;
const jobs = [...new Set(bdn.Benchmarks.map((b) => jobName(b.DisplayInfo)))].join(', ');
console.log(
  `${host.ProcessorName} (${host.LogicalCoreCount} logical cores), ${host.OsVersion}; ` +
    `${host.RuntimeVersion}, BenchmarkDotNet ${host.BenchmarkDotNetVersion} (${jobs}); ` +
    `h3-js ${h3js.version} on node ${h3js.node}. ` +
    `${h3js.points} points in the continental US box (fingerprint ${h3js.pointsFingerprint}); medians.`,
);
if (/\bDry\b/.test(jobs)) {
  console.log('\n**Dry job: a smoke test of the pipeline, the GeoAssign.H3 numbers mean nothing.**');
}
console.log();
console.log('| operation | GeoAssign.H3 ns/op | allocated | h3-js ns/op | speed-up |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const row of rows) {
  const b = ours.get(row.ours);
  const ns = b.Statistics?.Median;
  const bytes = b.Memory?.BytesAllocatedPerOperation;
  const other = theirs.get(row.theirs)?.nsPerOp;
  const speedUp = ns > 0 && other > 0 ? `${(other / ns).toFixed(1)}×` : '—';
  console.log(
    `| ${row.label} | ${ns === undefined ? '—' : formatNs(ns)} | ${bytes === undefined ? '—' : `${bytes} B`} | ` +
      `${other === undefined ? '—' : formatNs(other)} | ${speedUp} |`,
  );
}

/** "Type.Method: ShortRun(IterationCount=3, …) [res=9]" → "ShortRun". */
function jobName(displayInfo) {
  const match = /: ([^(\[]+)/.exec(displayInfo ?? '');
  return match ? match[1].trim() : 'unknown job';
}

function formatNs(ns) {
  const digits = ns < 10 ? 2 : ns < 100 ? 1 : 0;
  return ns.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
