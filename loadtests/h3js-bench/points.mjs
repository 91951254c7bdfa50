// The benchmark points: uniform in the continental US box, from a fixed seed.
// loadtests/GeoAssign.Benchmarks/UsBoxPoints.cs generates the same doubles bit for bit; both
// sides print the fingerprint below so compare.sh can prove they measure the same points.

export const LAT_MIN = 24.5;
export const LAT_MAX = 49.5;
export const LNG_MIN = -125.0;
export const LNG_MAX = -66.9;
export const POINT_COUNT = 4096;
export const SEED = 20240917;

/**
 * Mulberry32: a 32-bit PRNG simple enough to write identically in C# and JavaScript.
 * Math.imul and `>>> 0` give the same wrap-around arithmetic as C#'s unchecked uint.
 */
function mulberry32(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1) >>> 0;
    t = (t ^ (t + Math.imul(t ^ (t >>> 7), t | 61))) >>> 0;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Returns `count` points as { lats: Float64Array, lngs: Float64Array }, in degrees. */
export function usBoxPoints(count = POINT_COUNT, seed = SEED) {
  const next = mulberry32(seed);
  const lats = new Float64Array(count);
  const lngs = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    // Latitude first, then longitude: the order matters for bit-identical output.
    lats[i] = LAT_MIN + next() * (LAT_MAX - LAT_MIN);
    lngs[i] = LNG_MIN + next() * (LNG_MAX - LNG_MIN);
  }
  return { lats, lngs };
}

/** FNV-1a (64-bit) over the IEEE-754 bits of lat0, lng0, lat1, lng1, …, as 16 hex digits. */
export function fingerprint({ lats, lngs }) {
  const prime = 0x100000001b3n;
  const mask = 0xffffffffffffffffn;
  const bytes = new Uint8Array(8);
  const view = new DataView(bytes.buffer);
  let hash = 0xcbf29ce484222325n;
  for (let i = 0; i < lats.length; i++) {
    for (const value of [lats[i], lngs[i]]) {
      view.setFloat64(0, value, true);
      for (const b of bytes) hash = ((hash ^ BigInt(b)) * prime) & mask;
    }
  }
  return hash.toString(16).padStart(16, '0');
}
