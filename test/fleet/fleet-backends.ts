// Starts fleet replicas (children/backend.mjs) in processes of their own on distinct loopback
// addresses, and stops every one a test started.
import { buildLibrary, startChild, type Child } from "../helpers/child-process.js";

/** A replica: its process and where it listens. */
export interface Backend {
  readonly host: string;
  readonly port: number;
  /** "host:port" */
  readonly address: string;
  readonly child: Child;
  /** Sets its health NOT_SERVING (false) or SERVING (true) and waits until it has. */
  setServing(isServing: boolean): Promise<void>;
  /** SIGKILL, as a crashed replica. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

const running = new Set<Backend>();

/** Starts a replica on `host` (and `port`, 0 for a free one); `options` go to the child. */
export async function startBackend(host: string, port = 0, options: { maxConnectionAgeMs?: number; delayMs?: number } = {}): Promise<Backend> {
  await buildLibrary();
  const child = startChild("test/fleet/children/backend.mjs", [host, String(port), JSON.stringify(options)]);
  const [, listening] = await child.waitForLine(/^listening on (\d+)$/);
  const bound = Number(listening);
  const backend: Backend = {
    host,
    port: bound,
    address: `${host}:${bound}`,
    child,
    async setServing(isServing) {
      const status = isServing ? "SERVING" : "NOT_SERVING";
      const from = child.lines().length;
      child.process.kill(isServing ? "SIGUSR2" : "SIGUSR1");
      await child.waitForLine(new RegExp(`^health ${status}$`), 20_000, from);
    },
    async kill() {
      running.delete(backend);
      child.process.kill("SIGKILL");
      await child.exit(10_000).catch(() => {});
    },
    async stop() {
      running.delete(backend);
      child.process.kill("SIGTERM");
      await child.exit(10_000).catch(() => child.process.kill("SIGKILL"));
    },
  };
  running.add(backend);
  return backend;
}

/** Stops every replica still running (for afterEach/afterAll). */
export async function stopAllBackends(): Promise<void> {
  await Promise.all([...running].map((backend) => backend.stop()));
}
