// An Echo server on every core through serveCluster, for test/server/cluster.test.ts.
// Args: the library path, the number of workers, and "reuse-port" to bind with SO_REUSEPORT.
// The primary prints "listening on <port> workers <pid>,<pid>"; each worker prints
// "worker <pid> not serving" when its health turns NOT_SERVING and "worker <pid> closing" when
// its server starts closing. Unary answers with the worker's pid; ServerStream sends `count`
// replies `delay_ms` apart.
import { setTimeout as sleep } from "node:timers/promises";
const [library, workers = "2", mode = "round-robin"] = process.argv.slice(2);
const { createHealthService, createServer, loadService, serveCluster } = await import(library);
const Echo = loadService("test/protos/echo.proto", "h2grpc.test.Echo");

const served = await serveCluster({
  workers: Number(workers),
  listen: { host: "127.0.0.1", port: 0, reusePort: mode === "reuse-port" },
  drainMs: 300,
  graceMs: 30_000,
  log: (line) => console.log(line),
  setup() {
    const health = createHealthService();
    health.setStatus("", "SERVING");
    const server = createServer()
      .addService(health.definition, health.implementation)
      .addService(Echo, {
        async unary() {
          return { message: String(process.pid) };
        },
        async *serverStream(request) {
          for (let index = 0; index < request.count; index++) {
            yield { index, message: String(process.pid) };
            await sleep(request.delayMs);
          }
        },
      });
    return {
      server: {
        listen: (options) => server.listen(options),
        close(options) {
          console.log(`worker ${process.pid} closing`);
          return server.close(options);
        },
      },
      health: {
        shutdown() {
          console.log(`worker ${process.pid} not serving`);
          health.shutdown();
        },
      },
    };
  },
});
if (served.isPrimary) {
  console.log(`listening on ${served.port} workers ${served.workerPids.join(",")}`);
  await served.closed;
  console.log("primary closed");
}
