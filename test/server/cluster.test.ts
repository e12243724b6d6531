// serveCluster: one set of services from several processes on one port (README, "Server on every
// core"). The server runs as a child program (test/server/children/cluster-server.mjs) so that
// node:cluster can fork it and signals can reach it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createChannel, createClient, createHealthService, createServer, serveCluster, type Channel } from "../../src/index.js";
import { reusePortUnsupportedReason } from "../../src/transport/reuse-port.js";
import { Echo } from "../helpers/echo.js";
import { buildLibrary, removeLibrary, startChild, type Child } from "../helpers/child-process.js";

const Health = createHealthService().definition;
// Each channel below is a connection of its own; this many are plenty for the round robin (and,
// with reusePort, the kernel's hash) to reach every worker, and bound the loop.
const MAX_CONNECTIONS = 64;
const reusePortUnsupported = reusePortUnsupportedReason();

beforeAll(() => buildLibrary(), 120_000);
afterAll(() => removeLibrary());

let child: Child | undefined;
const channels: Channel[] = [];
afterEach(() => {
  for (const channel of channels.splice(0)) channel.close();
  if (child !== undefined && child.process.exitCode === null) child.process.kill("SIGKILL");
  child = undefined;
});

async function startCluster(workers: number, mode = "round-robin"): Promise<{ port: number; pids: number[] }> {
  child = startChild("test/server/children/cluster-server.mjs", [String(workers), mode]);
  const [, port, pids] = await child.waitForLine(/^listening on (\d+) workers ([\d,]+)$/, 60_000);
  return { port: Number(port), pids: (pids as string).split(",").map(Number) };
}

/** Opens connections until one reached each of `count` workers (or MAX_CONNECTIONS); resolves with a channel per worker pid. */
async function channelPerWorker(port: number, count: number, known = new Set<number>()): Promise<Map<number, Channel>> {
  const byPid = new Map<number, Channel>();
  for (let opened = 0; opened < MAX_CONNECTIONS && byPid.size < count; opened++) {
    const channel = createChannel(`127.0.0.1:${port}`);
    channels.push(channel);
    const reply = await createClient(Echo, { channel }).unary({});
    const pid = Number(reply.message);
    if (!byPid.has(pid) && !known.has(pid)) byPid.set(pid, channel);
  }
  return byPid;
}

describe("serveCluster", () => {
  it("serves one port from every worker process: separate connections reach each of them", async () => {
    const { port, pids } = await startCluster(2);
    expect(pids).toHaveLength(2);
    const reached = await channelPerWorker(port, 2);
    expect([...reached.keys()].sort()).toEqual([...pids].sort());
  }, 120_000);

  it("on SIGTERM turns health NOT_SERVING in every worker before any stops accepting, finishes every call in flight, and exits 0", async () => {
    const { port } = await startCluster(2);
    const reached = await channelPerWorker(port, 2);
    expect(reached.size).toBe(2);
    const watches: AsyncIterator<{ status: string }>[] = [];
    const streams: Promise<(number | undefined)[]>[] = [];
    for (const channel of reached.values()) {
      const watch = createClient(Health, { channel }).watch({ service: "" })[Symbol.asyncIterator]();
      expect((await watch.next()).value).toEqual({ status: "SERVING" });
      watches.push(watch);
      const replies = createClient(Echo, { channel }).serverStream({ count: 10, delayMs: 100 })[Symbol.asyncIterator]();
      const first = await replies.next(); // the call is in flight on that worker
      streams.push(
        (async () => {
          const indexes = [first.value?.index];
          for (let reply = await replies.next(); reply.done !== true; reply = await replies.next()) indexes.push(reply.value.index);
          return indexes;
        })(),
      );
    }

    const lineCount = child!.lines().length;
    child!.process.kill("SIGTERM");
    for (const watch of watches) {
      expect((await watch.next()).value).toEqual({ status: "NOT_SERVING" });
      await watch.return?.(); // as a load balancer would, once it saw the change
    }
    for (const stream of streams) expect(await stream).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await child!.waitForLine(/^primary closed$/, 60_000);
    expect(await child!.exit(30_000)).toBe(0);

    const shutdown = child!.lines().slice(lineCount);
    const notServing = shutdown.flatMap((line, index) => (/^worker \d+ not serving$/.test(line) ? [index] : []));
    const closing = shutdown.flatMap((line, index) => (/^worker \d+ closing$/.test(line) ? [index] : []));
    expect(notServing).toHaveLength(2);
    expect(closing).toHaveLength(2);
    expect(Math.max(...notServing)).toBeLessThan(Math.min(...closing));
  }, 120_000);

  it("a client with connectionsPerAddress: 2 spreads its calls over both workers through one channel", async () => {
    const { port, pids } = await startCluster(2);
    const channel = createChannel(`127.0.0.1:${port}`, { connectionsPerAddress: 2 });
    channels.push(channel);
    const echo = createClient(Echo, { channel });
    const reached = new Set<number>();
    // Calls four at a time keep the first connection busy, so the channel opens its second.
    for (let round = 0; round < 100 && reached.size < 2; round++) {
      const replies = await Promise.all([1, 2, 3, 4].map(() => echo.unary({})));
      for (const reply of replies) reached.add(Number(reply.message));
    }
    expect([...reached].sort()).toEqual([...pids].sort());
  }, 120_000);

  it("replaces a worker that died, and the new one serves on the same port", async () => {
    const { port, pids } = await startCluster(2);
    process.kill(pids[0] as number, "SIGKILL");
    await child!.waitForLine(new RegExp(`^h2grpc cluster: worker ${pids[0]} exited \\(SIGKILL\\); starting another$`), 30_000);
    let replacement: Map<number, Channel> = new Map();
    // The replacement listens a moment after the line above; connections keep arriving until it does.
    for (let round = 0; round < 20 && replacement.size === 0; round++) {
      replacement = await channelPerWorker(port, 1, new Set(pids));
    }
    expect(replacement.size).toBe(1);
  }, 120_000);

  it.skipIf(reusePortUnsupported !== undefined)("with reusePort, each worker binds the port itself and the kernel spreads connections over them", async () => {
    const { port, pids } = await startCluster(2, "reuse-port");
    const reached = await channelPerWorker(port, 2);
    expect([...reached.keys()].sort()).toEqual([...pids].sort());
  }, 120_000);

  it.skipIf(reusePortUnsupported === undefined)("rejects reusePort on a Node or platform without it, saying what it needs", async () => {
    await expect(createServer().listen({ port: 0, reusePort: true })).rejects.toThrow(/reusePort needs/);
    await expect(
      serveCluster({ workers: 2, listen: { reusePort: true }, setup: () => ({ server: createServer() }) }),
    ).rejects.toThrow(/reusePort needs/);
  });

  it("rejects a worker count that is not a whole number of at least 1", async () => {
    await expect(serveCluster({ workers: 0, setup: () => ({ server: createServer() }) })).rejects.toThrow(RangeError);
  });
});
