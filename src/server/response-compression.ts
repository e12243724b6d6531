import { GrpcError } from "../grpc-error.js";
import { Status } from "../status.js";
import {
  ACCEPT_ENCODING_HEADER,
  COMPRESSIONS,
  IDENTITY,
  negotiateCompression,
  parseAcceptEncoding,
  type Compression,
} from "../codec/compression.js";

/**
 * How one call compresses its responses (doc/compression.md): the encoding is negotiated once,
 * when the headers go out (the call's choice, else the server's, if the client's
 * grpc-accept-encoding lists it), and each message may still go uncompressed (flag 0), so a
 * handler can toggle compression between yields with ctx.setCompression.
 */
export class ResponseCompression {
  readonly #serverDefault: string | undefined;
  readonly #acceptEncoding: string | string[] | undefined;
  #wanted: string | undefined;
  #negotiated: Compression | undefined;
  #isNegotiated = false;

  constructor(serverDefault: string | undefined, acceptEncoding: string | string[] | undefined) {
    this.#serverDefault = serverDefault;
    this.#acceptEncoding = acceptEncoding;
  }

  /** Asks for `encoding` from the next message on; throws INVALID_ARGUMENT for one h2grpc does not support. */
  set(encoding: string): void {
    if (encoding !== IDENTITY && !COMPRESSIONS.has(encoding)) {
      throw new GrpcError(Status.INVALID_ARGUMENT, `compression "${encoding}" is not supported; supported: ${ACCEPT_ENCODING_HEADER}`);
    }
    this.#wanted = encoding;
  }

  /** The encoding to name in grpc-encoding; fixed by the first call. */
  forHeaders(): Compression | undefined {
    if (this.#isNegotiated) return this.#negotiated;
    this.#isNegotiated = true;
    const wanted = this.#wanted ?? this.#serverDefault;
    if (wanted !== undefined && wanted !== IDENTITY) {
      this.#negotiated = negotiateCompression(wanted, parseAcceptEncoding(this.#acceptEncoding));
    }
    return this.#negotiated;
  }

  /** The compression of the next message: the negotiated one, unless the call now asks for another. */
  forMessage(): Compression | undefined {
    const negotiated = this.forHeaders();
    if (this.#wanted !== undefined && this.#wanted !== negotiated?.name) return undefined;
    return negotiated;
  }
}
