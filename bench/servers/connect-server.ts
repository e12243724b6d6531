import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { benchRoutes } from "../connect/connect-bench-service.js";
import type { BenchServer } from "./bench-server.js";

// connect-node as its documentation sets it up: node:http2's plaintext server with the Connect
// adapter as its request handler, no option changed.

/** Starts a connect-node server on 127.0.0.1 on a free port; rejects if it cannot listen. */
export async function startConnectServer(): Promise<BenchServer> {
  const server = http2.createServer(connectNodeAdapter({ routes: benchRoutes }));
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on("session", (session) => {
    sessions.add(session);
    session.on("close", () => sessions.delete(session));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const session of sessions) session.destroy();
        server.close(() => resolve());
      }),
  };
}
