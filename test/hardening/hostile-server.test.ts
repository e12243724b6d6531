// The client against servers that misbehave: malformed response headers and status, oversized or
// wrongly compressed frames, trailers twice, DATA after trailers, GOAWAY or a reset connection
// mid-call, and an endless stream the caller stops reading. Every call ends with a clear
// GrpcError, and after closeClient no socket or timer is left behind.
import http2 from "node:http2";
import { afterEach, describe, expect, it } from "vitest";
import { createChannel } from "../../src/client/channel/channel.js";
import { closeClient, createClient } from "../../src/client/client.js";
import type { ServiceClient } from "../../src/client/service-client.js";
import { GrpcError } from "../../src/grpc-error.js";
import { Status } from "../../src/status.js";
import type { EchoDefinition } from "../protos/gen/echo.js";
import { Echo } from "../helpers/echo.js";
import { destroySessionSoon, startRawServer } from "../client/raw-server.js";
import { OK_TRAILERS, RESPONSE_HEADERS, data, headers, startScriptedServer } from "./scripted-server.js";
import { failOnProcessErrors } from "./target-server.js";

failOnProcessErrors();

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const replyFrame = (message: string, flag = 0): Buffer => {
  const payload = Echo.methods.unary!.responseSerializer.serialize({ message });
  const frame = Buffer.alloc(5 + payload.length);
  frame[0] = flag;
  frame.writeUInt32BE(payload.length, 1);
  frame.set(payload, 5);
  return frame;
};

function clientOf(address: string): ServiceClient<EchoDefinition> {
  const client = createClient(Echo, { address });
  cleanups.push(() => closeClient(client));
  return client;
}

async function unaryError(client: ServiceClient<EchoDefinition>): Promise<GrpcError> {
  const error = await client.unary({ message: "hi" }, { timeoutMs: 5_000 }).then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(GrpcError);
  return error as GrpcError;
}

/** Active handles by type, as process.getActiveResourcesInfo() lists them. */
function activeResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const name of process.getActiveResourcesInfo()) counts.set(name, (counts.get(name) ?? 0) + 1);
  return counts;
}

/**
 * Sockets close asynchronously (their handles go in a later loop turn), so this samples until
 * sockets and timers are back to `before`, for at most a second, then fails naming what is left.
 */
async function expectNoMoreResourcesThan(before: Map<string, number>): Promise<void> {
  const kinds = ["TCPSocketWrap", "TCPServerWrap", "Timeout"];
  const isBack = (): boolean => kinds.every((kind) => (activeResources().get(kind) ?? 0) <= (before.get(kind) ?? 0));
  for (let i = 0; i < 100 && !isBack(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  const after = activeResources();
  for (const kind of kinds) expect(after.get(kind) ?? 0, kind).toBeLessThanOrEqual(before.get(kind) ?? 0);
}

describe("responses no gRPC server should send", () => {
  it("fails a call whose response HEADERS lack :status with a clear error", async () => {
    const server = await startScriptedServer((id) => [headers(id, [["content-type", "application/grpc"]]), data(id, replyFrame("x")), headers(id, OK_TRAILERS, true)]);
    cleanups.push(() => server.close());
    const error = await unaryError(clientOf(server.address));
    // nghttp2 resets a response without :status (RFC 9113 §8.3.2: malformed) with PROTOCOL_ERROR: INTERNAL.
    expect(error.code).toBe(Status.INTERNAL);
  });

  it("fails a call with INTERNAL when grpc-status is not a number", async () => {
    const server = await startScriptedServer((id) => [headers(id, RESPONSE_HEADERS), data(id, replyFrame("x")), headers(id, [["grpc-status", "zero"]], true)]);
    cleanups.push(() => server.close());
    const error = await unaryError(clientOf(server.address));
    expect(error.code).toBe(Status.INTERNAL);
    expect(error.details).toContain("malformed grpc-status");
  });

  it("fails a call with RESOURCE_EXHAUSTED when a frame announces more than maxReceiveMessageBytes", async () => {
    const header = Buffer.from([0, 0, 0x50, 0, 0]); // 5 MiB, over the 4 MiB default
    const server = await startScriptedServer((id) => [headers(id, RESPONSE_HEADERS), data(id, header)]);
    cleanups.push(() => server.close());
    const error = await unaryError(clientOf(server.address));
    expect(error.code).toBe(Status.RESOURCE_EXHAUSTED);
  });

  it("fails a call with INTERNAL when a frame is compressed but the response has no grpc-encoding", async () => {
    const server = await startScriptedServer((id) => [headers(id, RESPONSE_HEADERS), data(id, replyFrame("x", 1)), headers(id, OK_TRAILERS, true)]);
    cleanups.push(() => server.close());
    const error = await unaryError(clientOf(server.address));
    expect(error.code).toBe(Status.INTERNAL);
  });

  it("ends a call cleanly when the server sends trailers twice", async () => {
    const server = await startScriptedServer((id) => [
      headers(id, RESPONSE_HEADERS),
      data(id, replyFrame("once")),
      headers(id, OK_TRAILERS, true),
      headers(id, [["grpc-status", "13"]], true),
    ]);
    cleanups.push(() => server.close());
    const client = clientOf(server.address);
    // The first trailers end the stream; the second block is a protocol error on a closed stream.
    const reply = await client.unary({ message: "hi" }, { timeoutMs: 5_000 });
    expect(reply.message).toBe("once");
    const next = await client.unary({ message: "again" }, { timeoutMs: 5_000 }).catch((error: unknown) => error);
    expect(next instanceof GrpcError || (next as { message?: string }).message === "once").toBe(true);
  });

  it("ends a call cleanly when DATA follows the trailers", async () => {
    const server = await startScriptedServer((id) => [
      headers(id, RESPONSE_HEADERS),
      data(id, replyFrame("first")),
      headers(id, OK_TRAILERS, true),
      data(id, replyFrame("late")),
    ]);
    cleanups.push(() => server.close());
    const reply = await clientOf(server.address).unary({ message: "hi" }, { timeoutMs: 5_000 });
    expect(reply.message).toBe("first");
  });
});

describe("connections that go away mid-call", () => {
  it("fails an in-flight call with UNAVAILABLE when the server sends GOAWAY with an error and closes", async () => {
    const raw = await startRawServer((stream) => {
      stream.respond({ ":status": 200, "content-type": "application/grpc" });
      stream.session?.goaway(http2.constants.NGHTTP2_INTERNAL_ERROR, 0);
      destroySessionSoon(stream);
    });
    cleanups.push(() => raw.close());
    const error = await unaryError(clientOf(raw.address));
    expect(error.code).toBe(Status.UNAVAILABLE);
  });

  it("fails an in-flight server stream with UNAVAILABLE when the server's socket is destroyed", async () => {
    const raw = await startScriptedServer(
      (id) => [headers(id, RESPONSE_HEADERS), data(id, replyFrame("one"))],
      (socket) => socket.end(() => socket.destroy()),
    );
    cleanups.push(() => raw.close());
    const received: string[] = [];
    const error = await (async () => {
      for await (const reply of clientOf(raw.address).serverStream({ message: "hi" }, { timeoutMs: 5_000 })) received.push(reply.message);
    })().catch((reason: unknown) => reason);
    expect(received).toEqual(["one"]);
    expect(error).toBeInstanceOf(GrpcError);
    expect((error as GrpcError).code).toBe(Status.UNAVAILABLE);
  });
});

describe("an endless stream the caller stops reading", () => {
  it("resets the stream with CANCEL on break, and closeClient leaves no socket or timer behind", async () => {
    const before = activeResources();
    let serverResetCode: number | undefined;
    const serverStreamClosed = new Promise<void>((resolve) => {
      void startRawServer((stream) => {
        stream.respond({ ":status": 200, "content-type": "application/grpc" });
        const frame = replyFrame("again and again");
        const pump = (): void => {
          while (!stream.closed && !stream.destroyed && stream.write(frame));
        };
        stream.on("drain", pump);
        stream.on("close", () => {
          serverResetCode = stream.rstCode;
          resolve();
        });
        pump();
      }).then((raw) => {
        cleanups.push(() => raw.close());
        address = raw.address;
        ready();
      });
    });
    let address = "";
    let ready!: () => void;
    await new Promise<void>((resolve) => (ready = resolve));
    const client = createClient(Echo, { address });
    let count = 0;
    for await (const _ of client.serverStream({ message: "go" })) if (++count === 100) break;
    await serverStreamClosed;
    expect(serverResetCode).toBe(http2.constants.NGHTTP2_CANCEL);
    closeClient(client);
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await expectNoMoreResourcesThan(before);
  });
});

describe("channel.close after hostile calls", () => {
  it("leaves no socket or timer behind after deadlines, resets, GOAWAYs and a server that never answers", async () => {
    let streamNumber = 0;
    let isHostile = true;
    const raw = await startRawServer((stream) => {
      stream.on("data", () => {});
      if (!isHostile) {
        stream.respond({ ":status": 200, "content-type": "application/grpc", "grpc-status": "14" }, { endStream: true });
        return;
      }
      switch (streamNumber++ % 4) {
        case 0:
          return; // never answers: the call's deadline ends it
        case 1:
          stream.close(http2.constants.NGHTTP2_REFUSED_STREAM);
          return;
        case 2:
          stream.respond({ ":status": 200, "content-type": "application/grpc" });
          stream.session?.goaway(http2.constants.NGHTTP2_PROTOCOL_ERROR, 0);
          destroySessionSoon(stream);
          return;
        default:
          stream.respond({ ":status": 503 }, { endStream: true });
      }
    });
    cleanups.push(() => raw.close());
    // Counted with the server listening: what the channel opens must be gone after channel.close().
    const before = activeResources();
    const channel = createChannel(raw.address, { keepaliveTimeMs: 60_000 });
    const client = createClient(Echo, { channel });
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, () => client.unary({ message: "x" }, { timeoutMs: 300 }).then(() => "ok", (error: unknown) => (error as GrpcError).code)),
    );
    expect(outcomes).not.toContain("ok");
    // One more call leaves a live, idle connection (and its keepalive timer) for close() to end.
    isHostile = false;
    await expect(client.unary({ message: "x" }, { timeoutMs: 1_000 })).rejects.toMatchObject({ code: Status.UNAVAILABLE });
    channel.close();
    await expectNoMoreResourcesThan(before);
  });
});

