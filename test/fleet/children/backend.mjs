// One replica of a fleet: an h2grpc Echo server in a process of its own, with the health service.
// Args: the library path, the host, a port (0 for a free one), and options as JSON:
// { maxConnectionAgeMs, delayMs }. Unary answers with the host it runs on (message) after the
// replica's delayMs and the request's; a request with message "fail-first" fails its first `count`
// attempts (per id) with UNAVAILABLE, and the answer says how many attempts of the id arrived (index).
// Prints "listening on <port>"; SIGUSR1 sets every health status NOT_SERVING and SIGUSR2 SERVING
// again (each printed as "health <status>"); SIGTERM closes it.
import { setTimeout as sleep } from "node:timers/promises";
const [library, host, port = "0", optionsJson = "{}"] = process.argv.slice(2);
const { createServer, createHealthService, loadService, GrpcError, Status } = await import(library);
const options = JSON.parse(optionsJson);
const Echo = loadService("test/protos/echo.proto", "h2grpc.test.Echo");
const health = createHealthService();
const server = createServer(options.maxConnectionAgeMs === undefined ? {} : { keepalive: { maxConnectionAgeMs: options.maxConnectionAgeMs, maxConnectionAgeGraceMs: 10_000 } });
// How many attempts of each request id arrived, for the calls that ask to fail their first ones.
const attempts = new Map();
server.addService(Echo, {
  async unary(request, ctx) {
    const delayMs = (options.delayMs ?? 0) + request.delayMs;
    if (delayMs > 0) await sleep(delayMs, undefined, { signal: ctx.signal }).catch(() => {});
    let seen = 0;
    if (request.message === "fail-first") {
      // Fails the first `count` attempts of this id with UNAVAILABLE, as a replica going away would.
      seen = (attempts.get(request.id) ?? 0) + 1;
      attempts.set(request.id, seen);
      if (seen <= request.count) throw new GrpcError(Status.UNAVAILABLE, `${host} fails attempt ${seen}`);
    }
    return { message: host, id: request.id, index: seen };
  },
});
server.addService(health.definition, health.implementation);
const setHealth = (status) => {
  for (const service of ["", "h2grpc.test.Echo"]) health.setStatus(service, status);
  console.log(`health ${status}`);
};
setHealth("SERVING");
process.on("SIGUSR1", () => setHealth("NOT_SERVING"));
process.on("SIGUSR2", () => setHealth("SERVING"));
process.once("SIGTERM", () => void server.close({ graceMs: 1000 }));
console.log(`listening on ${await server.listen({ host, port: Number(port) })}`);
