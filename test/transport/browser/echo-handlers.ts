// Test helper: the Echo service (test/protos/echo.proto) as seam handlers, with the behaviours
// the browser-protocol tests call for: errors with details, slow replies, metadata both ways.
import { fileURLToPath } from "node:url";
import { loadService } from "../../../src/codec/load-service.js";
import { GrpcError } from "../../../src/grpc-error.js";
import { Status } from "../../../src/status.js";
import type { SeamHandler } from "../../helpers/seam-pipeline.js";
import type { EchoDefinition } from "../../protos/gen/echo.js";

/** The Echo service definition. */
export const Echo = loadService<EchoDefinition>(fileURLToPath(new URL("../../protos/echo.proto", import.meta.url)), "h2grpc.test.Echo");

interface EchoRequest {
  readonly message: string;
  readonly count: number;
  readonly delayMs: number;
}

/** A google.rpc.ErrorInfo as an Any (reason = 1, domain = 2), for errors with details. */
export const ERROR_INFO = {
  typeUrl: "type.googleapis.com/google.rpc.ErrorInfo",
  value: new Uint8Array([0x0a, 0x04, ...Buffer.from("nope"), 0x12, 0x04, ...Buffer.from("test")]),
};

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
  });

/** unary: echoes message (metadata "x-echo" back as header and trailer); "fail" → NOT_FOUND with details; delayMs waits first. */
export const echoHandlers: Readonly<Record<string, SeamHandler>> = {
  async unary(request, context) {
    const { message, delayMs } = request as EchoRequest;
    const echo = context.metadata.get("x-echo");
    if (echo !== undefined) {
      context.header.set("x-echo", echo);
      context.trailer.set("x-echo-trailer", echo);
    }
    if (delayMs > 0) await sleep(delayMs, context.signal);
    if (message === "fail") throw new GrpcError(Status.NOT_FOUND, "no such thing: ümlaut", undefined, { statusDetails: [ERROR_INFO] });
    return { message: `${context.protocol}:${message}`, id: "9007199254740993" };
  },
  async *serverStream(request, context) {
    const { message, count, delayMs } = request as EchoRequest;
    for (let index = 0; index < count; index++) {
      if (delayMs > 0) await sleep(delayMs, context.signal);
      yield { message, index };
    }
    if (message === "fail") throw new GrpcError(Status.RESOURCE_EXHAUSTED, "stopped after the replies", undefined, { statusDetails: [ERROR_INFO] });
  },
  async clientStream(requests) {
    const seen: string[] = [];
    for await (const request of requests as AsyncIterable<EchoRequest>) seen.push(request.message);
    return { message: seen.join(",") };
  },
  async *bidi(requests) {
    let index = 0;
    for await (const request of requests as AsyncIterable<EchoRequest>) yield { message: request.message, index: index++ };
  },
};
