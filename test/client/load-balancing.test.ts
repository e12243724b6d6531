import { afterEach, describe, expect, it } from "vitest";
import { createChannel } from "../../src/client/channel/channel.js";
import { closeClient, createClient } from "../../src/client/client.js";
import type { Channel, ConnectivityState } from "../../src/client/client-options.js";
import { Status } from "../../src/status.js";
import { rejectionOf } from "../helpers/catch-grpc-error.js";
import { allSubchannelsReady, subchannelState } from "./balancer/subchannel-states.js";
import { Echo } from "../helpers/echo.js";
import { startEchoServer, type StartedServer } from "../helpers/start-server.js";

const peers: StartedServer[] = [];
const channels: Channel[] = [];

afterEach(async () => {
  for (const channel of channels.splice(0)) channel.close();
  await Promise.all(peers.splice(0).map((peer) => peer.close()));
});

/** Starts an Echo server on `host` that answers with its own name. */
async function backend(host: string, port = 0): Promise<StartedServer> {
  const peer = await startEchoServer(
    {
      async unary() {
        return { message: host };
      },
    } as never,
    { listen: { host, port } },
  );
  peers.push(peer);
  return peer;
}

function channelTo(target: string, options: Parameters<typeof createChannel>[1] = {}): Channel {
  const channel = createChannel(target, options);
  channels.push(channel);
  return channel;
}

/** How many of `count` unary calls each backend answered. */
async function tally(channel: Channel, count: number): Promise<Record<string, number>> {
  const client = createClient(Echo, { channel });
  const counts: Record<string, number> = {};
  for (let i = 0; i < count; i++) {
    const { message } = await client.unary({}, { timeoutMs: 10_000 });
    counts[message!] = (counts[message!] ?? 0) + 1;
  }
  return counts;
}

describe("load balancing over an ipv4: address list", () => {
  it("round_robin spreads calls evenly over every backend", async () => {
    const hosts = ["127.0.0.1", "127.0.0.2", "127.0.0.3"];
    const backends = await Promise.all(hosts.map((host) => backend(host)));
    const channel = channelTo(`ipv4:${backends.map((b, i) => `${hosts[i]}:${b.port}`).join(",")}`, { loadBalancingPolicy: "round_robin" });
    await channel.connect();
    await allSubchannelsReady(channel, 3);
    expect(await tally(channel, 30)).toEqual({ "127.0.0.1": 10, "127.0.0.2": 10, "127.0.0.3": 10 });
  });

  it("pick_first (the default) sends every call to the first address", async () => {
    const [a, b] = [await backend("127.0.0.1"), await backend("127.0.0.2")];
    const channel = channelTo(`ipv4:127.0.0.2:${b.port},127.0.0.1:${a.port}`);
    expect(await tally(channel, 5)).toEqual({ "127.0.0.2": 5 });
    expect(channel.subchannels.map((s) => s.name)).toEqual([`127.0.0.2:${b.port}`]);
  });

  it("round_robin chosen by the service config's loadBalancingConfig", async () => {
    const [a, b] = [await backend("127.0.0.1"), await backend("127.0.0.2")];
    const channel = channelTo(`ipv4:127.0.0.1:${a.port},127.0.0.2:${b.port}`, {
      serviceConfig: { loadBalancingConfig: [{ weighted_round_robin: {} }, { round_robin: {} }] },
    });
    await channel.connect();
    await allSubchannelsReady(channel, 2);
    expect(await tally(channel, 4)).toEqual({ "127.0.0.1": 2, "127.0.0.2": 2 });
  });

  it("round_robin keeps serving from the other backends when one stops", async () => {
    const [a, b] = [await backend("127.0.0.1"), await backend("127.0.0.2")];
    const channel = channelTo(`ipv4:127.0.0.1:${a.port},127.0.0.2:${b.port}`, { loadBalancingPolicy: "round_robin", backoff: { initialMs: 60_000 } });
    await channel.connect();
    await allSubchannelsReady(channel, 2);
    const stopped = subchannelState(channel.subchannels.find((s) => s.name === b.address)!, "TRANSIENT_FAILURE");
    await b.close();
    await stopped; // the client saw it go (a call sent just before would fail: that is what retries are for)
    expect(await tally(channel, 6)).toEqual({ "127.0.0.1": 6 });
    expect(channel.state).toBe("READY");
  });

  it("fails calls fast with UNAVAILABLE naming the target and the address once every address failed", async () => {
    const channel = channelTo("ipv4:127.0.0.1:1,127.0.0.2:1", { loadBalancingPolicy: "round_robin", backoff: { initialMs: 60_000 } });
    const error = await rejectionOf(() => createClient(Echo, { channel }).unary({}, { timeoutMs: 10_000 }));
    expect(error.code).toBe(Status.UNAVAILABLE);
    expect(error.details).toMatch(/^failed to connect to ipv4:127\.0\.0\.1:1,127\.0\.0\.2:1 \(127\.0\.0\.[12]:1, attempt 1\): connection refused/);
    expect(channel.state).toBe("TRANSIENT_FAILURE");
  });
});

describe("connectivity state (doc/connectivity-semantics-and-api.md)", () => {
  it("goes IDLE → CONNECTING → READY → SHUTDOWN, seen by watch() and waitForStateChange", async () => {
    const peer = await backend("127.0.0.1");
    const channel = channelTo(peer.address);
    const seen: ConnectivityState[] = [];
    channel.watch((state) => seen.push(state));
    expect(channel.state).toBe("IDLE");
    expect(channel.subchannels).toEqual([]);
    const change = channel.waitForStateChange("IDLE");
    const connected = channel.connect();
    expect(await change).toBe("CONNECTING");
    await connected;
    expect(channel.subchannels.map((s) => [s.name, s.state])).toEqual([[peer.address, "READY"]]);
    channel.close();
    expect(seen).toEqual(["CONNECTING", "READY", "SHUTDOWN"]);
    expect(await channel.waitForStateChange("READY")).toBe("SHUTDOWN");
  });

  it("waitForStateChange rejects with the signal's reason when it aborts first", async () => {
    const channel = channelTo("127.0.0.1:1");
    const controller = new AbortController();
    const waiting = channel.waitForStateChange("IDLE", { signal: controller.signal });
    controller.abort();
    expect((await rejectionOf(() => waiting)).code).toBe(Status.CANCELLED);
  });
});

describe("service config method settings", () => {
  const slow = {
    async unary(request: { delayMs: number }, ctx: { signal: AbortSignal }) {
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, request.delayMs);
        ctx.signal.addEventListener("abort", () => (clearTimeout(timer), resolve(undefined)));
      });
      return { message: "done", payload: new Uint8Array(request.delayMs === 0 ? 2000 : 0) };
    },
  } as never;

  it("the method's timeout gives a call without one a deadline, and caps a call's longer one", async () => {
    const peer = await startEchoServer(slow);
    peers.push(peer);
    const channel = channelTo(peer.address, {
      serviceConfig: { methodConfig: [{ name: [{ service: "h2grpc.test.Echo", method: "Unary" }], timeout: "0.2s" }] },
    });
    const client = createClient(Echo, { channel });
    expect((await rejectionOf(() => client.unary({ delayMs: 20_000 }))).code).toBe(Status.DEADLINE_EXCEEDED);
    expect((await rejectionOf(() => client.unary({ delayMs: 20_000 }, { timeoutMs: 50_000 }))).code).toBe(Status.DEADLINE_EXCEEDED);
    expect(await client.unary({ delayMs: 1 }, { timeoutMs: 10_000 })).toMatchObject({ message: "done" });
  });

  it("the method's waitForReady makes calls wait for a connection instead of failing fast", async () => {
    const channel = channelTo("127.0.0.1:1", {
      backoff: { initialMs: 50, maxMs: 100 },
      serviceConfig: { methodConfig: [{ name: [{ service: "h2grpc.test.Echo" }], waitForReady: true }] },
    });
    const client = createClient(Echo, { channel });
    expect((await rejectionOf(() => client.unary({}, { timeoutMs: 300 }))).code).toBe(Status.DEADLINE_EXCEEDED);
    expect((await rejectionOf(() => client.unary({}, { timeoutMs: 10_000, waitForReady: false }))).code).toBe(Status.UNAVAILABLE);
  });

  it("the method's message limits lower the channel's: RESOURCE_EXHAUSTED either way", async () => {
    const peer = await startEchoServer(slow);
    peers.push(peer);
    const channel = channelTo(peer.address, {
      serviceConfig: { methodConfig: [{ name: [{}], maxRequestMessageBytes: 100, maxResponseMessageBytes: 1000 }] },
    });
    const client = createClient(Echo, { channel });
    const sent = await rejectionOf(() => client.unary({ message: "x".repeat(200), delayMs: 1 }));
    expect(sent.code).toBe(Status.RESOURCE_EXHAUSTED);
    const received = await rejectionOf(() => client.unary({ delayMs: 0 }));
    expect(received.code).toBe(Status.RESOURCE_EXHAUSTED);
    expect(await client.unary({ delayMs: 1 })).toMatchObject({ message: "done" });
  });

  it("createChannel throws TypeError for an invalid service config or an unknown policy", () => {
    expect(() => createChannel("127.0.0.1:1", { serviceConfig: { methodConfig: [{ timeout: "soon" }] } })).toThrow(
      /invalid service config: methodConfig\[0\]\.timeout must be a duration like "1\.5s", got "soon"/,
    );
    expect(() => createChannel("127.0.0.1:1", { loadBalancingPolicy: "random" })).toThrow(/unknown loadBalancingPolicy "random"/);
  });
});

it("closeClient leaves no channel behind", async () => {
  const peer = await backend("127.0.0.1");
  const client = createClient(Echo, { address: `ipv4:${peer.address}`, loadBalancingPolicy: "round_robin" });
  expect(await client.unary({})).toMatchObject({ message: "127.0.0.1" });
  closeClient(client);
});
