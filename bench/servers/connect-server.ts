import http2 from "node:http2";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { benchRoutes } from "../connect/connect-bench-service.js";
import type { BenchServer } from "./bench-server.js";
import { listenOnLoopback } from "./listen-on-loopback.js";

// connect-node as its documentation sets it up: node:http2's plaintext server with the Connect
// adapter as its request handler, no option changed.

/** Starts a connect-node server on 127.0.0.1 on a free port; rejects if it cannot listen. */
export function startConnectServer(): Promise<BenchServer> {
  return listenOnLoopback(http2.createServer(connectNodeAdapter({ routes: benchRoutes })));
}
