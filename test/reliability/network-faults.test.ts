// #10: calls of all four kinds through a loopback proxy that delays, stalls, cuts (TCP RST),
// half-closes or corrupts the connection. Every call settles with the right data or a fitting
// status, never past its deadline, never with wrong data; once the faults stop, the channel
// recovers and new calls succeed.
import { afterEach, describe, expect, it } from "vitest";
import { closeClient, createClient } from "../../src/client/client.js";
import { Status } from "../../src/status.js";
import { channelTls, insecure, serverTls } from "../../src/transport/tls.js";
import { testCerts } from "../helpers/certs.js";
import { startFaultProxy, type Fault, type FaultProxy } from "../helpers/fault-proxy.js";
import { Echo } from "../helpers/echo.js";
import { startServer } from "../helpers/start-server.js";
import { countingEcho, expectGapFree, FAILURE_CODES, outcomeOf, type Outcome } from "./counting-echo.js";

type Kind = "unary" | "serverStream" | "clientStream" | "bidi";
const KINDS: readonly Kind[] = ["unary", "serverStream", "clientStream", "bidi"];
const DEADLINE_MS = 3_000;
// A call that has not settled this long after its deadline hangs (generous: the machine may be busy).
const HANG_MS = DEADLINE_MS + 10_000;
const MESSAGES = 40;
const PAYLOAD = new Uint8Array(2_000);

const proxies: FaultProxy[] = [];
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
});

async function setUp(fault: Fault, isTls = false) {
  const certs = testCerts();
  const { port } = await startServer((server) => server.addService(Echo, countingEcho()), {}, {
    credentials: isTls ? serverTls({ cert: certs.serverCert, key: certs.serverKey }) : insecure(),
  });
  const proxy = await startFaultProxy(port, fault);
  proxies.push(proxy);
  const client = createClient(Echo, {
    address: proxy.address,
    credentials: isTls ? channelTls({ ca: certs.caCert, serverNameOverride: "localhost" }) : insecure(),
    keepaliveTimeMs: 300,
    keepaliveTimeoutMs: 1_000,
    backoff: { initialMs: 50, maxMs: 200 },
  });
  return { proxy, client };
}

/** Makes one call of `kind`, checking every message that arrives; never lets a hang pass silently. */
async function callOnce(client: ReturnType<typeof createClient<typeof Echo>>, kind: Kind, id: string): Promise<Outcome> {
  const options = { timeoutMs: DEADLINE_MS };
  const run = async (): Promise<void> => {
    switch (kind) {
      case "unary": {
        const reply = await client.unary({ message: "hello", id }, options);
        expect(reply).toMatchObject({ message: "hello", id });
        return;
      }
      case "serverStream": {
        const indexes: number[] = [];
        try {
          for await (const reply of client.serverStream({ count: MESSAGES, payload: PAYLOAD }, options)) {
            indexes.push(reply.index);
            expect(Buffer.from(reply.payload).equals(PAYLOAD)).toBe(true);
          }
          expect(indexes).toHaveLength(MESSAGES);
        } finally {
          expectGapFree(indexes);
        }
        return;
      }
      case "clientStream": {
        const requests = Array.from({ length: MESSAGES }, (_, count) => ({ count, id, payload: PAYLOAD }));
        const reply = await client.clientStream(requests, options);
        expect(reply).toMatchObject({ index: MESSAGES, id });
        return;
      }
      case "bidi": {
        const call = client.bidi(options);
        const indexes: number[] = [];
        try {
          for (let count = 0; count < MESSAGES; count++) {
            await call.write({ count, payload: PAYLOAD });
            const { value, done } = await call[Symbol.asyncIterator]().next();
            if (done === true) break;
            indexes.push(value.index);
          }
          call.end();
          for await (const reply of call) indexes.push(reply.index);
          expect(indexes).toHaveLength(MESSAGES);
        } finally {
          expectGapFree(indexes);
        }
        return;
      }
    }
  };
  let hangTimer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    hangTimer = setTimeout(() => reject(new Error(`${kind} call did not settle within ${HANG_MS} ms`)), HANG_MS);
  });
  try {
    return await Promise.race([outcomeOf(run), hang]);
  } finally {
    clearTimeout(hangTimer);
  }
}

function expectFailedFittingly(outcome: Outcome, allowed: ReadonlySet<Status> = FAILURE_CODES): void {
  if (outcome.ok) return;
  expect(allowed.has(outcome.code), `unexpected ${outcome.error.message}`).toBe(true);
}

const FAULTS: ReadonlyArray<readonly [string, Fault, { isTls?: boolean; mustFail: boolean; codes?: ReadonlySet<Status> }]> = [
  ["a delay of 20 ms per chunk", { kind: "delay", ms: 20 }, { mustFail: false }],
  ["a stall after the first request bytes (found by keepalive)", { kind: "stall", afterBytes: 400 }, { mustFail: true, codes: new Set([Status.UNAVAILABLE, Status.DEADLINE_EXCEEDED]) }],
  ["a TCP reset mid-response", { kind: "cut", afterBytes: 5_000 }, { mustFail: true, codes: new Set([Status.UNAVAILABLE]) }],
  ["a half-close (FIN) mid-response while the client still sends", { kind: "half-close", afterBytes: 5_000 }, { mustFail: true, codes: new Set([Status.UNAVAILABLE]) }],
  ["corrupted bytes under TLS", { kind: "corrupt", offsets: [3_000] }, { isTls: true, mustFail: true, codes: new Set([Status.UNAVAILABLE, Status.INTERNAL]) }],
];

describe("#10 calls through a faulty network", () => {
  for (const [name, fault, expected] of FAULTS) {
    for (const kind of KINDS) {
      it(`${kind}: ${name} settles with the right data or a fitting status, and the channel recovers`, async () => {
        const { proxy, client } = await setUp(fault, expected.isTls);
        try {
          const outcome = await callOnce(client, kind, "42");
          // A single response is small: a fault that starts after its bytes may never touch it.
          const isSmallResponse = kind === "unary" || kind === "clientStream";
          if (expected.mustFail && !isSmallResponse) expect(outcome.ok, "the call cannot succeed through this fault").toBe(false);
          expectFailedFittingly(outcome, expected.codes);
          proxy.setFault({ kind: "pass" });
          proxy.injectNow({ kind: "pass" });
          // Recovery: a new connection through the healed network (waitForReady rides out backoff).
          const recovered = await client.unary({ message: "again", id: "2" }, { timeoutMs: 10_000, waitForReady: true });
          expect(recovered.message).toBe("again");
        } finally {
          closeClient(client);
        }
      });
    }
  }

  it("a stall injected into an open connection fails its streaming call with UNAVAILABLE once keepalive gives up", async () => {
    const { proxy, client } = await setUp({ kind: "pass" });
    try {
      await client.unary({ message: "warm" });
      const call = client.serverStream({ count: 1_000, delayMs: 5 }, { timeoutMs: 60_000 });
      const iterator = call[Symbol.asyncIterator]();
      await iterator.next();
      proxy.injectNow({ kind: "stall", afterBytes: 0 });
      const outcome = await outcomeOf(async () => {
        for (let next = await iterator.next(); next.done !== true; next = await iterator.next());
      });
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) {
        expect(outcome.code).toBe(Status.UNAVAILABLE);
        expect(outcome.error.details).toContain("keepalive");
      }
    } finally {
      closeClient(client);
    }
  });
});
