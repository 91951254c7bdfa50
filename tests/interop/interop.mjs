// A foreign gRPC client: grpc-js (the Node.js gRPC implementation) calls a GeoAssign server using
// nothing but proto/geoassign/v1/*.proto — no generated .NET code, no GeoAssign client library.
// Every check that fails is printed; the exit code is the number of failed checks (0 = all passed).
//
//   node tests/interop/interop.mjs 127.0.0.1:5080
import path from "node:path";
import { fileURLToPath } from "node:url";
import grpc from "@grpc/grpc-js";
import protoLoader from "@grpc/proto-loader";

const address = process.argv[2] ?? "127.0.0.1:5080";
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../proto");
const definition = protoLoader.loadSync(
  ["geoassign/v1/assignment.proto", "geoassign/v1/territories.proto", "geoassign/v1/diagnostics.proto"],
  { includeDirs: [root], keepCase: false, longs: String, enums: String, defaults: true, oneofs: true });
const v1 = grpc.loadPackageDefinition(definition).geoassign.v1;
const credentials = grpc.credentials.createInsecure();
const territories = new v1.TerritoryService(address, credentials);
const assignments = new v1.AssignmentService(address, credentials);
const diagnostics = new v1.DiagnosticsService(address, credentials);

let failed = 0;
function check(name, ok, detail = "") {
  console.log(`${ok ? "ok  " : "FAIL"} ${name}${detail ? ` — ${detail}` : ""}`);
  if (!ok) failed++;
}

// A unary call as a promise that also resolves the trailers (or rejects with the status error).
function unary(client, method, request) {
  return new Promise((resolve, reject) => {
    let trailers;
    const call = client[method](request, { deadline: Date.now() + 10_000 }, (error, response) =>
      error ? reject(error) : resolve({ response, trailers }));
    call.on("status", (status) => { trailers = status.metadata; });
  });
}

const square = (lng, lat, size) => JSON.stringify({
  type: "Polygon",
  coordinates: [[[lng, lat], [lng + size, lat], [lng + size, lat + size], [lng, lat + size], [lng, lat]]],
});

try {
  const info = (await unary(territories, "getMapInfo", {})).response;
  check("GetMapInfo answers with a version", typeof info.mapVersion === "string", `map_version ${info.mapVersion}`);

  const upsert = (await unary(territories, "upsertTerritories", {
    territories: [
      { id: "interop-a", name: "Interop A", ownerId: "rep-js-a", layer: "interop", geometryGeojson: square(10, 10, 2) },
      { id: "interop-b", name: "Interop B", ownerId: "rep-js-b", layer: "interop", priority: 5, geometryGeojson: square(11, 11, 2) },
    ],
  })).response;
  const version = BigInt(upsert.mapVersion);
  check("UpsertTerritories creates both territories", upsert.createdCount === 2 && version > BigInt(info.mapVersion), `version ${version}`);

  const one = (await unary(assignments, "resolve", { lat: 10.5, lng: 10.5, layer: "interop", minVersion: String(version) })).response.assignment;
  check("Resolve finds the territory and owner", one.territoryId === "interop-a" && one.ownerId === "rep-js-a" && one.reason === "REASON_INTERIOR_CELL",
    `${one.territoryId} ${one.ownerId} ${one.reason}`);
  check("Resolve says which map version answered", BigInt(one.mapVersion) >= version, `map_version ${one.mapVersion}`);

  const overlap = (await unary(assignments, "resolve", { lat: 11.5, lng: 11.5, layer: "interop", minVersion: String(version) })).response.assignment;
  check("the border rule: the higher priority wins where territories overlap", overlap.territoryId === "interop-b", overlap.territoryId);

  const lat = [], lng = [];
  for (let i = 0; i < 1000; i++) { lat.push(9 + (i % 50) * 0.1); lng.push(9 + Math.floor(i / 50) * 0.25); }
  const batch = (await unary(assignments, "resolveBatch", { points: { lat, lng }, layer: "interop" })).response.assignments;
  const names = batch.territories.map((t) => t.territoryId);
  const hits = batch.territoryRefs.filter((r) => r !== 0).length;
  check("ResolveBatch answers every point in column form", batch.territoryRefs.length === 1000 && batch.reasons.length === 1000 && hits > 0 && hits < 1000,
    `${hits} of 1000 in ${names.join(", ")}`);

  // Bidirectional stream: three chunks written, three answers read, in order.
  const streamed = await new Promise((resolve, reject) => {
    const answers = [];
    const call = assignments.resolveStream({ deadline: Date.now() + 10_000 });
    call.on("data", (message) => answers.push(message));
    call.on("error", reject);
    call.on("end", () => resolve(answers));
    call.write({ points: { lat: [10.5, 50], lng: [10.5, 50] }, layer: "interop" });
    call.write({ points: { lat: [11.5], lng: [11.5] } });
    call.write({ points: { lat: [12.9, 0, 12.5], lng: [12.9, 0, 10.5] } });
    call.end();
  });
  const counts = streamed.map((m) => m.assignments.territoryRefs.length).join(",");
  check("ResolveStream answers each chunk in order", streamed.length === 3 && counts === "2,1,3", `chunk sizes ${counts}`);

  try {
    await unary(assignments, "resolve", { lat: Number.NaN, lng: 10, layer: "interop" });
    check("a NaN latitude is rejected", false, "the call succeeded");
  } catch (error) {
    check("a NaN latitude is INVALID_ARGUMENT with a message naming it", error.code === grpc.status.INVALID_ARGUMENT && /lat/i.test(error.details), error.details);
  }

  try {
    await unary(territories, "upsertTerritories", {
      territories: [{ id: "interop-c", ownerId: "rep-js", layer: "interop", geometryGeojson: square(20, 20, 1) }],
      expectedVersion: String(version - 1n),
    });
    check("a stale expected_version is refused", false, "the call succeeded");
  } catch (error) {
    const current = error.metadata?.get("geoassign-map-version")?.[0];
    check("a stale expected_version is ABORTED with the current version in a trailer", error.code === grpc.status.ABORTED && current !== undefined,
      `${grpc.status[error.code]}, geoassign-map-version ${current}`);
  }

  try {
    await unary(territories, "getTerritory", { id: "interop-c" });
    check("a refused edit changed nothing", false, "interop-c exists");
  } catch (error) {
    check("a refused edit changed nothing", error.code === grpc.status.NOT_FOUND, grpc.status[error.code]);
  }

  const echo = (await unary(diagnostics, "echo", { payload: Buffer.from("hello from grpc-js") })).response;
  check("Echo returns the payload", Buffer.from(echo.payload ?? []).toString() === "hello from grpc-js");

  await unary(territories, "deleteTerritories", { ids: ["interop-a", "interop-b"] });
} catch (error) {
  check("every call completes", false, `${error.code !== undefined ? grpc.status[error.code] : ""} ${error.details ?? error.message}`);
}

territories.close();
assignments.close();
diagnostics.close();
console.log(failed === 0 ? "all interop checks passed" : `${failed} interop check(s) failed`);
process.exit(failed);
