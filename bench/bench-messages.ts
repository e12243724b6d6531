import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadService } from "../src/codec/load-service.js";
import type { MethodDefinition, ServiceDefinition } from "../src/definition.js";

// The messages every implementation exchanges. The raw ceiling sends these exact bytes,
// pre-encoded once; the libraries serialize the same objects with protobufjs on every call.

/** A BenchRequest as a sender passes it. */
export interface BenchRequest {
  message?: string;
  count?: number;
  payload?: Uint8Array;
}
/** A BenchRequest as a receiver gets it (every field present). */
export interface BenchRequestOut {
  message: string;
  count: number;
  payload: Uint8Array;
}
/** A BenchReply as a sender passes it. */
export type BenchReply = BenchRequest;
/** A BenchReply as a receiver gets it. */
export type BenchReplyOut = BenchRequestOut;

/** The typed definition of h2grpc.bench.Bench. */
export type BenchDefinition = ServiceDefinition<{
  unary: MethodDefinition<BenchRequest, BenchReply, BenchRequestOut, BenchReplyOut, "unary">;
  serverStream: MethodDefinition<BenchRequest, BenchReply, BenchRequestOut, BenchReplyOut, "server_streaming">;
  clientStream: MethodDefinition<BenchRequest, BenchReply, BenchRequestOut, BenchReplyOut, "client_streaming">;
  bidi: MethodDefinition<BenchRequest, BenchReply, BenchRequestOut, BenchReplyOut, "bidi_streaming">;
}>;

/** The package root (the nearest directory with a package.json), so paths work from bench/ and dist/bench/. */
export function findPackageRoot(from: string = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  while (!existsSync(path.join(dir, "package.json"))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${from}`);
    dir = parent;
  }
  return dir;
}

/** The benchmark service, loaded through our own loadService (setup only, never on a hot path). */
export const Bench: BenchDefinition = loadService<BenchDefinition>(
  path.join(findPackageRoot(), "bench", "protos", "bench.proto"),
  "h2grpc.bench.Bench",
);

/** The :path of each method. */
export const PATHS = {
  unary: Bench.methods.unary.path,
  serverStream: Bench.methods.serverStream.path,
  clientStream: Bench.methods.clientStream.path,
  bidi: Bench.methods.bidi.path,
} as const;

/** The text of every small message (11 bytes, a typical tiny RPC). */
export const SMALL_TEXT = "hello world";
/** The payload size of the large unary scenario. */
export const LARGE_PAYLOAD_BYTES = 1024 * 1024;
/** Replies per server-streaming call; calls repeat back to back for the whole run. */
export const SERVER_STREAM_COUNT = 10_000;
/** Requests per client-streaming call; calls repeat back to back for the whole run. */
export const CLIENT_STREAM_COUNT = 10_000;

const largePayload = new Uint8Array(LARGE_PAYLOAD_BYTES).fill(0x61);

/** The request objects the library clients send. */
export const REQUESTS = {
  small: { message: SMALL_TEXT } satisfies BenchRequest,
  large: { message: SMALL_TEXT, payload: largePayload } satisfies BenchRequest,
  serverStream: { message: SMALL_TEXT, count: SERVER_STREAM_COUNT } satisfies BenchRequest,
} as const;

/** The reply object the library servers stream. */
export const SMALL_REPLY: BenchReply = { message: SMALL_TEXT };

/** [flag][length][payload]: written here, not imported, so the ceiling uses no h2grpc code on its path. */
export function frameBytes(payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(5 + payload.length);
  out[0] = 0;
  out.writeUInt32BE(payload.length, 1);
  out.set(payload, 5);
  return out;
}

/** `count` copies of one frame in one buffer: what one coalesced write of a batch looks like. */
export function repeatFrame(frame: Uint8Array, count: number): Buffer {
  const out = Buffer.allocUnsafe(frame.length * count);
  for (let i = 0; i < count; i++) out.set(frame, i * frame.length);
  return out;
}

const requestSerializer = Bench.methods.unary.requestSerializer;
const replySerializer = Bench.methods.unary.responseSerializer;

/** The pre-framed bytes the raw client and raw server send. */
export const FRAMES = {
  smallRequest: frameBytes(requestSerializer.serialize(REQUESTS.small)),
  largeRequest: frameBytes(requestSerializer.serialize(REQUESTS.large)),
  serverStreamRequest: frameBytes(requestSerializer.serialize(REQUESTS.serverStream)),
  smallReply: frameBytes(replySerializer.serialize(SMALL_REPLY)),
} as const;

/** One unary request in both forms: the object the library clients send, the framed bytes the raw client sends. */
export interface UnaryRequest {
  readonly object: BenchRequest;
  readonly frame: Buffer;
}

/** The unary requests of the throughput scenarios. */
export const UNARY_REQUESTS = {
  small: { object: REQUESTS.small, frame: FRAMES.smallRequest },
  large: { object: REQUESTS.large, frame: FRAMES.largeRequest },
} as const satisfies Record<string, UnaryRequest>;

const sizedRequests = new Map<number, UnaryRequest>();

/**
 * A request whose encoded message is exactly `messageBytes` long (at least 2): only its payload
 * field, of messageBytes − 1 (tag) − its length's varint bytes. A "4 MiB" message fits the 4 MiB
 * receive limit of every library's defaults.
 */
export function sizedRequest(messageBytes: number): UnaryRequest {
  let request = sizedRequests.get(messageBytes);
  if (request === undefined) {
    let payloadBytes = messageBytes - 2;
    while (1 + varintBytes(payloadBytes) + payloadBytes > messageBytes) payloadBytes--;
    const object = { payload: new Uint8Array(payloadBytes).fill(0x61) };
    const frame = frameBytes(requestSerializer.serialize(object));
    if (frame.length !== messageBytes + 5) throw new Error(`no request of exactly ${messageBytes} bytes`);
    request = { object, frame };
    sizedRequests.set(messageBytes, request);
  }
  return request;
}

function varintBytes(value: number): number {
  let bytes = 1;
  for (let rest = value; rest >= 0x80; rest = Math.floor(rest / 0x80)) bytes++;
  return bytes;
}

/** Encodes a BenchReply {count} (once per client-streaming call, in the raw server). */
export function encodeCountReply(count: number): Buffer {
  return frameBytes(replySerializer.serialize({ count }));
}

/** Decodes a request's count (once per server-streaming call, in the raw server). */
export function decodeRequestCount(frame: Uint8Array): number {
  return requestSerializer.deserialize(frame.subarray(5)).count;
}
