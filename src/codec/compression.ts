import { constants as bufferConstants } from "node:buffer";
import zlib from "node:zlib";
import { promisify } from "node:util";
import { GrpcError } from "../grpc-error.js";
import { Status } from "../status.js";

/** A message compression algorithm, named as in `grpc-encoding` (doc/compression.md). */
export interface Compression {
  readonly name: string;
  compress(bytes: Uint8Array): Promise<Uint8Array>;
  /** Inflates; throws RESOURCE_EXHAUSTED past `maxBytes` of output (never holding more), INTERNAL for corrupt input. */
  decompress(bytes: Uint8Array, maxBytes: number): Promise<Uint8Array>;
}

type ZlibSync = (buffer: zlib.InputType, options?: zlib.ZlibOptions) => Buffer;
type ZlibAsync = (buffer: zlib.InputType, options: zlib.ZlibOptions) => Promise<Buffer>;

// Small inputs are cheaper inline than on the libuv thread pool; a deflate stream expands at most
// ~1032x, so an input this small inflates to at most ~16 MiB, and maxOutputLength stops it sooner.
const SYNC_INPUT_LIMIT_BYTES = 16 * 1024;
const MAX_BUFFER_BYTES = bufferConstants.MAX_LENGTH;

function zlibCompression(
  name: string,
  compressSync: ZlibSync,
  compressAsync: ZlibAsync,
  decompressSync: ZlibSync,
  decompressAsync: ZlibAsync,
): Compression {
  return {
    name,
    async compress(bytes) {
      return bytes.length <= SYNC_INPUT_LIMIT_BYTES ? compressSync(bytes) : compressAsync(bytes, {});
    },
    async decompress(bytes, maxBytes) {
      // zlib stops and throws ERR_BUFFER_TOO_LARGE once the output would pass maxOutputLength.
      // maxOutputLength must lie in [1, buffer.constants.MAX_LENGTH] or zlib throws a RangeError of its own.
      const options = { maxOutputLength: Math.min(Math.max(1, maxBytes), MAX_BUFFER_BYTES) };
      let out: Buffer;
      try {
        out = bytes.length <= SYNC_INPUT_LIMIT_BYTES ? decompressSync(bytes, options) : await decompressAsync(bytes, options);
      } catch (error) {
        if ((error as { code?: unknown }).code === "ERR_BUFFER_TOO_LARGE") throw tooLarge(name, maxBytes);
        throw new GrpcError(Status.INTERNAL, `could not decompress ${name} message: ${(error as Error).message}`, undefined, {
          cause: error,
        });
      }
      if (out.length > maxBytes) throw tooLarge(name, maxBytes);
      return out;
    },
  };
}

function tooLarge(name: string, maxBytes: number): GrpcError {
  return new GrpcError(Status.RESOURCE_EXHAUSTED, `${name}-decompressed message is larger than the limit of ${maxBytes} bytes`);
}

/** gzip (RFC 1952). */
export const gzip: Compression = zlibCompression(
  "gzip",
  zlib.gzipSync,
  promisify(zlib.gzip) as ZlibAsync,
  zlib.gunzipSync,
  promisify(zlib.gunzip) as ZlibAsync,
);

/** "deflate" in gRPC is the zlib format (RFC 1950), as C-core and grpc-js send it. */
export const deflate: Compression = zlibCompression(
  "deflate",
  zlib.deflateSync,
  promisify(zlib.deflate) as ZlibAsync,
  zlib.inflateSync,
  promisify(zlib.inflate) as ZlibAsync,
);

/** The encodings h2grpc supports besides identity, by name. */
export const COMPRESSIONS: ReadonlyMap<string, Compression> = new Map([
  [gzip.name, gzip],
  [deflate.name, deflate],
]);

/** The name of no compression. */
export const IDENTITY = "identity";

/** The `grpc-accept-encoding` value h2grpc sends: everything it can decode. */
export const ACCEPT_ENCODING_HEADER = [IDENTITY, ...COMPRESSIONS.keys()].join(",");

/** Looks up a compression by `grpc-encoding` value; undefined for identity or absent; throws UNIMPLEMENTED for an unknown one. */
export function compressionFor(encoding: string | undefined): Compression | undefined {
  if (encoding === undefined || encoding === IDENTITY || encoding === "") return undefined;
  const compression = COMPRESSIONS.get(encoding);
  if (compression === undefined) {
    throw new GrpcError(Status.UNIMPLEMENTED, `compression "${encoding}" is not supported; supported: ${ACCEPT_ENCODING_HEADER}`);
  }
  return compression;
}

/** Parses `grpc-accept-encoding` ("identity, deflate, gzip" from C-core) into trimmed names. */
export function parseAcceptEncoding(header: string | readonly string[] | undefined): string[] {
  if (header === undefined) return [];
  const text = typeof header === "string" ? header : header.join(",");
  return text
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
}

/**
 * Picks the compression to send with: `wanted` if the peer accepts it and h2grpc supports it,
 * else undefined (identity). A peer that sent no grpc-accept-encoding is assumed to accept only identity.
 */
export function negotiateCompression(wanted: string | undefined, peerAccepts: readonly string[]): Compression | undefined {
  if (wanted === undefined || wanted === IDENTITY) return undefined;
  if (!peerAccepts.includes(wanted)) return undefined;
  return COMPRESSIONS.get(wanted);
}
