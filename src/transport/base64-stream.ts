import { GrpcError } from "../grpc-error.js";
import { Status } from "../status.js";

// application/grpc-web-text (PROTOCOL-WEB.md): the body is base64, in chunks of any size, and
// "padding may appear in the middle" where a sender encoded each of its writes on its own.
// Node's base64 decoder stops at the first "=" and skips characters it does not know, so a body
// is decoded here quantum by quantum (4 characters), checked, with the incomplete tail carried
// to the next chunk.

// Whole quanta, the last of which may be padded.
const SEGMENT_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Decodes a base64 text stream chunk by chunk; padding may end any quantum. */
export class Base64StreamDecoder {
  #pending = "";

  /** Returns the bytes of the complete quanta seen so far; throws INTERNAL for text that is not base64. */
  push(chunk: Uint8Array): Buffer {
    const text = this.#pending + Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString("latin1");
    const whole = text.length - (text.length % 4);
    this.#pending = text.slice(whole);
    if (whole === 0) return EMPTY;
    const quanta = text.slice(0, whole);
    let padding = quanta.indexOf("=");
    if (padding === -1 || padding >= whole - 2) return decodeSegment(quanta);
    // Padding inside: decode up to the end of each padded quantum separately.
    const parts: Buffer[] = [];
    let start = 0;
    while (padding !== -1) {
      const end = padding + 4 - (padding % 4);
      parts.push(decodeSegment(quanta.slice(start, end)));
      start = end;
      padding = quanta.indexOf("=", start);
    }
    if (start < whole) parts.push(decodeSegment(quanta.slice(start)));
    return Buffer.concat(parts);
  }

  /** Call at the end of the body; throws INTERNAL if it ended inside a quantum. */
  finish(): void {
    if (this.#pending !== "") {
      throw new GrpcError(Status.INTERNAL, `grpc-web-text body ended inside a base64 quantum (${this.#pending.length} of 4 characters)`);
    }
  }
}

const EMPTY = Buffer.alloc(0);

function decodeSegment(text: string): Buffer {
  if (!SEGMENT_PATTERN.test(text)) throw new GrpcError(Status.INTERNAL, "grpc-web-text body is not valid base64");
  return Buffer.from(text, "base64");
}

/** Encodes one write of a grpc-web-text response on its own, padded: clients decode padding mid-stream. */
export function encodeBase64Chunk(bytes: Uint8Array): Buffer {
  return Buffer.from(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64"), "latin1");
}
