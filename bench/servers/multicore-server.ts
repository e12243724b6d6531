import path from "node:path";
import { parseArgs } from "node:util";
import type { TestServiceDefinition } from "../../protos/gen/grpc/testing/test.js";
import { loadService } from "../../src/codec/load-service.js";
import { serveCluster } from "../../src/server/server-cluster.js";
import type { Server } from "../../src/server/server-options.js";
import { findPackageRoot } from "../bench-messages.js";
import { createH2grpcBenchServer } from "./h2grpc-server.js";

// The h2grpc server of the multi-core rows, as a program of its own (node:cluster forks it):
//   node dist/bench/servers/multicore-server.js [--workers=N [--reuse-port]]
// Serves the Bench service and grpc.testing.TestService's EmptyCall (the call h2load sends to it
// and to grpc-go's interop server), from one process (no --workers) or from N serveCluster
// workers. Prints "listening on <port> pids <pid>,<pid>..." (every process, the primary first).

const { values } = parseArgs({ options: { workers: { type: "string" }, "reuse-port": { type: "boolean", default: false } } });
const TestService = loadService<TestServiceDefinition>("grpc/testing/test.proto", "grpc.testing.TestService", {
  includeDirs: [path.join(findPackageRoot(), "protos")],
});

function createMulticoreServer(): Server {
  return createH2grpcBenchServer().addService(TestService, {
    async emptyCall() {
      return {};
    },
  });
}

if (values.workers === undefined) {
  const server = createMulticoreServer();
  const port = await server.listen({ host: "127.0.0.1", port: 0 });
  console.log(`listening on ${port} pids ${process.pid}`);
  process.once("SIGTERM", () => void server.close());
} else {
  const cluster = await serveCluster({
    workers: Number(values.workers),
    listen: { host: "127.0.0.1", port: 0, reusePort: values["reuse-port"] },
    drainMs: 0,
    graceMs: 1_000,
    setup: () => ({ server: createMulticoreServer() }),
  });
  if (cluster.isPrimary) console.log(`listening on ${cluster.port} pids ${[process.pid, ...cluster.workerPids].join(",")}`);
}
