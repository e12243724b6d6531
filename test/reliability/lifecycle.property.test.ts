// #10: lifecycle fuzzing (fast-check, seeded; FC_SEED=<seed> replays a failure). Random
// interleavings of client and channel creation, calls of all four kinds with random deadlines and
// aborts, closeClient / channel close, server.close({graceMs}) and restarts on the same port, and
// waitForReady. Properties: nothing is thrown uncaught and no rejection goes unhandled; every call
// settles (within its deadline plus slack, or soon after everything closed) with the right reply or
// a GrpcError carrying a valid status; once everything is closed no socket, server or timer of
// h2grpc is left.
import { setTimeout as sleep } from "node:timers/promises";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createChannel } from "../../src/client/channel/channel.js";
import { closeClient, createClient } from "../../src/client/client.js";
import type { Channel } from "../../src/client/client-options.js";
import { GrpcError } from "../../src/grpc-error.js";
import { createServer } from "../../src/server/server.js";
import type { Server } from "../../src/server/server-options.js";
import { isStatus, Status } from "../../src/status.js";
import { Echo } from "../helpers/echo.js";
import { assertProperty } from "../helpers/property.js";
import { countingEcho, expectGapFree } from "./counting-echo.js";

const RUNS = 40;
// A call must settle this long after its deadline, or after everything was closed (generous: the machine may be busy).
const SLACK_MS = 8_000;

type Kind = "unary" | "serverStream" | "clientStream" | "bidi";
type Deadline = "none" | 0 | 1 | 30 | 3_000;
type Abort = "none" | "before" | "at-once" | "mid";

type Step =
  | { readonly kind: "client"; readonly isSharedChannel: boolean }
  | { readonly kind: "call"; readonly client: number; readonly rpc: Kind; readonly deadline: Deadline; readonly abort: Abort; readonly waitForReady: boolean; readonly count: number }
  | { readonly kind: "close-client"; readonly client: number }
  | { readonly kind: "close-channel" }
  | { readonly kind: "close-server"; readonly graceMs: number }
  | { readonly kind: "restart-server" }
  | { readonly kind: "pause"; readonly ms: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("client" as const), isSharedChannel: fc.boolean() }) },
  {
    weight: 12,
    arbitrary: fc.record({
      kind: fc.constant("call" as const),
      client: fc.nat(3),
      rpc: fc.constantFrom<Kind>("unary", "serverStream", "clientStream", "bidi"),
      deadline: fc.constantFrom<Deadline>("none", "none", 0, 1, 30, 3_000, 3_000),
      abort: fc.constantFrom<Abort>("none", "none", "none", "none", "before", "at-once", "mid"),
      waitForReady: fc.boolean(),
      count: fc.integer({ min: 0, max: 30 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("close-client" as const), client: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.constant({ kind: "close-channel" as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("close-server" as const), graceMs: fc.constantFrom(0, 10, 100) }) },
  { weight: 1, arbitrary: fc.constant({ kind: "restart-server" as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("pause" as const), ms: fc.integer({ min: 0, max: 15 }) }) },
);

type EchoClient = ReturnType<typeof createClient<typeof Echo>>;

/** Everything one run made, so it can all be closed and checked at the end. */
class World {
  readonly clients: EchoClient[] = [];
  readonly channels: Channel[] = [];
  readonly calls: Promise<string | undefined>[] = [];
  server: Server | undefined;
  port = 0;
  readonly closings: Promise<void>[] = [];

  async startServer(): Promise<void> {
    const server = createServer().addService(Echo, countingEcho());
    this.port = await server.listen({ host: "127.0.0.1", port: this.port });
    this.server = server;
  }

  async run(steps: readonly Step[]): Promise<void> {
    for (const next of steps) {
      switch (next.kind) {
        case "client": {
          if (next.isSharedChannel) {
            this.channels[0] ??= createChannel(`127.0.0.1:${this.port}`, { backoff: { initialMs: 20, maxMs: 100 } });
            this.clients.push(createClient(Echo, { channel: this.channels[0] }));
          } else {
            this.clients.push(createClient(Echo, { address: `127.0.0.1:${this.port}`, backoff: { initialMs: 20, maxMs: 100 } }));
          }
          break;
        }
        case "call": {
          const client = this.clients[next.client % Math.max(1, this.clients.length)];
          if (client !== undefined) this.calls.push(settleWithin(makeCall(client, next), next.deadline));
          break;
        }
        case "close-client": {
          const client = this.clients[next.client % Math.max(1, this.clients.length)];
          if (client !== undefined) closeClient(client);
          break;
        }
        case "close-channel":
          this.channels[0]?.close();
          break;
        case "close-server":
          if (this.server !== undefined) this.closings.push(this.server.close({ graceMs: next.graceMs }));
          break;
        case "restart-server": {
          const old = this.server;
          this.server = undefined;
          await old?.close();
          await this.startServer();
          break;
        }
        case "pause":
          await sleep(next.ms);
          break;
      }
    }
  }

  /** Closes everything; every call must then settle within SLACK_MS. */
  async closeAll(): Promise<(string | undefined)[]> {
    for (const client of this.clients) closeClient(client);
    for (const channel of this.channels) channel.close();
    await Promise.all([...this.closings, this.server?.close()]);
    return Promise.all(this.calls);
  }
}

/** A call of `step.rpc`, checked as it runs; resolves with undefined (OK) or the failure text; rejects for a wrong reply or a non-GrpcError. */
async function makeCall(client: EchoClient, step: Extract<Step, { kind: "call" }>): Promise<string | undefined> {
  const controller = new AbortController();
  if (step.abort === "before") controller.abort();
  const options = {
    signal: controller.signal,
    waitForReady: step.waitForReady,
    ...(step.deadline === "none" ? {} : { timeoutMs: step.deadline }),
  };
  const run = async (): Promise<void> => {
    switch (step.rpc) {
      case "unary": {
        const reply = client.unary({ message: "m", id: "9" }, options);
        if (step.abort === "at-once" || step.abort === "mid") controller.abort();
        expect(await reply).toMatchObject({ message: "m", id: "9" });
        return;
      }
      case "serverStream": {
        const call = client.serverStream({ count: step.count, delayMs: 1 }, options);
        if (step.abort === "at-once") controller.abort();
        await readAllReplies(call, step, controller);
        return;
      }
      case "clientStream": {
        const call = client.clientStream(options);
        if (step.abort === "at-once") controller.abort();
        const writing = (async () => {
          for (let count = 0; count < step.count; count++) {
            await call.write({ count, id: "5" });
            if (step.abort === "mid" && count === 2) controller.abort();
          }
          call.end();
        })().catch(() => {});
        const reply = await call.response;
        await writing;
        expect(reply).toMatchObject({ index: step.count });
        return;
      }
      case "bidi": {
        const call = client.bidi(options);
        if (step.abort === "at-once") controller.abort();
        const writing = (async () => {
          for (let count = 0; count < step.count; count++) await call.write({ count });
          call.end();
        })().catch(() => {});
        try {
          await readAllReplies(call, step, controller);
        } finally {
          await writing;
        }
        return;
      }
    }
  };
  try {
    await run();
    return undefined;
  } catch (error) {
    if (!(error instanceof GrpcError)) throw error;
    if (!isStatus(error.code) || error.code === Status.OK) throw new Error(`invalid status ${String(error.code)}: ${error.message}`);
    return error.message;
  }
}

/** Reads every reply (aborting after the second when the step says "mid"): all `step.count` of them, gap-free. */
async function readAllReplies(replies: AsyncIterable<{ index: number }>, step: Extract<Step, { kind: "call" }>, controller: AbortController): Promise<void> {
  const indexes: number[] = [];
  try {
    for await (const reply of replies) {
      indexes.push(reply.index);
      if (step.abort === "mid" && indexes.length === 2) controller.abort();
    }
    expect(indexes).toHaveLength(step.count);
  } finally {
    expectGapFree(indexes);
  }
}

/** Rejects if `call` has not settled SLACK_MS after its deadline (calls without one are checked after closeAll). */
function settleWithin(call: Promise<string | undefined>, deadline: Deadline): Promise<string | undefined> {
  const limitMs = (deadline === "none" ? 60_000 : deadline) + SLACK_MS;
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`a call did not settle within ${limitMs} ms`)), limitMs);
  });
  return Promise.race([call, hang]).finally(() => clearTimeout(timer));
}

/** h2grpc's handles in this process: sockets, servers and timers (vitest's own are counted at the start). */
function handleCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const name of process.getActiveResourcesInfo()) counts.set(name, (counts.get(name) ?? 0) + 1);
  return counts;
}

const uncaught: unknown[] = [];
const onUncaught = (error: unknown): void => {
  uncaught.push(error);
};
beforeEach(() => {
  process.on("uncaughtException", onUncaught);
  process.on("unhandledRejection", onUncaught);
});
afterEach(() => {
  process.off("uncaughtException", onUncaught);
  process.off("unhandledRejection", onUncaught);
});

describe("#10 lifecycle fuzzing", () => {
  it("random interleavings of clients, calls, aborts, deadlines, closes and server restarts: every call settles, nothing escapes, nothing is left", async () => {
    const baseline = handleCounts();
    await assertProperty(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), fc.constantFrom(0, 50, 1_000), async (steps, settleMs) => {
        uncaught.length = 0; // each run (and each shrink) on its own
        const world = new World();
        await world.startServer();
        world.clients.push(createClient(Echo, { address: `127.0.0.1:${world.port}`, backoff: { initialMs: 20, maxMs: 100 } }));
        await world.run(steps);
        // Calls get some time to finish on their own before everything is closed under them.
        await Promise.race([Promise.allSettled(world.calls), sleep(settleMs)]);
        const outcomes = await world.closeAll();
        expect(outcomes.length).toBe(world.calls.length);
        expect(uncaught.map((error) => (error instanceof Error ? error.stack : String(error)))).toEqual([]);
        await expectNoHandlesBeyond(baseline);
      }),
      RUNS,
    );
  }, 600_000);
});

/** Waits (bounded) for sockets and timers that are closing to finish, then compares with `baseline`. */
async function expectNoHandlesBeyond(baseline: Map<string, number>): Promise<void> {
  const leftover = (): string[] => {
    const now = handleCounts();
    const extra: string[] = [];
    for (const [name, count] of now) {
      if (count > (baseline.get(name) ?? 0)) extra.push(`${name} x${count - (baseline.get(name) ?? 0)}`);
    }
    return extra;
  };
  // Sockets close on the next turns of the event loop after destroy(); 200 turns of 10 ms bound it.
  for (let i = 0; i < 200 && leftover().length > 0; i++) await sleep(10);
  expect(leftover()).toEqual([]);
}
