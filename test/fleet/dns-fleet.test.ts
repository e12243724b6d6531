// #14: a fleet behind one DNS name, served by Debian's dnsmasq on a loopback port: the client
// resolves dns://127.0.0.1:PORT/backends.test:PORT to every A record, and follows the hosts file
// as replicas are added and removed (the replicas' GOAWAYs after maxConnectionAgeMs make it
// resolve again, as Kubernetes users set MAX_CONNECTION_AGE for grpc-go).
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createChannel } from "../../src/client/channel/channel.js";
import type { Channel } from "../../src/client/client-options.js";
import { buildLibrary, removeLibrary } from "../helpers/child-process.js";
import { freePort } from "../helpers/free-port.js";
import { requirePeer } from "../helpers/peers.js";
import { allSubchannelsReady } from "../client/balancer/subchannel-states.js";
import { startDnsmasq, type DnsServer } from "./dnsmasq.js";
import { startBackend, stopAllBackends } from "./fleet-backends.js";
import { callUntil, tally } from "./fleet-calls.js";

const hasDnsmasq = requirePeer("the DNS fleet tests", "dnsmasq");
const NAME = "backends.test";
let dns: DnsServer | undefined;
const channels: Channel[] = [];

beforeAll(() => buildLibrary(), 120_000);
afterAll(() => removeLibrary());
afterEach(async () => {
  for (const channel of channels.splice(0)) channel.close();
  await dns?.stop();
  dns = undefined;
  await stopAllBackends();
});

/** Replicas on `hosts`, all on one port (DNS names addresses, the target names the port). */
async function replicas(hosts: readonly string[], options: { maxConnectionAgeMs?: number } = {}): Promise<number> {
  const port = await freePort(hosts[0]);
  await Promise.all(hosts.map((host) => startBackend(host, port, options)));
  return port;
}

describe.skipIf(!hasDnsmasq)("#14 a fleet behind a DNS name (dnsmasq)", () => {
  it("round_robin reaches every address of the name, evenly", async () => {
    const port = await replicas(["127.0.0.2", "127.0.0.3", "127.0.0.4"]);
    dns = await startDnsmasq([
      ["127.0.0.2", NAME],
      ["127.0.0.3", NAME],
      ["127.0.0.4", NAME],
    ]);
    const channel = createChannel(`dns://${dns.address}/${NAME}:${port}`, { loadBalancingPolicy: "round_robin" });
    channels.push(channel);
    await channel.connect();
    await allSubchannelsReady(channel, 3);
    expect(channel.subchannels.map((s) => s.name).sort()).toEqual([`127.0.0.2:${port}`, `127.0.0.3:${port}`, `127.0.0.4:${port}`]);
    expect(await tally(channel, 30)).toEqual({ "127.0.0.2": 10, "127.0.0.3": 10, "127.0.0.4": 10 });
  });

  it("follows the hosts file: an added replica gets calls, a removed one stops getting them", async () => {
    const port = await replicas(["127.0.0.2", "127.0.0.3", "127.0.0.4"], { maxConnectionAgeMs: 300 });
    dns = await startDnsmasq([
      ["127.0.0.2", NAME],
      ["127.0.0.3", NAME],
    ]);
    const channel = createChannel(`dns://${dns.address}/${NAME}:${port}`, { loadBalancingPolicy: "round_robin", minResolutionIntervalMs: 100 });
    channels.push(channel);
    expect(Object.keys(await tally(channel, 20, { waitForReady: true })).every((host) => host !== "127.0.0.4")).toBe(true);

    await dns.setHosts([
      ["127.0.0.2", NAME],
      ["127.0.0.3", NAME],
      ["127.0.0.4", NAME],
    ]);
    await callUntil(channel, (host) => host === "127.0.0.4");

    await dns.setHosts([
      ["127.0.0.2", NAME],
      ["127.0.0.4", NAME],
    ]);
    // Once the channel dropped 127.0.0.3's subchannel, no call reaches it.
    await callUntil(channel, () => !channel.subchannels.some((s) => s.name === `127.0.0.3:${port}`));
    const after = await tally(channel, 20, { waitForReady: true });
    expect(Object.keys(after).sort()).toEqual(["127.0.0.2", "127.0.0.4"]);
  });

  it("with serviceConfigFromDns, takes round_robin from the name's _grpc_config TXT record", async () => {
    const port = await replicas(["127.0.0.2", "127.0.0.3"]);
    dns = await startDnsmasq(
      [
        ["127.0.0.2", NAME],
        ["127.0.0.3", NAME],
      ],
      { [`_grpc_config.${NAME}`]: `grpc_config=${JSON.stringify([{ serviceConfig: { loadBalancingConfig: [{ round_robin: {} }] } }])}` },
    );
    const fromDns = createChannel(`dns://${dns.address}/${NAME}:${port}`, { serviceConfigFromDns: true });
    const withoutDns = createChannel(`dns://${dns.address}/${NAME}:${port}`);
    channels.push(fromDns, withoutDns);
    await fromDns.connect();
    await allSubchannelsReady(fromDns, 2);
    expect(await tally(fromDns, 10)).toEqual({ "127.0.0.2": 5, "127.0.0.3": 5 });
    // Off by default (grpc-go): pick_first, one replica for every call.
    expect(Object.keys(await tally(withoutDns, 10))).toHaveLength(1);
  });

  it("fails calls with UNAVAILABLE naming the host when the name has no address", async () => {
    dns = await startDnsmasq([["127.0.0.2", "other.test"]]);
    const channel = createChannel(`dns://${dns.address}/${NAME}:1`);
    channels.push(channel);
    const error = await channel.connect().then(
      () => undefined,
      (reason: unknown) => reason as Error,
    );
    expect(error?.message).toMatch(/^\[UNAVAILABLE\] DNS resolution of backends\.test failed: .*ENOTFOUND/);
  });
});
