import protobuf from "protobufjs";
import { describe, expect, it } from "vitest";
import { encodeHealthCheckRequest, servingStatusOf, watchHealth } from "../../../src/client/balancer/health-watch.js";
import type { ConnectivityState } from "../../../src/client/client-options.js";
import { GrpcError } from "../../../src/grpc-error.js";
import { Metadata } from "../../../src/metadata.js";
import { Status } from "../../../src/status.js";
import type { CallStreamListener, ClientCallStream, OutgoingCallHead } from "../../../src/transport/client-call-stream.js";
import { ManualTimers } from "./fake-balancer-parts.js";

const root = protobuf.loadSync("protos/grpc/health/v1/health.proto");
const Request = root.lookupType("grpc.health.v1.HealthCheckRequest");
const Response = root.lookupType("grpc.health.v1.HealthCheckResponse");

/** A Watch stream the test answers. */
class FakeStream implements ClientCallStream {
  readonly frames: Uint8Array[] = [];
  isCancelled = false;
  constructor(
    readonly head: OutgoingCallHead,
    readonly listener: CallStreamListener,
  ) {}
  sendFrame(frame: Uint8Array, isLast: boolean): boolean {
    expect(isLast).toBe(true);
    this.frames.push(frame);
    return true;
  }
  closeSend(): void {}
  drained(): Promise<void> {
    return Promise.resolve();
  }
  pauseReceiving(): void {}
  resumeReceiving(): void {}
  cancel(): void {
    this.isCancelled = true;
  }
  answer(status: "SERVING" | "NOT_SERVING" | "SERVICE_UNKNOWN"): void {
    const payload = Response.encode(Response.fromObject({ status })).finish();
    this.listener.onFrame({ compressed: false, payload });
  }
  end(code?: Status): void {
    this.listener.onEnd({ error: code === undefined ? undefined : new GrpcError(code, "ended"), trailers: new Metadata(), isUnprocessed: false });
  }
}

function start(serviceName = "h2grpc.test.Echo") {
  const streams: FakeStream[] = [];
  const reports: [ConnectivityState, string | undefined][] = [];
  const timers = new ManualTimers();
  const stop = watchHealth(
    (head, listener) => {
      const stream = new FakeStream(head, listener);
      streams.push(stream);
      return stream;
    },
    "127.0.0.1:50051",
    serviceName,
    (state, error) => reports.push([state, error?.details]),
    timers,
  );
  return { streams, reports, timers, stop };
}

describe("client-side health checking (gRFC A17)", () => {
  it("watches the service, and is READY while SERVING, TRANSIENT_FAILURE otherwise", () => {
    const { streams, reports } = start();
    expect(streams).toHaveLength(1);
    expect(streams[0]!.head.path).toBe("/grpc.health.v1.Health/Watch");
    const frame = streams[0]!.frames[0]!;
    expect(Request.toObject(Request.decode(frame.subarray(5)))).toEqual({ service: "h2grpc.test.Echo" });
    streams[0]!.answer("SERVING");
    streams[0]!.answer("NOT_SERVING");
    streams[0]!.answer("SERVICE_UNKNOWN");
    streams[0]!.answer("SERVING");
    expect(reports).toEqual([
      ["READY", undefined],
      ["TRANSIENT_FAILURE", 'health check of "h2grpc.test.Echo" on 127.0.0.1:50051: NOT_SERVING'],
      ["TRANSIENT_FAILURE", 'health check of "h2grpc.test.Echo" on 127.0.0.1:50051: SERVICE_UNKNOWN'],
      ["READY", undefined],
    ]);
  });

  it("counts a server without the health service (UNIMPLEMENTED) as healthy and does not ask again", () => {
    const { streams, reports, timers } = start();
    streams[0]!.end(Status.UNIMPLEMENTED);
    timers.advance(600_000);
    expect(reports).toEqual([["READY", undefined]]);
    expect(streams).toHaveLength(1);
  });

  it("is TRANSIENT_FAILURE when the stream fails and watches again after a backoff, at once if it had answered", () => {
    const { streams, reports, timers } = start();
    streams[0]!.end(Status.UNAVAILABLE);
    expect(reports.at(-1)?.[0]).toBe("TRANSIENT_FAILURE");
    timers.advance(799); // connection-backoff.md: 1 s ± 20%
    expect(streams).toHaveLength(1);
    timers.advance(401);
    expect(streams).toHaveLength(2);
    expect(reports.at(-1)).toEqual(["CONNECTING", undefined]);
    streams[1]!.answer("SERVING");
    streams[1]!.end();
    timers.advance(0);
    expect(streams).toHaveLength(3);
  });

  it("stop() cancels the stream and any pending restart", () => {
    const { streams, timers, stop } = start();
    stop();
    expect(streams[0]!.isCancelled).toBe(true);
    const second = start();
    second.streams[0]!.end(Status.UNAVAILABLE);
    second.stop();
    timers.advance(600_000);
    second.timers.advance(600_000);
    expect(second.streams).toHaveLength(1);
  });

  it("encodes the request and decodes the response as protobuf does", () => {
    expect(Request.toObject(Request.decode(encodeHealthCheckRequest("")), { defaults: true })).toEqual({ service: "" });
    expect(Buffer.from(encodeHealthCheckRequest("é".repeat(100)))).toEqual(Buffer.from(Request.encode({ service: "é".repeat(100) }).finish()));
    expect(servingStatusOf(Response.encode(Response.fromObject({ status: "NOT_SERVING" })).finish())).toBe(2);
    expect(servingStatusOf(new Uint8Array())).toBe(0);
    expect(servingStatusOf(Uint8Array.of(0x08))).toBeUndefined();
    expect(servingStatusOf(Uint8Array.of(0x12, 0x05, 0x01))).toBeUndefined();
  });
});
