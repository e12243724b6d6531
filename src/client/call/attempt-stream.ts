import { ACCEPT_ENCODING_HEADER } from "../../codec/compression.js";
import { GrpcError } from "../../grpc-error.js";
import type { Metadata } from "../../metadata.js";
import { Status } from "../../status.js";
import type { CallStreamListener, ClientCallStream, OutgoingCallHead } from "../../transport/client-call-stream.js";
import type { ClientConnection } from "../../transport/client-connection.js";
import { statusFromNodeError } from "../../transport/error-mapping.js";
import type { ChannelImpl } from "../channel/channel.js";
import type { AttemptOpener } from "../retry/retrying-call-stream.js";
import type { CallSetup } from "./call-setup.js";
import { copyError } from "./call-site.js";

// How one attempt of a call gets its stream (ARCHITECTURE.md §2): the first attempt, a transparent
// retry, and each attempt of a retried or hedged call (gRFC A6) all come through here.

/** The request head of one attempt of the call `setup` describes; undefined once its deadline has passed. */
export function attemptHead(
  setup: CallSetup,
  authority: string,
  metadata: Metadata | undefined,
  maxReceiveMessageBytes: number,
  previousAttempts: number,
): OutgoingCallHead | undefined {
  let timeoutMs: number | undefined; // what is left of the deadline now: grpc-timeout
  if (setup.deadline !== undefined) {
    timeoutMs = setup.deadline - Date.now();
    if (timeoutMs <= 0) return undefined;
  }
  const encoding = setup.compression?.name;
  return { path: setup.method.path, authority, timeoutMs, encoding, acceptEncoding: ACCEPT_ENCODING_HEADER, metadata, maxReceiveMessageBytes, previousAttempts };
}

/**
 * Opens one attempt's stream on `connection` with `head`. Returns the GrpcError to end the attempt
 * with when the connection could not take a stream (a GOAWAY raced the call, the session is
 * closing): nothing was sent then, and the channel discards the connection.
 */
export function openAttemptStream(channel: ChannelImpl, connection: ClientConnection, head: OutgoingCallHead, listener: CallStreamListener): ClientCallStream | GrpcError {
  try {
    return connection.openStream(head, listener);
  } catch (error) {
    channel.discardConnection(connection);
    return new GrpcError(statusFromNodeError(error), `could not start the call: ${(error as Error).message}`, undefined, { cause: error });
  }
}

/** Where a retried or hedged call's attempts go: the method's path (a balancer may pick by it), and how long it may wait. */
export interface AttemptTarget {
  readonly path: string;
  readonly waitForReady: boolean;
  readonly signal: AbortSignal | undefined;
}

/**
 * How a retried or hedged call opens each attempt: with `openOn`, on the connection the channel
 * picks then (synchronously when one is ready; UNAVAILABLE or the signal's reason when none
 * comes), and telling `onAttemptEnd` (the observers, when any) how the attempt ended.
 */
export function attemptOpener(
  channel: ChannelImpl,
  target: AttemptTarget,
  onAttemptEnd: ((error: GrpcError | undefined) => void) | undefined,
  openOn: (connection: ClientConnection, listener: CallStreamListener, previousAttempts: number) => ClientCallStream | GrpcError,
): AttemptOpener {
  return (previousAttempts, listener) => {
    const observed = onAttemptEnd === undefined ? listener : observedAttempt(listener, onAttemptEnd);
    const open = (connection: ClientConnection): ClientCallStream | GrpcError => openOn(connection, observed, previousAttempts);
    const connection = channel.readyConnection(target.path);
    if (connection !== undefined) return open(connection);
    return channel.waitForConnection(target.waitForReady, target.signal, target.path).then(open, (error: unknown) =>
      copyError(GrpcError.from(error, Status.UNAVAILABLE)),
    );
  };
}

function observedAttempt(listener: CallStreamListener, onAttemptEnd: (error: GrpcError | undefined) => void): CallStreamListener {
  return {
    onHeaders: (metadata, encoding) => listener.onHeaders(metadata, encoding),
    onFrame: (frame) => listener.onFrame(frame),
    onEnd: (end) => {
      onAttemptEnd(end.error);
      listener.onEnd(end);
    },
  };
}
