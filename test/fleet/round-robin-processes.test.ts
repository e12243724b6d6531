// #14: round_robin over replicas in processes of their own on 127.0.0.2, .3 and .4.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createChannel } from "../../src/client/channel/channel.js";
import type { Channel } from "../../src/client/client-options.js";
import { buildLibrary, removeLibrary } from "../helpers/child-process.js";
import { allSubchannelsReady, subchannelState } from "../client/balancer/subchannel-states.js";
import { startBackend, stopAllBackends, type Backend } from "./fleet-backends.js";
import { tally } from "./fleet-calls.js";

beforeAll(() => buildLibrary(), 120_000);
afterAll(() => removeLibrary());
afterEach(() => stopAllBackends());

const HOSTS = ["127.0.0.2", "127.0.0.3", "127.0.0.4"];

async function fleet(): Promise<{ backends: Backend[]; channel: Channel }> {
  const backends = await Promise.all(HOSTS.map((host) => startBackend(host)));
  const channel = createChannel(`ipv4:${backends.map((backend) => backend.address).join(",")}`, {
    loadBalancingPolicy: "round_robin",
    backoff: { initialMs: 100, maxMs: 1000 },
  });
  await channel.connect();
  await allSubchannelsReady(channel, backends.length);
  return { backends, channel };
}

describe("#14 round_robin over server processes", () => {
  it("spreads calls evenly over every replica", async () => {
    const { channel } = await fleet();
    try {
      expect(await tally(channel, 60)).toEqual({ "127.0.0.2": 20, "127.0.0.3": 20, "127.0.0.4": 20 });
    } finally {
      channel.close();
    }
  });

  it("after one replica is killed, every call goes to the others, evenly, and it rejoins once restarted", async () => {
    const { backends, channel } = await fleet();
    try {
      const killed = backends[1]!;
      const subchannel = channel.subchannels.find((s) => s.name === killed.address)!;
      const lost = subchannelState(subchannel, "TRANSIENT_FAILURE");
      await killed.kill();
      await lost; // the connection dropped and the reconnect failed
      expect(await tally(channel, 40)).toEqual({ "127.0.0.2": 20, "127.0.0.4": 20 });
      await startBackend(killed.host, killed.port);
      await subchannelState(subchannel, "READY"); // reconnected after its backoff
      expect(await tally(channel, 30)).toEqual({ "127.0.0.2": 10, "127.0.0.3": 10, "127.0.0.4": 10 });
    } finally {
      channel.close();
    }
  });
});
