// Decompression bombs: a small gzip frame that inflates far past maxReceiveMessageBytes ends the
// call with RESOURCE_EXHAUSTED without inflating it all, on the server (unary and bidi) and on
// the client.
import zlib from "node:zlib";
import http2 from "node:http2";
import { afterEach, describe, expect, it } from "vitest";
import { closeClient, createClient } from "../../src/client/client.js";
import { GrpcError } from "../../src/grpc-error.js";
import { Status } from "../../src/status.js";
import { Echo } from "../helpers/echo.js";
import { connectRaw, grpcHeaders, rawFrame, sendRaw, statusOf } from "../helpers/raw-h2.js";
import { startRawServer } from "../client/raw-server.js";
import { BIDI, UNARY, expectServing, failOnProcessErrors, startTargetServer } from "./target-server.js";

failOnProcessErrors();

// 64 MiB of zeros deflate to about 64 KiB: a 1000:1 bomb, 16 times the 4 MiB default limit.
const BOMB = rawFrame(zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024)), 1);

const sessions: http2.ClientHttp2Session[] = [];
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  sessions.splice(0).forEach((session) => session.destroy());
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function heapAndBuffers(): number {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

describe("decompression bombs", () => {
  for (const path of [UNARY, BIDI]) {
    it(`ends a ${path === UNARY ? "unary" : "bidi"} call carrying a gzip bomb with RESOURCE_EXHAUSTED, memory bounded`, async () => {
      const { port } = await startTargetServer();
      const session = connectRaw(port);
      sessions.push(session);
      const before = heapAndBuffers();
      const response = await sendRaw(session, grpcHeaders(path, { "grpc-encoding": "gzip" }), [BOMB]);
      expect(statusOf(response).code).toBe(Status.RESOURCE_EXHAUSTED);
      // Far below the 64 MiB the bomb would inflate to.
      expect(heapAndBuffers() - before).toBeLessThan(32 * 1024 * 1024);
      await expectServing(port);
    });
  }

  it("fails a client call whose response is a gzip bomb with RESOURCE_EXHAUSTED", async () => {
    const raw = await startRawServer((stream) => {
      stream.on("data", () => {});
      stream.respond({ ":status": 200, "content-type": "application/grpc", "grpc-encoding": "gzip" }, { waitForTrailers: true });
      stream.once("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
      stream.end(BOMB);
    });
    cleanups.push(() => raw.close());
    const client = createClient(Echo, { address: raw.address });
    cleanups.push(() => closeClient(client));
    const error = await client.unary({ message: "hi" }, { timeoutMs: 5_000 }).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(GrpcError);
    expect((error as GrpcError).code).toBe(Status.RESOURCE_EXHAUSTED);
  });
});
