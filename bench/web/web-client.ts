import http from "node:http";
import http2 from "node:http2";
import type { BenchClient } from "../clients/bench-client.js";
import type { WebRequest } from "./web-requests.js";

// The load client of the browser-protocol scenarios: pre-encoded requests (web-requests.ts) over
// HTTP/1.1 keep-alive connections or one HTTP/2 connection, as a BenchClient whose only call is
// unary, so the main scenarios' closed-loop driver (load-driver.ts) runs it unchanged.

/** A client sending `request` to 127.0.0.1:`port` over HTTP/1.1 with up to `connections` keep-alive connections. */
export function createHttp1WebClient(port: number, request: WebRequest, connections: number): BenchClient {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const headers = { ...request.headers, "content-length": String(request.body.length) };
  return unaryOnly(
    () =>
      new Promise<void>((resolve, reject) => {
        const call = http.request({ host: "127.0.0.1", port, path: request.path, method: "POST", headers, agent }, (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () => settle(() => request.check(response.statusCode ?? 0, Buffer.concat(chunks)), resolve, reject));
          response.on("error", reject);
        });
        call.on("error", reject);
        call.end(request.body);
      }),
    async () => agent.destroy(),
  );
}

/** A client sending `request` to 127.0.0.1:`port` over one HTTP/2 connection (prior knowledge). */
export async function createHttp2WebClient(port: number, request: WebRequest): Promise<BenchClient> {
  const session = http2.connect(`http://127.0.0.1:${port}`);
  await new Promise<void>((resolve, reject) => {
    session.once("connect", () => resolve());
    session.once("error", reject);
  });
  const headers = { ":method": "POST", ":path": request.path, ...request.headers };
  return unaryOnly(
    () =>
      new Promise<void>((resolve, reject) => {
        const stream = session.request(headers);
        const chunks: Buffer[] = [];
        let status = 0;
        stream.on("response", (received) => (status = Number(received[":status"])));
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.on("end", () => settle(() => request.check(status, Buffer.concat(chunks)), resolve, reject));
        stream.on("error", reject);
        stream.end(request.body);
      }),
    () => new Promise<void>((resolve) => session.close(() => resolve())),
  );
}

function settle(check: () => void, resolve: () => void, reject: (error: unknown) => void): void {
  try {
    check();
    resolve();
  } catch (error) {
    reject(error);
  }
}

function unaryOnly(unary: () => Promise<void>, close: () => Promise<void>): BenchClient {
  const unsupported = (): never => {
    throw new Error("the browser-protocol scenarios make unary calls only");
  };
  return { unary, close, serverStream: unsupported, clientStream: unsupported, openBidi: unsupported };
}
