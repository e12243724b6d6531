import type http2 from "node:http2";
import type { AddressInfo } from "node:net";
import type { BenchServer } from "./bench-server.js";

/** Listens with a node:http2 server on 127.0.0.1 on a free port; its close() drops every connection first. Rejects if it cannot listen. */
export async function listenOnLoopback(server: http2.Http2Server): Promise<BenchServer> {
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
