// Observers (OpenTelemetry metrics, the trace log) count a streamed response as sent when it is
// written, not when the handler yields it: the responses of one turn wait in a batch, and a call
// that ends before the batch is written never sent them.
import { describe, expect, it } from "vitest";
import { GrpcError } from "../../src/grpc-error.js";
import { ServerCall, type CallConfig } from "../../src/server/server-call.js";
import { Status } from "../../src/status.js";
import { CallCounters } from "../../src/telemetry/call-counters.js";
import type { ServerCallStream } from "../../src/transport/server-call-stream.js";
import { Echo } from "../helpers/echo.js";

const method = Echo.methods.serverStream;
const config: CallConfig = { maxReceiveMessageBytes: 1024, maxSendMessageBytes: 1024, compression: undefined, onCallError: undefined, counters: new CallCounters() };

/** A call on a stream that records its writes, observed by a recorder of the sizes it is told were sent. */
function observedCall() {
  const sent: number[] = [];
  const written: { bytes: number; messages: number }[] = [];
  let abort: ((reason: GrpcError) => void) | undefined;
  let hasSentHeaders = false;
  const stream = {
    path: method.path,
    acceptEncoding: undefined,
    get hasSentHeaders() {
      return hasSentHeaders;
    },
    onAbort: (listener: (reason: GrpcError) => void) => (abort = listener),
    sendHeaders: () => (hasSentHeaders = true),
    sendFrame: (frames: Uint8Array, messages = 1) => (written.push({ bytes: frames.length, messages }), true),
    drained: () => Promise.resolve(),
    finish: () => undefined,
  } as unknown as ServerCallStream;
  const serializers = { request: method.requestSerializer, response: method.responseSerializer } as ConstructorParameters<typeof ServerCall>[2];
  const call = new ServerCall(stream, method, serializers, undefined, undefined, config, { onMessageSent: (bytes) => sent.push(bytes) });
  return { call, sent, written, abort: (reason: GrpcError) => abort?.(reason) };
}

/** Resolves after the end-of-turn flush (process.nextTick) ran. */
function turnEnd(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

const replySize = (index: number): number => method.responseSerializer.serialize({ index }).length;

describe("server observers count sent responses", () => {
  it("counts none of three responses batched in a turn when the client cancels before the turn ends", async () => {
    const { call, sent, written, abort } = observedCall();
    for (let i = 1; i <= 3; i++) call.send({ index: i });
    abort(new GrpcError(Status.CANCELLED, "the client cancelled"));
    await turnEnd();
    expect(written).toEqual([]);
    expect(sent).toEqual([]);
  });

  it("counts each response of a batch, with its size, once the batch is written", async () => {
    const { call, sent, written } = observedCall();
    for (let i = 1; i <= 3; i++) call.send({ index: i });
    expect(sent).toEqual([]);
    await turnEnd();
    expect(written.map((write) => write.messages)).toEqual([3]);
    expect(sent).toEqual([replySize(1), replySize(2), replySize(3)]);
  });

  it("counts the batched responses before the last one a finishing call sends with its status", () => {
    const { call, sent } = observedCall();
    call.send({ index: 1 });
    call.finishOk(call.encode({ index: 2 }) as Uint8Array);
    expect(sent).toEqual([replySize(1), replySize(2)]);
  });
});
