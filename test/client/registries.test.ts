import { mkdtempSync, readFileSync, rmSync, watch, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  createChannel,
  createClient,
  GrpcError,
  registerLoadBalancer,
  registerResolver,
  type Channel,
  type ResolvedAddress,
  type ResolutionListener,
  Status,
  type Subchannel,
} from "../../src/index.js";
import { Echo } from "../helpers/echo.js";
import { startEchoServer, type StartedServer } from "../helpers/start-server.js";
import { callUntil } from "../fleet/fleet-calls.js";

const peers: StartedServer[] = [];
const channels: Channel[] = [];

afterEach(async () => {
  for (const channel of channels.splice(0)) channel.close();
  await Promise.all(peers.splice(0).map((peer) => peer.close()));
});

async function backend(host: string): Promise<StartedServer> {
  const peer = await startEchoServer({ unary: async () => ({ message: host }) } as never, { listen: { host } });
  peers.push(peer);
  return peer;
}

describe("a resolver of one's own (registerResolver)", () => {
  it("the README's hostsfile resolver: the channel follows the file's edits", async () => {
    // As in README "Running a fleet", word for word but for the paths.
    registerResolver("hostsfile", {
      defaultAuthority: () => "orders", // the :authority calls carry
      create(target, listener) {
        // target.endpoint is what follows "hostsfile:", here a path.
        const read = (): void => {
          try {
            const replicas: { host: string; port: number }[] = JSON.parse(readFileSync(target.endpoint, "utf8"));
            listener.onResolution({ addresses: replicas.map(({ host, port }) => ({ kind: "tcp", host, port })) });
          } catch (error) {
            listener.onResolutionError(new GrpcError(Status.UNAVAILABLE, `cannot read ${target.endpoint}: ${String(error)}`));
          }
        };
        queueMicrotask(read); // report later, never from inside create()
        const watcher = watch(target.endpoint, read);
        return { resolveNow: read, close: () => watcher.close() };
      },
    });
    const dir = mkdtempSync(path.join(tmpdir(), "h2grpc-hostsfile-"));
    try {
      const file = path.join(dir, "orders.json");
      const [a, b] = [await backend("127.0.0.1"), await backend("127.0.0.2")];
      writeFileSync(file, JSON.stringify([{ host: "127.0.0.1", port: a.port }]));
      const channel = createChannel(`hostsfile:${file}`, { loadBalancingPolicy: "round_robin" });
      channels.push(channel);
      const client = createClient(Echo, { channel });
      expect(await client.unary({})).toMatchObject({ message: "127.0.0.1" });
      expect((channel as unknown as { authority: string }).authority).toBe("orders");
      writeFileSync(file, JSON.stringify([{ host: "127.0.0.2", port: b.port }]));
      // fs.watch reports the edit when it will: call until the channel has followed it.
      await callUntil(channel, (host) => host === "127.0.0.2");
      expect(channel.subchannels.map((s) => s.name)).toEqual([`127.0.0.2:${b.port}`]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("gives the channel its addresses, follows its updates, and hears every resolveNow", async () => {
    // Service discovery as a map from service name to addresses; a real one would watch Consul or etcd.
    const registry = new Map<string, ResolvedAddress[]>();
    const listeners = new Set<ResolutionListener>();
    let resolveNowCalls = 0;
    registerResolver("test-registry", {
      validate(target) {
        if (target.endpoint === "") throw new TypeError(`invalid target ${JSON.stringify(target.text)}: name a service`);
      },
      create(target, listener) {
        const report = (): void => listener.onResolution({ addresses: registry.get(target.endpoint) ?? [] });
        listeners.add(listener);
        queueMicrotask(report);
        return {
          resolveNow: () => (resolveNowCalls++, report()),
          close: () => listeners.delete(listener),
        };
      },
    });
    const [a, b] = [await backend("127.0.0.1"), await backend("127.0.0.2")];
    registry.set("echo", [{ kind: "tcp", host: "127.0.0.1", port: a.port }]);
    const channel = createChannel("test-registry:echo", { loadBalancingPolicy: "round_robin" });
    channels.push(channel);
    expect(channel.target).toBe("test-registry:echo");
    const client = createClient(Echo, { channel });
    expect(await client.unary({})).toMatchObject({ message: "127.0.0.1" });

    registry.set("echo", [{ kind: "tcp", host: "127.0.0.2", port: b.port }]);
    for (const listener of listeners) listener.onResolution({ addresses: registry.get("echo")! });
    expect(await client.unary({}, { waitForReady: true, timeoutMs: 10_000 })).toMatchObject({ message: "127.0.0.2" });

    // Losing a connection makes the channel ask the resolver again, which now says 127.0.0.1.
    registry.set("echo", [{ kind: "tcp", host: "127.0.0.1", port: a.port }]);
    await b.close();
    expect(await client.unary({}, { waitForReady: true, timeoutMs: 10_000 })).toMatchObject({ message: "127.0.0.1" });
    expect(resolveNowCalls).toBeGreaterThan(0);
    expect(() => createChannel("test-registry:")).toThrow(/name a service/);
    channel.close();
    expect(listeners.size).toBe(0);
  });

  it("rejects a scheme that is not a URI scheme", () => {
    expect(() => registerResolver("Bad_Scheme", { create: () => ({ resolveNow() {}, close() {} }) })).toThrow(TypeError);
  });
});

describe("a load-balancing policy of one's own (registerLoadBalancer)", () => {
  it("creates subchannels, publishes its picker, and is chosen by loadBalancingPolicy", async () => {
    // "last_ready": every call goes to the READY subchannel of the last address.
    registerLoadBalancer("test_last_ready", {
      create(helper) {
        let subchannels: Subchannel[] = [];
        const publish = (): void => {
          const last = subchannels.at(-1);
          const isReady = last?.state === "READY";
          helper.updateState(isReady ? "READY" : "CONNECTING", { pick: () => (isReady ? last : undefined) });
        };
        return {
          updateAddresses(addresses) {
            for (const old of subchannels) helper.removeSubchannel(old);
            subchannels = addresses.map((address) => helper.createSubchannel(address));
            for (const subchannel of subchannels) {
              subchannel.watch(publish);
              subchannel.connect();
            }
            publish();
          },
          onResolutionError() {},
          exitIdle() {},
          close() {
            for (const old of subchannels) helper.removeSubchannel(old);
          },
        };
      },
    });
    const [a, b] = [await backend("127.0.0.1"), await backend("127.0.0.2")];
    const channel = createChannel(`ipv4:127.0.0.1:${a.port},127.0.0.2:${b.port}`, { loadBalancingPolicy: "test_last_ready" });
    channels.push(channel);
    const client = createClient(Echo, { channel });
    for (let i = 0; i < 3; i++) expect(await client.unary({}, { waitForReady: true, timeoutMs: 10_000 })).toMatchObject({ message: "127.0.0.2" });
  });
});
