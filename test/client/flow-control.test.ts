import { setTimeout as delay } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeClient, createClient } from "../../src/client/client.js";
import { Echo, type EchoRequest } from "../helpers/echo.js";
import { startEchoServer, type StartedServer } from "../helpers/start-server.js";

const MESSAGE_BYTES = 64 * 1024;
const TOTAL_MESSAGES = 512; // 32 MiB: far more than every window and buffer between the two sides
// Nothing signals "the peer stopped sending": the test samples a counter every SETTLE_MS until two
// samples agree (windows fill within a few ms on loopback, later on a loaded machine), bounded.
const SETTLE_MS = 200;

async function stableValue(read: () => number): Promise<number> {
  let previous = read();
  for (let attempt = 0; attempt < 25; attempt++) {
    await delay(SETTLE_MS);
    const current = read();
    if (current === previous) return current;
    previous = current;
  }
  throw new Error(`transfer did not stall within ${25 * SETTLE_MS} ms (at ${previous})`);
}

let peer: StartedServer;
let produced = 0;
let consumed = 0;
let releaseReader!: () => void;
beforeAll(async () => {
  peer = await startEchoServer({
    async *serverStream() {
      const payload = new Uint8Array(MESSAGE_BYTES);
      for (produced = 0; produced < TOTAL_MESSAGES; produced++) yield { index: produced, payload };
    },
    async clientStream(requests: AsyncIterable<EchoRequest>) {
      await new Promise<void>((resolve) => (releaseReader = resolve));
      for await (const _ of requests) consumed++;
      return { index: consumed };
    },
  } as never);
});
afterAll(() => peer.close());

describe("flow control", () => {
  it("a consumer that stops reading closes the window: the server stops producing, then resumes", async () => {
    const client = createClient(Echo, { address: peer.address });
    try {
      const iterator = client.serverStream({})[Symbol.asyncIterator]();
      expect((await iterator.next()).done).toBe(false);
      // 1 MiB stream window + socket and stream buffers on both sides, at 64 KiB a message.
      expect(await stableValue(() => produced)).toBeLessThan(80);
      let received = 1;
      while (!(await iterator.next()).done) received++;
      expect(received).toBe(TOTAL_MESSAGES);
    } finally {
      closeClient(client);
    }
  });

  it("write() waits while the server does not read, and completes once it does", async () => {
    const client = createClient(Echo, { address: peer.address });
    try {
      const call = client.clientStream();
      let written = 0;
      const writing = (async () => {
        const payload = new Uint8Array(MESSAGE_BYTES);
        for (let i = 0; i < TOTAL_MESSAGES; i++) {
          await call.write({ payload });
          written++;
        }
        call.end();
      })();
      expect(await stableValue(() => written)).toBeLessThan(80);
      releaseReader();
      await writing;
      expect(await call.response).toMatchObject({ index: TOTAL_MESSAGES });
    } finally {
      closeClient(client);
    }
  });
});
