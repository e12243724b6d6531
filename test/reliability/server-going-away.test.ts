// #10: a call cut by a server going away is UNAVAILABLE (retryable), never INTERNAL, and never
// hangs: calls still running when server.close({graceMs}) runs out get a status of their own, and
// a client whose connection the server closed notices at once, whatever its flow control.
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { closeClient, createClient } from "../../src/client/client.js";
import { GrpcError } from "../../src/grpc-error.js";
import { createServer } from "../../src/server/server.js";
import { Status } from "../../src/status.js";
import { channelTls, insecure, serverTls } from "../../src/transport/tls.js";
import { testCerts } from "../helpers/certs.js";
import { Echo } from "../helpers/echo.js";
import { outcomeOf } from "./counting-echo.js";

// A call that has not settled this long after the server closed hangs (generous: the machine may be busy).
const HANG_MS = 10_000;

function settlesSoon<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not settle within ${HANG_MS} ms of the server closing`)), HANG_MS);
    }),
  ]).finally(() => clearTimeout(timer));
}

async function startHoldingServer(isTls: boolean) {
  const certs = testCerts();
  const signals: AbortSignal[] = [];
  const hold = (signal: AbortSignal): Promise<void> => {
    signals.push(signal);
    return new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
  };
  const server = createServer().addService(Echo, {
    async unary(_request, ctx) {
      await hold(ctx.signal);
      return {};
    },
    async *serverStream(_request, ctx) {
      yield { index: 0 };
      await hold(ctx.signal);
    },
    // Neither reads its requests: the client's writes fill the flow-control windows.
    async clientStream(_requests, ctx) {
      await hold(ctx.signal);
      return {};
    },
    async *bidi(_requests, ctx) {
      yield { index: 0 };
      await hold(ctx.signal);
    },
  });
  const port = await server.listen(isTls ? { credentials: serverTls({ cert: certs.serverCert, key: certs.serverKey }) } : {});
  const client = createClient(Echo, {
    address: `127.0.0.1:${port}`,
    credentials: isTls ? channelTls({ ca: certs.caCert, serverNameOverride: "localhost" }) : insecure(),
  });
  return { server, client, signals };
}

async function drain(responses: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of responses);
}

async function writeMegabyte(call: { write(message: { payload: Uint8Array }): Promise<void>; end(): void }, chunkBytes: number): Promise<void> {
  try {
    for (let sent = 0; sent < 1_000_000; sent += chunkBytes) await call.write({ payload: new Uint8Array(chunkBytes) });
    call.end();
  } catch {
    // The call failed: its outcome is what the test checks.
  }
}

describe("#10 a server going away", () => {
  for (const isTls of [false, true]) {
    for (const chunkBytes of [10_000, 1_000_000]) {
      it(`fails calls of every kind still running when close({graceMs: 12}) runs out with UNAVAILABLE, at once (${isTls ? "TLS" : "h2c"}, 1 MB sent in ${chunkBytes}-byte messages)`, async () => {
        const { server, client, signals } = await startHoldingServer(isTls);
        try {
          const unary = client.unary({});
          const serverStream = client.serverStream({});
          const clientStream = client.clientStream();
          const bidi = client.bidi();
          void writeMegabyte(clientStream, chunkBytes);
          void writeMegabyte(bidi, chunkBytes);
          const outcomes = [
            outcomeOf(() => unary),
            outcomeOf(() => drain(serverStream)),
            outcomeOf(() => clientStream.response),
            outcomeOf(() => drain(bidi)),
          ];
          // Every handler is running (and the uploads are blocked on flow control) before the close.
          for (let i = 0; i < 200 && signals.length < 4; i++) await sleep(10);
          expect(signals).toHaveLength(4);
          await server.close({ graceMs: 12 });
          for (const outcome of await settlesSoon(Promise.all(outcomes), "a call")) {
            expect(outcome.ok).toBe(false);
            if (!outcome.ok) expect(outcome.code, outcome.error.message).toBe(Status.UNAVAILABLE);
          }
          // The handlers were told why.
          for (const signal of signals) expect((signal.reason as GrpcError).code).toBe(Status.UNAVAILABLE);
        } finally {
          closeClient(client);
        }
      });
    }
  }

  it("tells a call still running at the end of the grace period UNAVAILABLE in its trailers, not a bare reset", async () => {
    const { server, client } = await startHoldingServer(false);
    try {
      const call = client.unary({});
      await sleep(50);
      await server.close({ graceMs: 12 });
      const outcome = await settlesSoon(outcomeOf(() => call), "the call");
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) {
        expect(outcome.code).toBe(Status.UNAVAILABLE);
        expect(outcome.error.details).toBe("server is shutting down");
      }
    } finally {
      closeClient(client);
    }
  });
});
