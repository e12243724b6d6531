import type { ImplName } from "./clients/bench-client.js";
import type { BenchOptions } from "./options.js";
import { serverRssBytes, startClientWorker, startServerWorker } from "./workers.js";

/** One memory reading: a client holding streams or idle connections open on a server, fresh processes each. */
export interface MemoryRun {
  readonly scenario: "open-streams" | "idle-connections";
  readonly client: ImplName;
  readonly server: ImplName;
  /** Streams or connections held. */
  readonly held: number;
  readonly serverRssBeforeBytes: number;
  readonly serverRssAfterBytes: number;
  readonly clientRssBeforeBytes: number;
  readonly clientRssAfterBytes: number;
}

/**
 * open-streams: the raw client holds `options.streams` bidi streams open on each server.
 * idle-connections: `options.connections` connections, one call each, then idle; each server
 * against the raw client (server side) and each client against the raw server (client side).
 * Baselines are read after a warm-up connection, so they exclude first-call costs.
 */
export async function runMemoryScenarios(options: BenchOptions, log: (line: string) => void): Promise<MemoryRun[]> {
  const runs: MemoryRun[] = [];
  for (let run = 1; run <= options.runs; run++) {
    if (options.scenarios.includes("open-streams")) {
      for (const server of options.impls) {
        log(`run ${run}/${options.runs} open-streams: ${options.streams} streams on the ${server} server`);
        runs.push(await measureHeld("open-streams", "raw", server, options.streams, options));
      }
    }
    if (options.scenarios.includes("idle-connections")) {
      const pairs = new Map<string, [ImplName, ImplName]>();
      for (const impl of options.impls) {
        pairs.set(`raw>${impl}`, ["raw", impl]);
        pairs.set(`${impl}>raw`, [impl, "raw"]);
      }
      for (const [client, server] of pairs.values()) {
        log(`run ${run}/${options.runs} idle-connections: ${options.connections} ${client} connections → ${server} server`);
        runs.push(await measureHeld("idle-connections", client, server, options.connections, options));
      }
    }
  }
  return runs;
}

async function measureHeld(
  scenario: MemoryRun["scenario"],
  clientImpl: ImplName,
  serverImpl: ImplName,
  count: number,
  options: BenchOptions,
): Promise<MemoryRun> {
  const server = await startServerWorker(serverImpl, options.profileDir);
  const client = await startClientWorker(clientImpl, options.profileDir);
  try {
    await client.request({ type: "warm", port: server.port });
    const serverRssBeforeBytes = await serverRssBytes(server);
    const type = scenario === "open-streams" ? "hold-streams" : "hold-connections";
    const held = await client.request({ type, port: server.port, count });
    if (held.type !== "held") throw new Error(`unexpected reply ${held.type}`);
    const serverRssAfterBytes = await serverRssBytes(server);
    await client.request({ type: "release" });
    return {
      scenario,
      client: clientImpl,
      server: serverImpl,
      held: count,
      serverRssBeforeBytes,
      serverRssAfterBytes,
      clientRssBeforeBytes: held.rssBeforeBytes,
      clientRssAfterBytes: held.rssAfterBytes,
    };
  } finally {
    await client.stop();
    await server.worker.stop();
  }
}
