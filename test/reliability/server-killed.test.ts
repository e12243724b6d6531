// #10: a server process killed with SIGKILL mid-stream. The client fails every call on that
// connection with UNAVAILABLE as soon as the socket closes (not at its deadline), having received
// a gap-free prefix; after the server restarts on the same port the channel reconnects with
// backoff and new calls succeed on the same client.
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeClient, createClient } from "../../src/client/client.js";
import { Status } from "../../src/status.js";
import { buildLibrary, removeLibrary, startChild, type Child } from "../helpers/child-process.js";
import { Echo } from "../helpers/echo.js";
import { expectGapFree, outcomeOf } from "./counting-echo.js";

beforeAll(() => buildLibrary(), 120_000);
afterAll(() => removeLibrary());

// Far beyond the time the failure is allowed to take: a call that reaches it waited for its deadline.
const DEADLINE_MS = 60_000;
// The failure must come from the socket closing, long before the deadline (generous: the machine may be busy).
const PROMPT_MS = 10_000;

async function startEchoServer(port = 0): Promise<{ child: Child; port: number }> {
  const child = startChild("test/reliability/children/echo-server.mjs", [String(port)]);
  const [, listening] = await child.waitForLine(/^listening on (\d+)$/);
  return { child, port: Number(listening) };
}

async function kill(child: Child): Promise<void> {
  child.process.kill("SIGKILL");
  await child.exit(10_000).catch(() => {});
}

describe("#10 a server killed with SIGKILL", () => {
  it("fails a server stream, a client stream and a bidi call at once with UNAVAILABLE, each with a gap-free prefix; after a restart on the same port the same client succeeds", async () => {
    const { child, port } = await startEchoServer();
    const client = createClient(Echo, { address: `127.0.0.1:${port}`, backoff: { initialMs: 50, maxMs: 500 } });
    let restarted: Child | undefined;
    try {
      const serverIndexes: number[] = [];
      const serverStream = client.serverStream({ count: 100_000, delayMs: 2 }, { timeoutMs: DEADLINE_MS });
      const serverStreamDone = outcomeOf(async () => {
        for await (const reply of serverStream) serverIndexes.push(reply.index);
      });
      const clientStream = client.clientStream({ timeoutMs: DEADLINE_MS });
      const bidi = client.bidi({ timeoutMs: DEADLINE_MS });
      const bidiIndexes: number[] = [];
      const bidiDone = outcomeOf(async () => {
        for await (const reply of bidi) bidiIndexes.push(reply.index);
      });
      const writing = (async () => {
        for (let count = 0; ; count++) {
          await Promise.all([clientStream.write({ count }), bidi.write({ count })]);
          if (count % 50 === 0) await sleep(1);
        }
      })().catch(() => {});
      for (let i = 0; i < 500 && (serverIndexes.length < 10 || bidiIndexes.length < 10); i++) await sleep(10);
      const killedAt = Date.now();
      await kill(child);
      const outcomes = await Promise.all([serverStreamDone, outcomeOf(() => clientStream.response), bidiDone]);
      const tookMs = Date.now() - killedAt;
      for (const outcome of outcomes) {
        expect(outcome.ok).toBe(false);
        if (!outcome.ok) expect(outcome.code, outcome.error.message).toBe(Status.UNAVAILABLE);
      }
      expect(tookMs).toBeLessThan(PROMPT_MS);
      expectGapFree(serverIndexes);
      expectGapFree(bidiIndexes);
      await writing;

      // While the server is down: fail fast without waitForReady, ride out the backoff with it.
      expect((await outcomeOf(() => client.unary({ message: "down" }))).ok).toBe(false);
      const waiting = client.unary({ message: "back" }, { waitForReady: true, timeoutMs: 30_000 });
      restarted = (await startEchoServer(port)).child;
      expect((await waiting).message).toBe("back");
      expect((await client.unary({ message: "again" })).message).toBe("again");
    } finally {
      closeClient(client);
      await kill(child);
      if (restarted !== undefined) await kill(restarted);
    }
  }, 90_000);

  it("fails a unary call in flight with UNAVAILABLE at once", async () => {
    const { child, port } = await startEchoServer();
    const client = createClient(Echo, { address: `127.0.0.1:${port}` });
    try {
      const call = outcomeOf(() => client.unary({ message: "hold" }, { timeoutMs: DEADLINE_MS }));
      await child.waitForLine(/^call started$/);
      const killedAt = Date.now();
      await kill(child);
      const outcome = await call;
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) expect(outcome.code).toBe(Status.UNAVAILABLE);
      expect(Date.now() - killedAt).toBeLessThan(PROMPT_MS);
    } finally {
      closeClient(client);
      await kill(child);
    }
  }, 60_000);
});
