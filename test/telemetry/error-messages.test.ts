// #15: errors that say why. DEADLINE_EXCEEDED says how long the call had and where the time went
// (waiting for a connection, for the server's response headers, or receiving); UNAVAILABLE says
// what failed (connection refused, TLS handshake, GOAWAY, keepalive timeout, reset) with the
// address and the attempt; the underlying error is kept as `cause`.
import { afterEach, describe, expect, it } from "vitest";
import { closeClient, createClient } from "../../src/client/client.js";
import { GrpcError } from "../../src/grpc-error.js";
import { Status } from "../../src/status.js";
import { channelTls, serverTls } from "../../src/transport/tls.js";
import { rejectionOf } from "../helpers/catch-grpc-error.js";
import { testCerts } from "../helpers/certs.js";
import { Echo } from "../helpers/echo.js";
import { startFaultProxy, type FaultProxy } from "../helpers/fault-proxy.js";
import { requirePeer } from "../helpers/peers.js";
import { startEchoServer, type StartedServer } from "../helpers/start-server.js";
import { ErrorCode, FrameType, frame } from "../hardening/h2-frames.js";
import { startScriptedServer } from "../hardening/scripted-server.js";
import { findFreePort } from "../../src/transport/free-port.js";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function holdingServer(): Promise<StartedServer> {
  const server = await startEchoServer({
    async unary(_request, ctx) {
      await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
      return {};
    },
    async *serverStream(_request, ctx) {
      yield { index: 0 };
      yield { index: 1 };
      await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
    },
  });
  cleanups.push(() => server.close());
  return server;
}

function clientFor(address: string, options: Parameters<typeof createClient>[1] extends infer O ? Partial<O> : never = {}) {
  const client = createClient(Echo, { address, ...options } as Parameters<typeof createClient<typeof Echo>>[1]);
  cleanups.push(() => closeClient(client));
  return client;
}

describe("#15 DEADLINE_EXCEEDED says where the time went", () => {
  it("waiting for a connection", async () => {
    const port = await findFreePort("127.0.0.1");
    const client = clientFor(`127.0.0.1:${port}`, { backoff: { initialMs: 50, maxMs: 50 } });
    const error = await rejectionOf(() => client.unary({}, { timeoutMs: 300, waitForReady: true }));
    expect(error.code).toBe(Status.DEADLINE_EXCEEDED);
    expect(error.details).toMatch(new RegExp(`^deadline exceeded after \\d+ ms, waiting \\d+ ms for a connection to 127\\.0\\.0\\.1:${port}$`));
    expect((error.cause as GrpcError).code).toBe(Status.DEADLINE_EXCEEDED);
  });

  it("waiting for the server's response headers", async () => {
    const server = await holdingServer();
    const client = clientFor(server.address);
    const error = await rejectionOf(() => client.unary({}, { timeoutMs: 300 }));
    expect(error.details).toMatch(new RegExp(`^deadline exceeded after \\d+ ms, \\d+ ms to get a connection, then \\d+ ms waiting for ${server.address.replaceAll(".", "\\.")} to answer$`));
  });

  it("receiving the response", async () => {
    const server = await holdingServer();
    const client = clientFor(server.address);
    const error = await rejectionOf(async () => {
      for await (const _ of client.serverStream({}, { timeoutMs: 300 }));
    });
    expect(error.details).toMatch(/^deadline exceeded after \d+ ms, receiving the response from 127\.0\.0\.1:\d+ \(2 messages in \d+ ms, after \d+ ms until its headers\)$/);
  });
});

describe("#15 UNAVAILABLE says what failed, where", () => {
  it("connection refused, with the address and the attempt, keeping Node's error as cause", async () => {
    const port = await findFreePort("127.0.0.1");
    const client = clientFor(`127.0.0.1:${port}`);
    const error = await rejectionOf(() => client.unary({}));
    expect(error.code).toBe(Status.UNAVAILABLE);
    expect(error.details).toBe(`failed to connect to 127.0.0.1:${port} (attempt 1): connection refused (connect ECONNREFUSED 127.0.0.1:${port})`);
    expect((error.cause as { code?: string }).code).toBe("ECONNREFUSED");
  });

  describe.skipIf(!requirePeer("the TLS handshake error message test", "openssl"))("over TLS", () => {
    it("a TLS handshake that fails (an untrusted certificate)", async () => {
      const certs = testCerts();
      const server = await startEchoServer({ async unary() { return {}; } }, { listen: { credentials: serverTls({ cert: certs.serverCert, key: certs.serverKey }) } });
      cleanups.push(() => server.close());
      const client = clientFor(server.address, { credentials: channelTls({ serverNameOverride: "localhost" }) });
      const error = await rejectionOf(() => client.unary({}));
      expect(error.code).toBe(Status.UNAVAILABLE);
      expect(error.details).toMatch(new RegExp(`^failed to connect to ${server.address.replaceAll(".", "\\.")} \\(attempt 1\\): TLS handshake failed \\(`));
    });
  });

  it("a server that goes away (GOAWAY, then resets the call)", async () => {
    // The call was seen (GOAWAY names it as the last stream), then reset with NO_ERROR: cut by a server going away.
    const scripted = await startScriptedServer((streamId) => [
      frame(FrameType.GOAWAY, 0, 0, goawayPayload(streamId, ErrorCode.NO_ERROR)),
      frame(FrameType.RST_STREAM, 0, streamId, Buffer.from([0, 0, 0, ErrorCode.NO_ERROR])),
    ]);
    cleanups.push(() => scripted.close());
    const client = clientFor(scripted.address);
    const error = await rejectionOf(() => client.serverStream({})[Symbol.asyncIterator]().next());
    expect(error.code).toBe(Status.UNAVAILABLE);
    expect(error.details).toBe(`the server at ${scripted.address} went away (GOAWAY) before the call ended`);
  });

  it("a keepalive ping the network swallows", async () => {
    const server = await holdingServer();
    const proxy: FaultProxy = await startFaultProxy(server.port);
    cleanups.push(() => proxy.close());
    const client = clientFor(proxy.address, { keepaliveTimeMs: 100, keepaliveTimeoutMs: 300 });
    const call = client.unary({}, { timeoutMs: 30_000 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    proxy.injectNow({ kind: "stall", afterBytes: 0 });
    const error = await rejectionOf(() => call);
    expect(error.code).toBe(Status.UNAVAILABLE);
    expect(error.details).toBe(`connection to ${proxy.address} failed: keepalive timeout (keepalive ping not answered within 300 ms)`);
  });

  it("a connection the network resets", async () => {
    const server = await holdingServer();
    const proxy = await startFaultProxy(server.port);
    cleanups.push(() => proxy.close());
    const client = clientFor(proxy.address);
    const stream = client.serverStream({}, { timeoutMs: 30_000 });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    proxy.injectNow({ kind: "cut", afterBytes: 0 });
    const error = await rejectionOf(async () => {
      for (let next = await iterator.next(); next.done !== true; next = await iterator.next());
    });
    expect(error.code).toBe(Status.UNAVAILABLE);
    expect(error.details).toMatch(new RegExp(`^connection to ${proxy.address.replaceAll(".", "\\.")} failed: connection reset by the server \\(`));
  });
});

function goawayPayload(lastStreamId: number, code: number): Buffer {
  const payload = Buffer.alloc(8);
  payload.writeUInt32BE(lastStreamId, 0);
  payload.writeUInt32BE(code, 4);
  return payload;
}
