import { setTimeout as delay } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeClient, createClient } from "../../src/client/client.js";
import { Echo, type EchoRequest } from "./grpc-js-peer.js";
import { startOwnServer, type OwnPeer } from "./own-server.js";

const MESSAGE_BYTES = 64 * 1024;
const TOTAL_MESSAGES = 512; // 32 MiB: far more than every window and buffer between the two sides
// Nothing signals "the peer stopped sending": the test lets the transfer run this long and then
// checks that it stalled. Windows fill within a few ms on loopback.
const SETTLE_MS = 300;

let peer: OwnPeer;
let produced = 0;
let consumed = 0;
let releaseReader!: () => void;
beforeAll(async () => {
  peer = await startOwnServer({
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
      await delay(SETTLE_MS);
      const stalledAt = produced;
      // 1 MiB stream window + socket and stream buffers on both sides, at 64 KiB a message.
      expect(stalledAt).toBeLessThan(80);
      await delay(SETTLE_MS);
      expect(produced).toBe(stalledAt);
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
      await delay(SETTLE_MS);
      const stalledAt = written;
      expect(stalledAt).toBeLessThan(80);
      await delay(SETTLE_MS);
      expect(written).toBe(stalledAt);
      releaseReader();
      await writing;
      expect(await call.response).toMatchObject({ index: TOTAL_MESSAGES });
    } finally {
      closeClient(client);
    }
  });
});
