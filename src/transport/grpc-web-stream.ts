import type { GrpcError } from "../grpc-error.js";
import { FrameDecoder } from "../framing/frame-decoder.js";
import type { Metadata, OutgoingHeaderValues } from "../metadata.js";
import { Base64StreamDecoder, encodeBase64Chunk } from "./base64-stream.js";
import { encodeFlaggedFrame, HttpCallStream, type CallHead } from "./http-call-stream.js";
import type { HttpExchange } from "./http-exchange.js";
import type { FrameReceiver } from "./server-call-stream.js";
import { errorTrailers, okTrailers } from "./status-trailers.js";

// gRPC-Web (grpc doc/PROTOCOL-WEB.md): gRPC's length-prefixed messages in an ordinary HTTP/1.1
// or HTTP/2 body, with no HTTP trailers: the status and trailers travel as one last frame whose
// flag has the MSB set (0x80) and whose payload is HTTP/1 header lines. application/grpc-web-text
// base64-encodes both bodies.

/** PROTOCOL-WEB: "the MSB (0x80) of the frame flag byte indicates a trailers frame". */
export const TRAILER_FRAME_FLAG = 0x80;

/** One gRPC-Web call over an HTTP/1.1 or HTTP/2 exchange. */
export class GrpcWebCallStream extends HttpCallStream {
  readonly #contentType: string;
  readonly #isText: boolean;

  constructor(exchange: HttpExchange, head: CallHead) {
    super(exchange, head);
    this.#isText = head.protocol === "grpc-web-text";
    // PROTOCOL-WEB: the response content-type names the message format (+proto, +json) in full.
    this.#contentType = `application/${this.#isText ? "grpc-web-text" : "grpc-web"}+${head.codec}`;
  }

  override receive(receiver: FrameReceiver): void {
    if (!this.#isText) {
      super.receive(receiver);
      return;
    }
    const text = new Base64StreamDecoder();
    const frames = new FrameDecoder(this.head.maxReceiveMessageBytes);
    this.readBody(
      (chunk) => {
        for (const frame of frames.push(text.push(chunk))) receiver.onFrame(frame);
      },
      () => {
        text.finish();
        frames.finish();
        receiver.onEnd();
      },
      receiver,
    );
  }

  finish(error: GrpcError | undefined, trailers: Metadata | undefined, unsentHeaders: Metadata | undefined, lastFrame?: Uint8Array): unknown {
    if (!this.beginFinish()) return undefined;
    const status = error === undefined ? okTrailers(trailers) : errorTrailers(error, trailers);
    return this.sendLast(() => {
      if (!this.exchange.isResponseStarted && lastFrame === undefined) {
        // PROTOCOL-WEB keeps gRPC's Trailers-Only response: the status in the HTTP headers, no body.
        this.exchange.respond(200, { ...this.responseHeaders(unsentHeaders, undefined), ...status }, true);
      } else {
        if (!this.exchange.isResponseStarted) this.exchange.respond(200, this.responseHeaders(unsentHeaders, undefined));
        const trailerFrame = encodeTrailerFrame(status);
        const body = lastFrame === undefined ? trailerFrame : Buffer.concat([lastFrame, trailerFrame]);
        this.exchange.end(this.encodeBody(body));
      }
    });
  }

  protected override encodeBody(bytes: Uint8Array): Uint8Array {
    return this.#isText ? encodeBase64Chunk(bytes) : bytes;
  }

  protected responseHeaders(metadata: Metadata | undefined, encoding: string | undefined): OutgoingHeaderValues {
    const headers: OutgoingHeaderValues = { "content-type": this.#contentType, "grpc-accept-encoding": this.head.serverEncodings };
    if (encoding !== undefined && encoding !== "identity") headers["grpc-encoding"] = encoding;
    metadata?.writeHeaders(headers);
    return headers;
  }
}

/** The trailers frame: flag 0x80, then "name: value\r\n" lines with lower-case names (PROTOCOL-WEB). */
export function encodeTrailerFrame(trailers: Readonly<OutgoingHeaderValues>): Buffer {
  let text = "";
  for (const [name, value] of Object.entries(trailers)) {
    for (const one of Array.isArray(value) ? value : [value]) text += `${name.toLowerCase()}: ${one}\r\n`;
  }
  return encodeFlaggedFrame(TRAILER_FRAME_FLAG, Buffer.from(text, "latin1"));
}
