import { GrpcError } from "../grpc-error.js";
import type { Metadata, OutgoingHeaderValues } from "../metadata.js";
import { Status } from "../status.js";
import { encodeConnectError, encodeEndStream, httpStatusOfCode, mergedMetadata, writeUnaryTrailers } from "./connect-errors.js";
import { encodeFlaggedFrame, HttpCallStream, unframe, type CallHead } from "./http-call-stream.js";
import type { HttpExchange } from "./http-exchange.js";
import type { FrameReceiver } from "./server-call-stream.js";

// The Connect protocol (connectrpc.com/docs/protocol) over an HTTP/1.1 or HTTP/2 exchange. A unary
// call is a plain HTTP request and response: the message is the whole body, the status is the
// HTTP status (an error's body is Connect error JSON) and trailers are headers named "trailer-*",
// so nothing can go out before the call ends. A streaming call frames messages as gRPC does and
// ends with an end-stream message (flag 0x02) carrying the error and trailers as JSON.

/** Connect's end-stream flag (connectrpc.com/docs/protocol#streaming-response). */
export const END_STREAM_FLAG = 0x02;

/** One Connect unary call: POST with the message as the body, or GET with it in the query. */
export class ConnectUnaryCallStream extends HttpCallStream {
  readonly #queryMessage: Uint8Array | undefined;
  #headers: Metadata | undefined;
  #responseEncoding: string | undefined;
  #response: Uint8Array | undefined;
  #isHeaderCallDone = false;

  /** `queryMessage` is the message of a GET request, already out of its query parameter. */
  constructor(exchange: HttpExchange, head: CallHead, queryMessage?: Uint8Array) {
    super(exchange, head);
    this.#queryMessage = queryMessage;
  }

  override get hasSentHeaders(): boolean {
    return this.#isHeaderCallDone;
  }

  override receive(receiver: FrameReceiver): void {
    const compressed = this.requestEncoding !== undefined;
    if (this.#queryMessage !== undefined) {
      const payload = this.#queryMessage;
      process.nextTick(() => {
        if (this.isFinished) return;
        receiver.onFrame({ compressed, payload });
        receiver.onEnd();
      });
      return;
    }
    const limit = this.head.maxReceiveMessageBytes;
    const chunks: Buffer[] = [];
    let bytes = 0;
    this.readBody(
      (chunk) => {
        bytes += chunk.length;
        if (bytes > limit) throw new GrpcError(Status.RESOURCE_EXHAUSTED, `request body is larger than the limit of ${limit} bytes`);
        chunks.push(chunk);
      },
      () => {
        receiver.onFrame({ compressed, payload: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, bytes) });
        receiver.onEnd();
      },
      receiver,
    );
  }

  override sendHeaders(metadata: Metadata | undefined, encoding: string | undefined): void {
    // Held until finish: a unary response's HTTP status depends on how the call ends.
    this.#isHeaderCallDone = true;
    this.#headers = metadata;
    this.#responseEncoding = encoding;
  }

  override sendFrame(frame: Uint8Array): boolean {
    if (!this.isFinished) this.#response = frame;
    return true;
  }

  override drained(): Promise<void> {
    return Promise.resolve();
  }

  finish(error: GrpcError | undefined, trailers: Metadata | undefined, unsentHeaders: Metadata | undefined, lastFrame?: Uint8Array): unknown {
    if (!this.beginFinish()) return undefined;
    const frame = lastFrame ?? this.#response;
    if (error === undefined && frame === undefined) error = new GrpcError(Status.INTERNAL, "the unary call ended with no response message");
    let headers: OutgoingHeaderValues;
    let status = 200;
    let body: Uint8Array;
    if (error !== undefined) {
      status = httpStatusOfCode(error.code);
      headers = { "content-type": "application/json" };
      mergedMetadata(this.#sentHeaders(unsentHeaders), error.metadata).writeHeaders(headers);
      body = encodeConnectError(error);
    } else {
      const { compressed, payload } = unframe(frame as Uint8Array);
      headers = this.responseHeaders(this.#sentHeaders(unsentHeaders), compressed ? this.#responseEncoding : undefined);
      body = payload;
    }
    if (trailers !== undefined) writeUnaryTrailers(trailers, headers);
    headers["content-length"] = body.length;
    return this.sendLast(() => {
      this.exchange.respond(status, headers);
      this.exchange.end(body);
    });
  }

  protected responseHeaders(metadata: Metadata | undefined, encoding: string | undefined): OutgoingHeaderValues {
    const headers: OutgoingHeaderValues = { "content-type": this.codec === "json" ? "application/json" : "application/proto" };
    if (encoding !== undefined && encoding !== "identity") headers["content-encoding"] = encoding;
    metadata?.writeHeaders(headers);
    return headers;
  }

  // The headers sendHeaders was given, or, when it was never called, the pipeline's unsent ones.
  #sentHeaders(unsentHeaders: Metadata | undefined): Metadata | undefined {
    return this.#isHeaderCallDone ? this.#headers : unsentHeaders;
  }
}

/** One Connect streaming call (client, server or bidi streaming): enveloped messages, then the end-stream message. */
// A gRPC frame is a Connect envelope as it is (flag 0 or 1, compressed; then the 4-byte length),
// so sendFrame writes the pipeline's frames unchanged.
export class ConnectStreamingCallStream extends HttpCallStream {
  finish(error: GrpcError | undefined, trailers: Metadata | undefined, unsentHeaders: Metadata | undefined, lastFrame?: Uint8Array): unknown {
    if (!this.beginFinish()) return undefined;
    const envelope = encodeFlaggedFrame(END_STREAM_FLAG, encodeEndStream(error, trailers));
    return this.sendLast(() => {
      // Connect streams answer 200 whatever the status: errors travel in the end-stream message.
      if (!this.exchange.isResponseStarted) this.exchange.respond(200, this.responseHeaders(unsentHeaders, undefined));
      this.exchange.end(lastFrame === undefined ? envelope : Buffer.concat([lastFrame, envelope]));
    });
  }

  protected responseHeaders(metadata: Metadata | undefined, encoding: string | undefined): OutgoingHeaderValues {
    const headers: OutgoingHeaderValues = { "content-type": `application/connect+${this.codec}` };
    if (encoding !== undefined && encoding !== "identity") headers["connect-content-encoding"] = encoding;
    metadata?.writeHeaders(headers);
    return headers;
  }
}
