import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  ACCEPT_ENCODING_HEADER,
  compressionFor,
  deflate,
  gzip,
  negotiateCompression,
  parseAcceptEncoding,
} from "../../src/codec/compression.js";
import { Status } from "../../src/status.js";
import { catchGrpcError, rejectionOf } from "../helpers/catch-grpc-error.js";

const GIB = 1024 * 1024 * 1024;
const MIB = 1024 * 1024;

/** A gzip input of about 1 MiB that inflates to 1 GiB: 64 concatenated gzip members of 16 MiB of zeros each. */
function gzipBomb(): Buffer {
  const member = zlib.gzipSync(Buffer.alloc(16 * MIB), { level: 9 });
  return Buffer.concat(Array.from({ length: GIB / (16 * MIB) }, () => member));
}

/** A zlib-format (gRPC "deflate") stream of `bytes` zeros, compressed without ever holding them. */
async function deflateBomb(bytes: number): Promise<Buffer> {
  const zeros = Buffer.alloc(MIB);
  const parts: Buffer[] = [];
  await pipeline(
    async function* () {
      for (let i = 0; i < bytes / MIB; i++) yield zeros;
    },
    zlib.createDeflate({ level: 9 }),
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        parts.push(chunk);
        done();
      },
    }),
  );
  return Buffer.concat(parts);
}

describe("compression bombs", () => {
  it("stops a gzip message that inflates to 1 GiB at the receive limit with RESOURCE_EXHAUSTED, never holding 1 GiB", async () => {
    const bomb = gzipBomb();
    expect(bomb.length).toBeLessThan(2 * MIB);
    const peakRssBefore = process.resourceUsage().maxRSS * 1024;
    const error = await rejectionOf(() => gzip.decompress(bomb, 4 * MIB));
    const peakRssGrowth = process.resourceUsage().maxRSS * 1024 - peakRssBefore;
    expect(error.code).toBe(Status.RESOURCE_EXHAUSTED);
    expect(error.details).toBe("gzip-decompressed message is larger than the limit of 4194304 bytes");
    // The peak resident set of the whole process: inflating the bomb would have raised it by 1 GiB.
    expect(peakRssGrowth).toBeLessThan(256 * MIB);
  });

  it("stops a small deflate bomb on the synchronous path with RESOURCE_EXHAUSTED", async () => {
    const bomb = await deflateBomb(16 * MIB);
    expect(bomb.length).toBeLessThanOrEqual(16 * 1024); // small enough for the inline path
    const error = await rejectionOf(() => deflate.decompress(bomb, MIB));
    expect(error.code).toBe(Status.RESOURCE_EXHAUSTED);
    expect(error.details).toBe("deflate-decompressed message is larger than the limit of 1048576 bytes");
  });

  it("stops a large deflate bomb on the thread-pool path with RESOURCE_EXHAUSTED", async () => {
    const bomb = await deflateBomb(64 * MIB);
    expect(bomb.length).toBeGreaterThan(16 * 1024);
    const error = await rejectionOf(() => deflate.decompress(bomb, 4 * MIB));
    expect(error.code).toBe(Status.RESOURCE_EXHAUSTED);
  });
});

describe("gzip and deflate", () => {
  it.each([
    ["gzip", gzip],
    ["deflate", deflate],
  ] as const)("%s round-trips small and large messages", async (_name, compression) => {
    for (const size of [0, 1, 1000, 200_000]) {
      const message = Buffer.from(Array.from({ length: size }, (_, i) => (i * 7) % 251));
      const compressed = await compression.compress(message);
      expect(Buffer.from(await compression.decompress(compressed, size))).toEqual(message);
    }
  });

  it("writes gzip as RFC 1952 and deflate as the zlib format (RFC 1950), as C-core and grpc-js do", async () => {
    const text = Buffer.from("hello hello hello");
    expect(zlib.gunzipSync(await gzip.compress(text))).toEqual(text);
    expect(zlib.inflateSync(await deflate.compress(text))).toEqual(text);
  });

  it("accepts a message of exactly the limit", async () => {
    const compressed = await gzip.compress(new Uint8Array(1000));
    expect((await gzip.decompress(compressed, 1000)).length).toBe(1000);
    expect((await rejectionOf(() => gzip.decompress(compressed, 999))).code).toBe(Status.RESOURCE_EXHAUSTED);
  });

  it("treats a limit of 0 as allowing only empty messages", async () => {
    expect((await gzip.decompress(await gzip.compress(new Uint8Array(0)), 0)).length).toBe(0);
    expect((await rejectionOf(async () => gzip.decompress(await gzip.compress(new Uint8Array(1)), 0))).code).toBe(
      Status.RESOURCE_EXHAUSTED,
    );
  });

  it("accepts a limit larger than any Buffer", async () => {
    const compressed = await deflate.compress(new Uint8Array(10));
    expect((await deflate.decompress(compressed, Number.POSITIVE_INFINITY)).length).toBe(10);
  });

  it.each([
    ["gzip", gzip, "could not decompress gzip message: incorrect header check"],
    ["deflate", deflate, "could not decompress deflate message: incorrect header check"],
  ] as const)("rejects corrupt %s input with INTERNAL", async (_name, compression, details) => {
    const error = await rejectionOf(() => compression.decompress(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), MIB));
    expect(error.code).toBe(Status.INTERNAL);
    expect(error.details).toBe(details);
  });

  it("rejects a truncated gzip message with INTERNAL", async () => {
    const compressed = await gzip.compress(new Uint8Array(5000).fill(3));
    const error = await rejectionOf(() => gzip.decompress(compressed.subarray(0, compressed.length - 6), MIB));
    expect(error.code).toBe(Status.INTERNAL);
    expect(error.details).toMatch(/^could not decompress gzip message: /);
  });
});

describe("grpc-encoding and grpc-accept-encoding", () => {
  it("finds gzip and deflate, and treats identity, empty and absent as no compression", () => {
    expect(compressionFor("gzip")).toBe(gzip);
    expect(compressionFor("deflate")).toBe(deflate);
    expect(compressionFor("identity")).toBeUndefined();
    expect(compressionFor("")).toBeUndefined();
    expect(compressionFor(undefined)).toBeUndefined();
  });

  it("rejects an unknown grpc-encoding with UNIMPLEMENTED, naming the supported ones", () => {
    const error = catchGrpcError(() => compressionFor("snappy"));
    expect(error.code).toBe(Status.UNIMPLEMENTED);
    expect(error.details).toBe('compression "snappy" is not supported; supported: identity,gzip,deflate');
  });

  it("advertises everything it can decode", () => {
    expect(ACCEPT_ENCODING_HEADER).toBe("identity,gzip,deflate");
  });

  it.each([
    ["identity, deflate, gzip", ["identity", "deflate", "gzip"]], // C-core
    ["identity,deflate,gzip", ["identity", "deflate", "gzip"]], // grpc-go
    [" gzip ,, deflate ,", ["gzip", "deflate"]],
    ["", []],
  ])("parses grpc-accept-encoding %j, trimming spaces", (header, expected) => {
    expect(parseAcceptEncoding(header)).toEqual(expected);
  });

  it("parses an absent header as nothing and repeated headers as one list", () => {
    expect(parseAcceptEncoding(undefined)).toEqual([]);
    expect(parseAcceptEncoding(["identity, gzip", "deflate"])).toEqual(["identity", "gzip", "deflate"]);
  });

  it("negotiates the wanted compression only if the peer accepts it", () => {
    expect(negotiateCompression("gzip", parseAcceptEncoding("identity, deflate, gzip"))).toBe(gzip);
    expect(negotiateCompression("gzip", ["identity", "deflate"])).toBeUndefined();
    expect(negotiateCompression("deflate", [])).toBeUndefined(); // no header: identity only
    expect(negotiateCompression("identity", ["gzip"])).toBeUndefined();
    expect(negotiateCompression(undefined, ["gzip"])).toBeUndefined();
    expect(negotiateCompression("snappy", ["snappy"])).toBeUndefined();
  });
});
