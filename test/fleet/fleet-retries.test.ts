// #14: retries, hedging and client-side health checking against replicas in processes of their
// own on 127.0.0.2-4: a killed replica loses no call a retry policy covers, a slow one is hedged
// around, a NOT_SERVING one gets no calls, and a replica failing some calls is retried as the
// policy says.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createChannel } from "../../src/client/channel/channel.js";
import { createClient } from "../../src/client/client.js";
import type { Channel, ChannelOptions } from "../../src/client/client-options.js";
import { Status } from "../../src/status.js";
import { rejectionOf } from "../helpers/catch-grpc-error.js";
import { buildLibrary, removeLibrary } from "../helpers/child-process.js";
import { Echo } from "../helpers/echo.js";
import { allSubchannelsReady, subchannelState } from "../client/balancer/subchannel-states.js";
import { startBackend, stopAllBackends, type Backend } from "./fleet-backends.js";
import { tally } from "./fleet-calls.js";

beforeAll(() => buildLibrary(), 120_000);
afterAll(() => removeLibrary());
const channels: Channel[] = [];
afterEach(async () => {
  for (const channel of channels.splice(0)) channel.close();
  await stopAllBackends();
});

const RETRY_UNAVAILABLE = { maxAttempts: 5, initialBackoff: "0.05s", maxBackoff: "0.5s", backoffMultiplier: 2, retryableStatusCodes: ["UNAVAILABLE"] };

async function fleetChannel(backends: readonly Backend[], options: ChannelOptions): Promise<Channel> {
  const channel = createChannel(`ipv4:${backends.map((b) => b.address).join(",")}`, { backoff: { initialMs: 100, maxMs: 1000 }, ...options });
  channels.push(channel);
  await channel.connect({ waitForReady: true, signal: AbortSignal.timeout(20_000) });
  return channel;
}

describe("#14 a fleet with a retry policy, hedging and health checking", () => {
  it("killing a replica under load loses no call the retry policy covers; the others answer them all", async () => {
    // Every call takes 2 s at the replica, so a third of them are in flight on the one killed.
    const backends = await Promise.all(["127.0.0.2", "127.0.0.3", "127.0.0.4"].map((host) => startBackend(host, 0, { delayMs: 2000 })));
    const channel = await fleetChannel(backends, {
      serviceConfig: { loadBalancingConfig: [{ round_robin: {} }], methodConfig: [{ name: [{ service: "h2grpc.test.Echo" }], retryPolicy: RETRY_UNAVAILABLE }] },
    });
    await allSubchannelsReady(channel, 3);
    const client = createClient(Echo, { channel });
    const calls = Array.from({ length: 30 }, () => client.unary({}, { timeoutMs: 30_000 }));
    await backends[1]!.kill();
    const replies = await Promise.all(calls);
    const hosts = replies.map((reply) => reply.message);
    expect(hosts.filter((host) => host === "127.0.0.3")).toEqual([]);
    expect(hosts).toHaveLength(30);
  });

  it("hedges around a slow replica: every call is answered by the fast one", async () => {
    const [slow, fast] = [await startBackend("127.0.0.2", 0, { delayMs: 20_000 }), await startBackend("127.0.0.3")];
    const channel = await fleetChannel([slow, fast], {
      serviceConfig: {
        loadBalancingConfig: [{ round_robin: {} }],
        methodConfig: [{ name: [{ service: "h2grpc.test.Echo" }], hedgingPolicy: { maxAttempts: 2, hedgingDelay: "0.1s", nonFatalStatusCodes: ["UNAVAILABLE"] } }],
      },
    });
    await allSubchannelsReady(channel, 2);
    expect(await tally(channel, 10)).toEqual({ "127.0.0.3": 10 });
  });

  it("round_robin with health checking sends no calls to a NOT_SERVING replica, and again once it is SERVING", async () => {
    const backends = await Promise.all(["127.0.0.2", "127.0.0.3", "127.0.0.4"].map((host) => startBackend(host)));
    const channel = await fleetChannel(backends, {
      serviceConfig: { loadBalancingConfig: [{ round_robin: {} }], healthCheckConfig: { serviceName: "h2grpc.test.Echo" } },
    });
    await allSubchannelsReady(channel, 3);
    const watched = channel.subchannels.find((s) => s.name === backends[0]!.address)!;
    const unhealthy = subchannelState(watched, "TRANSIENT_FAILURE");
    await backends[0]!.setServing(false);
    await unhealthy;
    expect(watched.lastError?.details).toMatch(/health check of "h2grpc\.test\.Echo" on .*: NOT_SERVING/);
    expect(await tally(channel, 30)).toEqual({ "127.0.0.3": 15, "127.0.0.4": 15 });
    const healthy = subchannelState(watched, "READY");
    await backends[0]!.setServing(true);
    await healthy;
    expect(await tally(channel, 30)).toEqual({ "127.0.0.2": 10, "127.0.0.3": 10, "127.0.0.4": 10 });
  });

  it("retries the calls a replica fails with UNAVAILABLE as often as the policy allows, and no more", async () => {
    const backend = await startBackend("127.0.0.2");
    const channel = await fleetChannel([backend], {
      serviceConfig: { methodConfig: [{ name: [{ service: "h2grpc.test.Echo" }], retryPolicy: { ...RETRY_UNAVAILABLE, maxAttempts: 3 } }] },
    });
    const client = createClient(Echo, { channel });
    // A third of the calls fail once, a third twice, a third never: all succeed, after 2, 3 and 1 attempts.
    const replies = await Promise.all(Array.from({ length: 30 }, (_, id) => client.unary({ message: "fail-first", id, count: id % 3 }, { timeoutMs: 30_000 })));
    expect(replies.map((reply) => reply.index)).toEqual(Array.from({ length: 30 }, (_, id) => (id % 3) + 1));
    // Failing three times is one more than maxAttempts allows.
    const error = await rejectionOf(() => client.unary({ message: "fail-first", id: 100, count: 3 }, { timeoutMs: 30_000 }));
    expect([error.code, error.details]).toEqual([Status.UNAVAILABLE, "127.0.0.2 fails attempt 3"]);
  });
});
