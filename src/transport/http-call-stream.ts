import type { PeerCertificate } from "node:tls";
import { FRAME_HEADER_BYTES, writeFrameHeader, type Frame } from "../framing/frame.js";
import { FrameDecoder } from "../framing/frame-decoder.js";
import { GrpcError } from "../grpc-error.js";
import { isReservedHeader, Metadata, type OutgoingHeaderValues } from "../metadata.js";
import { Status } from "../status.js";
import type { HttpExchange } from "./http-exchange.js";
import type { FrameReceiver, MessageCodecName, ServerCallStream, WireProtocol } from "./server-call-stream.js";

/** What the dispatcher read from a browser protocol's request head: the seam's fields, and the protocol's own. */
export interface CallHead extends Pick<ServerCallStream, "protocol" | "path" | "codec" | "timeoutMs" | "requestEncoding" | "acceptEncoding"> {
  /** Request headers of the protocol itself, never passed on as metadata. */
  readonly protocolHeaders: ReadonlySet<string>;
  /** The encodings the server decodes, as gRPC-Web's grpc-accept-encoding lists them ("identity,gzip,deflate"). */
  readonly serverEncodings: string;
  /** Largest request message (or Connect unary body) accepted, in bytes. */
  readonly maxReceiveMessageBytes: number;
}

/**
 * What gRPC-Web and Connect calls share over an HttpExchange: the request head in the seam's
 * terms, request frames, the abort listener, the rule that the first finish wins, and a response
 * streamed as headers then frames (each protocol names its headers, and how it ends).
 */
export abstract class HttpCallStream implements ServerCallStream {
  readonly protocol: WireProtocol;
  readonly path: string;
  readonly codec: MessageCodecName;
  readonly timeoutMs: number | undefined;
  readonly requestEncoding: string | undefined;
  readonly acceptEncoding: string | undefined;
  protected readonly exchange: HttpExchange;
  protected readonly head: CallHead;
  #isFinished = false;
  #metadata: Metadata | undefined;
  #abortListener: ((reason: GrpcError) => void) | undefined;
  #finishedListener: (() => void) | undefined;

  constructor(exchange: HttpExchange, head: CallHead) {
    this.exchange = exchange;
    this.head = head;
    this.protocol = head.protocol;
    this.path = head.path;
    this.codec = head.codec;
    this.timeoutMs = head.timeoutMs;
    this.requestEncoding = head.requestEncoding;
    this.acceptEncoding = head.acceptEncoding;
    exchange.onAbort((why) => {
      this.#onExchangeAborted(why === "cancelled" ? new GrpcError(Status.CANCELLED, "the client cancelled the call") : new GrpcError(Status.UNAVAILABLE, "the connection was lost"));
    });
  }

  get metadata(): Metadata {
    if (this.#metadata === undefined) {
      const raw = this.exchange.rawHeaders;
      const kept: string[] = [];
      for (let i = 0; i + 1 < raw.length; i += 2) {
        const name = raw[i] as string;
        if (!this.head.protocolHeaders.has(name) && !isReservedHeader(name)) kept.push(name, raw[i + 1] as string);
      }
      this.#metadata = Metadata.fromHeaders(kept);
    }
    return this.#metadata;
  }

  get peer(): string {
    return this.exchange.peer;
  }

  get peerCertificate(): PeerCertificate | undefined {
    return this.exchange.peerCertificate;
  }

  get hasSentHeaders(): boolean {
    return this.exchange.isResponseStarted;
  }

  receive(receiver: FrameReceiver): void {
    const decoder = new FrameDecoder(this.head.maxReceiveMessageBytes);
    this.readBody(
      (chunk) => {
        for (const frame of decoder.push(chunk)) receiver.onFrame(frame);
      },
      () => {
        decoder.finish();
        receiver.onEnd();
      },
      receiver,
    );
  }

  /**
   * Reads the request body through `onChunk` and `onEnd`; either may throw a GrpcError, which
   * answers the call with that status (the request is broken) and goes to `receiver.onError`.
   */
  protected readBody(onChunk: (chunk: Buffer) => void, onEnd: () => void, receiver: FrameReceiver): void {
    let isBroken = false;
    const fail = (error: unknown): void => {
      isBroken = true;
      const status = GrpcError.from(error, Status.INTERNAL);
      this.exchange.pause();
      this.finish(status, undefined, undefined);
      receiver.onError(status);
    };
    this.exchange.readBody(
      (chunk) => {
        if (isBroken || this.isFinished) return;
        try {
          onChunk(chunk);
        } catch (error) {
          fail(error);
        }
      },
      () => {
        if (isBroken || this.isFinished) return;
        try {
          onEnd();
        } catch (error) {
          fail(error);
        }
      },
    );
  }

  /** True once finish ran (or the exchange aborted): everything after it is dropped. */
  get isFinished(): boolean {
    return this.#isFinished;
  }

  /** Calls `listener` once when the call is finished or aborted (the listener's bookkeeping). */
  onFinished(listener: () => void): void {
    this.#finishedListener = listener;
  }

  /** Marks the call finished; false when it already was (the first finish wins). */
  protected beginFinish(): boolean {
    if (this.#isFinished) return false;
    this.#isFinished = true;
    const listener = this.#finishedListener;
    this.#finishedListener = undefined;
    listener?.();
    return true;
  }

  pauseReceiving(): void {
    this.exchange.pause();
  }

  resumeReceiving(): void {
    this.exchange.resume();
  }

  onAbort(listener: (reason: GrpcError) => void): void {
    this.#abortListener = listener;
  }

  // The client went away: nothing more can be sent; the pipeline hears of it once.
  #onExchangeAborted(reason: GrpcError): void {
    if (!this.beginFinish()) return;
    const listener = this.#abortListener;
    this.#abortListener = undefined;
    listener?.(reason);
  }

  /**
   * Ends the call from below (the server's grace period is over): answers it with `reason`
   * (UNAVAILABLE) in its protocol, then tells the pipeline it was aborted, as Http2ServerStream does.
   */
  abort(reason: GrpcError): void {
    if (this.isFinished) return;
    const listener = this.#abortListener;
    this.#abortListener = undefined;
    this.finish(reason, undefined, undefined);
    listener?.(reason);
  }

  /**
   * Sends the last of the response with `send`, then stops a client still sending (RFC 9113
   * §8.1). Returns the error when Node refused it (a header value): the exchange is then reset,
   * so the client still learns the call failed.
   */
  protected sendLast(send: () => void): unknown {
    try {
      send();
    } catch (sendError) {
      this.exchange.reset(true);
      return sendError;
    }
    if (!this.exchange.isRequestComplete) this.exchange.stopRequestAfterResponse();
    return undefined;
  }

  sendHeaders(metadata: Metadata | undefined, encoding: string | undefined): void {
    if (this.isFinished || this.exchange.isResponseStarted) return;
    this.exchange.respond(200, this.responseHeaders(metadata, encoding));
  }

  sendFrame(frame: Uint8Array): boolean {
    if (this.isFinished) return true;
    if (!this.exchange.isResponseStarted) this.sendHeaders(undefined, undefined);
    return this.exchange.write(this.encodeBody(frame));
  }

  drained(): Promise<void> {
    return this.exchange.drained();
  }

  /** The protocol's response headers: its content-type, the responses' `encoding` (unless identity), `metadata`. */
  protected abstract responseHeaders(metadata: Metadata | undefined, encoding: string | undefined): OutgoingHeaderValues;

  /** Body bytes as the protocol sends them (grpc-web-text: base64). */
  protected encodeBody(bytes: Uint8Array): Uint8Array {
    return bytes;
  }

  abstract finish(error: GrpcError | undefined, trailers: Metadata | undefined, unsentHeaders: Metadata | undefined, lastFrame?: Uint8Array): unknown;
}

/** A frame whose flag byte is `flag` (0x80: gRPC-Web trailers; 0x02: Connect end of stream). */
export function encodeFlaggedFrame(flag: number, payload: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  writeFrameHeader(frame, 0, payload.length, false);
  frame[0] = flag;
  payload.copy(frame, FRAME_HEADER_BYTES);
  return frame;
}

/** The payload of a frame as the pipeline hands it to sendFrame: its 5-byte header read back. */
export function unframe(frame: Uint8Array): Frame {
  return { compressed: frame[0] === 1, payload: frame.subarray(5) };
}
