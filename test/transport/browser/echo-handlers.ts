// Test helper: the Echo service (test/protos/echo.proto) with the behaviours the browser-protocol
// tests call for (errors with details, slow replies, metadata both ways), and a server for it.
import { GrpcError } from "../../../src/grpc-error.js";
import type { ServerOptions } from "../../../src/server/server-options.js";
import type { ServiceImpl } from "../../../src/server/service-impl.js";
import { Status } from "../../../src/status.js";
import type { ServerCredentials } from "../../../src/transport/tls.js";
import { startServer } from "../../helpers/start-server.js";
import { Echo, type EchoDefinition } from "../../helpers/echo.js";

export { Echo };

/** A google.rpc.ErrorInfo {reason: "nope", domain: "test"} as an Any, for errors with details. */
export const ERROR_INFO = {
  typeUrl: "type.googleapis.com/google.rpc.ErrorInfo",
  value: new Uint8Array([0x0a, 0x04, ...Buffer.from("nope"), 0x12, 0x04, ...Buffer.from("test")]),
};

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
  });
}

/**
 * unary: echoes the message as "echo:<message>" (metadata "x-echo" comes back as a header and a
 * trailer), "fail" is NOT_FOUND with details, delayMs waits first; serverStream: `count` replies,
 * then "fail" is RESOURCE_EXHAUSTED; clientStream joins the messages; bidi answers each.
 */
export const echoImpl: ServiceImpl<EchoDefinition> = {
  async unary(request, context) {
    const echo = context.metadata.get("x-echo");
    if (echo !== undefined) {
      context.header.set("x-echo", echo);
      context.trailer.set("x-echo-trailer", echo);
    }
    if (request.delayMs > 0) await sleep(request.delayMs, context.signal);
    if (request.message === "fail") throw new GrpcError(Status.NOT_FOUND, "no such thing: ümlaut", undefined, { statusDetails: [ERROR_INFO] });
    return { message: `echo:${request.message}`, id: "9007199254740993" };
  },
  async *serverStream(request, context) {
    for (let index = 0; index < request.count; index++) {
      if (request.delayMs > 0) await sleep(request.delayMs, context.signal);
      if (context.signal.aborted) return;
      yield { message: request.message, index };
    }
    if (request.message === "fail") throw new GrpcError(Status.RESOURCE_EXHAUSTED, "stopped after the replies", undefined, { statusDetails: [ERROR_INFO] });
  },
  async clientStream(requests) {
    const seen: string[] = [];
    for await (const request of requests) seen.push(request.message);
    return { message: seen.join(",") };
  },
  async *bidi(requests) {
    let index = 0;
    for await (const request of requests) yield { message: request.message, index: index++ };
  },
};

/** Starts an h2grpc server with Echo (or `impl`) on 127.0.0.1:0, with its base URL; it closes after the test. */
export async function startBrowserEchoServer(options: ServerOptions = {}, impl: ServiceImpl<EchoDefinition> = echoImpl, credentials?: ServerCredentials) {
  const started = await startServer((server) => server.addService(Echo, impl), options, credentials === undefined ? {} : { credentials });
  return { ...started, baseUrl: `http://127.0.0.1:${started.port}` };
}
