import { systemTimers, type Timers } from "../../deadline.js";
import { encodeFrame, type Frame } from "../../framing/frame.js";
import { GrpcError } from "../../grpc-error.js";
import { Status } from "../../status.js";
import type { CallStreamEnd, CallStreamListener, ClientCallStream, OutgoingCallHead } from "../../transport/client-call-stream.js";
import { ConnectionBackoff, backoffSettings } from "../channel/backoff.js";
import type { ConnectivityState } from "../client-options.js";

/** Opens one call on the subchannel's connection (ClientConnection.openStream); may throw when the connection cannot take a stream. */
export type HealthStreamOpener = (head: OutgoingCallHead, listener: CallStreamListener) => ClientCallStream;

const WATCH_PATH = "/grpc.health.v1.Health/Watch";
// grpc.health.v1.HealthCheckResponse.ServingStatus
const SERVING_STATUS = ["UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN"];
const SERVING = 1;
// A HealthCheckResponse is a few bytes; anything near this is not one.
const MAX_RESPONSE_BYTES = 4096;

/**
 * gRFC A17: watches `serviceName` on one connection with grpc.health.v1.Health/Watch and reports
 * what it means for the subchannel: CONNECTING until the first answer, READY while SERVING,
 * TRANSIENT_FAILURE otherwise. A server without the health service (UNIMPLEMENTED) counts as
 * healthy; any other end of the stream is TRANSIENT_FAILURE and the watch starts again after a
 * backoff (at once if the stream had answered). Returns a function that cancels it.
 */
export function watchHealth(
  open: HealthStreamOpener,
  authority: string,
  serviceName: string,
  report: (state: ConnectivityState, error?: GrpcError) => void,
  timers: Timers = systemTimers,
): () => void {
  const backoff = new ConnectionBackoff(backoffSettings());
  let stream: ClientCallStream | undefined;
  let timer: unknown;
  let isStopped = false;
  const unhealthy = (why: string): GrpcError => new GrpcError(Status.UNAVAILABLE, `health check of "${serviceName}" on ${authority}: ${why}`);

  /** The stream ended (or was given up): TRANSIENT_FAILURE, and a new Watch after the backoff. */
  const restart = (error: GrpcError, hasAnswered: boolean): void => {
    stream = undefined;
    report("TRANSIENT_FAILURE", error);
    timer = timers.setTimeout(
      () => {
        timer = undefined;
        if (isStopped) return;
        report("CONNECTING");
        start();
      },
      hasAnswered ? 0 : backoff.nextDelayMs(),
    );
  };

  const start = (): void => {
    let hasAnswered = false;
    const listener: CallStreamListener = {
      onHeaders() {},
      onFrame(frame: Frame) {
        if (isStopped) return;
        hasAnswered = true;
        backoff.reset();
        const status = frame.compressed ? undefined : servingStatusOf(frame.payload);
        if (status === undefined) {
          stream?.cancel();
          return restart(unhealthy("the response is not a HealthCheckResponse"), true);
        }
        if (status === SERVING) report("READY");
        else report("TRANSIENT_FAILURE", unhealthy(SERVING_STATUS[status] ?? `status ${status}`));
      },
      onEnd(end: CallStreamEnd) {
        if (isStopped) return;
        if (end.error?.code === Status.UNIMPLEMENTED) {
          stream = undefined;
          return report("READY"); // A17: no health service means healthy, and no retry
        }
        restart(unhealthy(end.error === undefined ? "the Watch stream ended" : `the Watch stream failed: ${end.error.message}`), hasAnswered);
      },
    };
    try {
      stream = open(
        { path: WATCH_PATH, authority, timeoutMs: undefined, encoding: undefined, acceptEncoding: "identity", metadata: undefined, maxReceiveMessageBytes: MAX_RESPONSE_BYTES },
        listener,
      );
    } catch (error) {
      // The connection could not take a stream (a GOAWAY raced it): its subchannel hears of that too.
      return restart(unhealthy(`could not start the Watch stream: ${(error as Error).message}`), false);
    }
    stream.sendFrame(encodeFrame(encodeHealthCheckRequest(serviceName)), true);
  };

  start();
  return () => {
    isStopped = true;
    if (timer !== undefined) timers.clearTimeout(timer);
    stream?.cancel();
    stream = undefined;
  };
}

/** grpc.health.v1.HealthCheckRequest { string service = 1; } in protobuf's wire format. */
export function encodeHealthCheckRequest(serviceName: string): Uint8Array {
  const name = Buffer.from(serviceName, "utf8");
  if (name.length === 0) return new Uint8Array(0); // proto3 leaves an empty string out
  return Buffer.concat([Buffer.from([0x0a]), encodeVarint(name.length), name]);
}

/** The `status` (field 1) of a HealthCheckResponse, 0 when absent; undefined when the bytes are not protobuf. */
export function servingStatusOf(bytes: Uint8Array): number | undefined {
  let offset = 0;
  let status = 0;
  const readVarint = (): number | undefined => {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const byte = bytes[offset++];
      if (byte === undefined) return undefined;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
    return undefined;
  };
  while (offset < bytes.length) {
    const key = readVarint();
    if (key === undefined) return undefined;
    const wireType = key % 8;
    if (wireType === 0) {
      const value = readVarint();
      if (value === undefined) return undefined;
      if (Math.floor(key / 8) === 1) status = value;
    } else if (wireType === 2) {
      const length = readVarint();
      if (length === undefined) return undefined;
      offset += length;
    } else if (wireType === 1 || wireType === 5) {
      offset += wireType === 1 ? 8 : 4;
    } else {
      return undefined;
    }
  }
  return offset === bytes.length ? status : undefined;
}

function encodeVarint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}
