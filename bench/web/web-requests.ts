import { encodeFrame } from "../../src/framing/frame.js";
import { Bench } from "../bench-messages.js";
import type { WebProtocol } from "./web-scenarios.js";

// One unary call of each browser protocol as bytes on the wire, encoded once: the load client is
// a raw client (like the raw gRPC client of the main scenarios), so the rates measure the servers.

/** The Bench/Unary request every call sends. */
const REQUEST = { message: "hello from the browser" };

/** The path, request headers and body of one call. */
export interface WebRequest {
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
  /** Checks a response body; throws when the call did not end with OK. */
  readonly check: (status: number, body: Buffer) => void;
}

/** The request of `protocol`, as connect-web would send it. */
export function webRequest(protocol: WebProtocol): WebRequest {
  const path = "/h2grpc.bench.Bench/Unary";
  const proto = Bench.methods.unary.requestSerializer.serialize(REQUEST);
  switch (protocol) {
    case "grpc-web":
      return {
        path,
        headers: { "content-type": "application/grpc-web+proto", "x-grpc-web": "1", "x-user-agent": "h2grpc-bench" },
        body: encodeFrame(proto),
        check: (status, body) => {
          // The trailers frame (flag 0x80) ends the body: "grpc-status: 0" (h2grpc) or "grpc-status:0".
          const trailers = body.toString("latin1", body.lastIndexOf(0x80) + 5);
          if (status !== 200 || !/grpc-status: ?0\r\n/.test(trailers)) throw new Error(`gRPC-Web call failed: HTTP ${status}, ${JSON.stringify(trailers)}`);
        },
      };
    case "connect-proto":
      return { path, headers: { "content-type": "application/proto", "connect-protocol-version": "1" }, body: proto, check: checkConnect };
    case "connect-json":
      return {
        path,
        headers: { "content-type": "application/json", "connect-protocol-version": "1" },
        body: Buffer.from(JSON.stringify(REQUEST)),
        check: checkConnect,
      };
  }
}

function checkConnect(status: number, body: Buffer): void {
  if (status !== 200) throw new Error(`Connect call failed: HTTP ${status}, ${body.toString("utf8", 0, 200)}`);
}
