// #10: no message lost, duplicated or reordered, counted. A call that ends OK received every
// message the server sent, in order; a call that fails received a gap-free prefix; on a
// client-streaming OK the server counted exactly what the client wrote.
import http2 from "node:http2";
import { setTimeout as sleep } from "node:timers/promises";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { closeClient, createClient } from "../../src/client/client.js";
import { createServer } from "../../src/server/server.js";
import { frameOf, startRawServer } from "../client/raw-server.js";
import { Echo } from "../helpers/echo.js";
import { assertProperty } from "../helpers/property.js";
import { countingEcho, expectGapFree, FAILURE_CODES, outcomeOf, type ServerTally } from "./counting-echo.js";

const RUNS = 12;

function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Reads a server stream with `pauseMs` between messages; returns the indexes and how the call ended. */
async function readSlowly(responses: AsyncIterable<{ index: number }>, pauseMs: number, onRead?: (count: number) => void) {
  const indexes: number[] = [];
  const outcome = await outcomeOf(async () => {
    for await (const reply of responses) {
      indexes.push(reply.index);
      onRead?.(indexes.length);
      if (pauseMs > 0) await sleep(pauseMs);
    }
  });
  return { indexes, outcome };
}

describe("#10 OK means every message was delivered", () => {
  it("a slow reader of a finished stream still gets every message when the server's connection is destroyed at the end of a graceful close", async () => {
    const finished = deferred();
    const server = createServer().addService(Echo, {
      async *serverStream(request, ctx) {
        if (request.count === 0) {
          // A second call that never ends keeps the connection open until the grace period runs out.
          await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
          return;
        }
        for (let index = 0; index < request.count; index++) yield { index, payload: new Uint8Array(1_000) };
        finished.resolve();
      },
    });
    const port = await server.listen();
    const client = createClient(Echo, { address: `127.0.0.1:${port}` });
    try {
      const holder = client.serverStream({ count: 0 });
      void outcomeOf(async () => {
        for await (const _ of holder);
      });
      let closing: Promise<void> | undefined;
      const { indexes, outcome } = await readSlowly(client.serverStream({ count: 300 }), 3, (count) => {
        // The server has sent its status; its connection is destroyed 100 ms later while most
        // replies still wait, unread, on the client.
        if (count === 5) closing = finished.promise.then(() => server.close({ graceMs: 100 }));
      });
      await closing;
      expectGapFree(indexes);
      if (outcome.ok) expect(indexes).toHaveLength(300);
      else expect(FAILURE_CODES.has(outcome.code), outcome.error.message).toBe(true);
      // The server sent everything and said OK: nothing was lost on the way, so the call is OK.
      expect(outcome.ok).toBe(true);
    } finally {
      closeClient(client);
      await server.close();
    }
  });

  it("a server stream that is reset right after an OK status never ends OK with messages missing", async () => {
    const raw = await startRawServer((stream) => {
      stream.on("data", () => {});
      stream.on("end", () => {
        stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
        stream.once("wantTrailers", () => {
          stream.sendTrailers({ "grpc-status": "0" });
          setImmediate(() => stream.close(http2.constants.NGHTTP2_CANCEL));
        });
        for (let index = 0; index < 200; index++) {
          stream.write(frameOf(Echo.methods.serverStream.responseSerializer.serialize({ index, payload: new Uint8Array(500) })));
        }
        stream.end();
      });
    });
    const client = createClient(Echo, { address: raw.address });
    try {
      const { indexes, outcome } = await readSlowly(client.serverStream({}), 2);
      expectGapFree(indexes);
      if (outcome.ok) expect(indexes).toHaveLength(200);
      else expect(FAILURE_CODES.has(outcome.code), outcome.error.message).toBe(true);
    } finally {
      closeClient(client);
      await raw.close();
    }
  });
});

describe("#10 counted under random shutdowns (fast-check, seeded; FC_SEED replays)", () => {
  it("server streaming through server.close({graceMs}) at a random moment: OK has every message in order, a failure a gap-free prefix", async () => {
    await assertProperty(
      fc.asyncProperty(
        fc.record({ count: fc.integer({ min: 1, max: 400 }), delayMs: fc.constantFrom(0, 0, 1), readPauseMs: fc.constantFrom(0, 1, 3), closeAfter: fc.integer({ min: 0, max: 60 }), graceMs: fc.constantFrom(0, 5, 30, 200) }),
        async ({ count, delayMs, readPauseMs, closeAfter, graceMs }) => {
          const server = createServer().addService(Echo, countingEcho());
          const port = await server.listen();
          const client = createClient(Echo, { address: `127.0.0.1:${port}` });
          try {
            let closing: Promise<void> | undefined;
            const read = readSlowly(client.serverStream({ count, delayMs, payload: new Uint8Array(300) }), readPauseMs, (n) => {
              if (n === closeAfter) closing = server.close({ graceMs });
            });
            if (closeAfter === 0) closing = server.close({ graceMs });
            const { indexes, outcome } = await read;
            await closing;
            expectGapFree(indexes);
            if (outcome.ok) expect(indexes).toHaveLength(count);
            else expect(FAILURE_CODES.has(outcome.code), outcome.error.message).toBe(true);
          } finally {
            closeClient(client);
            await server.close();
          }
        },
      ),
      RUNS,
    );
  });

  it("client streaming through server.close({graceMs}) at a random moment: on OK the server counted exactly what the client wrote", async () => {
    await assertProperty(
      fc.asyncProperty(
        fc.record({ count: fc.integer({ min: 0, max: 300 }), closeAfter: fc.integer({ min: 0, max: 300 }), graceMs: fc.constantFrom(0, 5, 30, 200), bytes: fc.constantFrom(10, 2_000, 40_000) }),
        async ({ count, closeAfter, graceMs, bytes }) => {
          const tally: ServerTally = { counted: new Map() };
          const server = createServer().addService(Echo, countingEcho(tally));
          const port = await server.listen();
          const client = createClient(Echo, { address: `127.0.0.1:${port}` });
          try {
            const call = client.clientStream();
            let closing: Promise<void> | undefined;
            const written = (async () => {
              for (let index = 0; index < count; index++) {
                if (index === closeAfter) closing = server.close({ graceMs });
                await call.write({ count: index, id: "7", payload: new Uint8Array(bytes) });
              }
              call.end();
            })().catch(() => {});
            const outcome = await outcomeOf(() => call.response);
            await written;
            await closing;
            if (outcome.ok) {
              expect(await call.response).toMatchObject({ index: count, id: count === 0 ? "0" : "7" });
              if (count > 0) expect(tally.counted.get("7")).toBe(count);
            } else {
              expect(FAILURE_CODES.has(outcome.code), outcome.error.message).toBe(true);
            }
          } finally {
            closeClient(client);
            await server.close();
          }
        },
      ),
      RUNS,
    );
  });

  it("bidi echo with random pauses through server.close({graceMs}) at a random moment: replies are a gap-free prefix, all of them on OK", async () => {
    await assertProperty(
      fc.asyncProperty(
        fc.record({ pauses: fc.array(fc.constantFrom(0, 0, 1, 4), { minLength: 1, maxLength: 120 }), closeAfter: fc.integer({ min: 0, max: 120 }), graceMs: fc.constantFrom(0, 5, 30, 200) }),
        async ({ pauses, closeAfter, graceMs }) => {
          const server = createServer().addService(Echo, countingEcho());
          const port = await server.listen();
          const client = createClient(Echo, { address: `127.0.0.1:${port}` });
          try {
            const call = client.bidi();
            let closing: Promise<void> | undefined;
            const written = (async () => {
              for (const [count, pauseMs] of pauses.entries()) {
                if (count === closeAfter) closing = server.close({ graceMs });
                await call.write({ count, payload: new Uint8Array(200) });
                if (pauseMs > 0) await sleep(pauseMs);
              }
              call.end();
            })().catch(() => {});
            const { indexes, outcome } = await readSlowly(call, 0);
            await written;
            await closing;
            expectGapFree(indexes);
            if (outcome.ok) expect(indexes).toHaveLength(pauses.length);
            else expect(FAILURE_CODES.has(outcome.code), outcome.error.message).toBe(true);
          } finally {
            closeClient(client);
            await server.close();
          }
        },
      ),
      RUNS,
    );
  });
});
