import { setTimeout as delay } from "node:timers/promises";
import { CLUSTER_DEFAULTS, type ServeClusterOptions, type ServerCluster } from "./cluster-options.js";

// The worker side of serveCluster, and the messages between a worker and the primary over the
// node:cluster IPC channel. Every message carries the key below, so a user's own messages on
// the same channel are left alone.

/** The environment variable that marks a worker serveCluster forked. */
export const WORKER_ENV = "H2GRPC_CLUSTER_WORKER";
/** The environment variable with the port every worker listens on. */
export const PORT_ENV = "H2GRPC_CLUSTER_PORT";

/** A message between the primary and a worker. */
export type ClusterMessage =
  | { readonly h2grpcCluster: "listening"; readonly port: number }
  | { readonly h2grpcCluster: "failed"; readonly message: string }
  /** Primary → worker: turn health NOT_SERVING (and answer "draining"). */
  | { readonly h2grpcCluster: "drain" }
  | { readonly h2grpcCluster: "draining" }
  /** Primary → worker: close the server with the grace period, then exit. */
  | { readonly h2grpcCluster: "close" };

/** True for a message of serveCluster's own. */
export function isClusterMessage(message: unknown): message is ClusterMessage {
  return typeof message === "object" && message !== null && "h2grpcCluster" in message;
}

function sendToPrimary(message: ClusterMessage): void {
  if (process.connected) process.send?.(message);
}

/**
 * Runs one worker: sets its server up, listens (on the primary's port when forked by serveCluster)
 * and tells the primary. Then it follows the primary's shutdown (drain, close), or shuts down by
 * itself on a signal or when the primary is gone; it exits once its server closed. Outside a
 * cluster of ours (a worker of pm2's cluster, say) it serves alone on the given port.
 */
export async function runClusterWorker(options: ServeClusterOptions, isForkedByUs: boolean): Promise<ServerCluster> {
  const listen = options.listen ?? {};
  const drainMs = options.drainMs ?? CLUSTER_DEFAULTS.drainMs;
  const graceMs = options.graceMs ?? CLUSTER_DEFAULTS.graceMs;
  const sharedPort = isForkedByUs ? Number(process.env[PORT_ENV]) : Number.NaN;
  let setup;
  let port: number;
  try {
    setup = await options.setup();
    port = await setup.server.listen({ ...listen, port: Number.isInteger(sharedPort) ? sharedPort : listen.port });
  } catch (error) {
    if (isForkedByUs) sendToPrimary({ h2grpcCluster: "failed", message: error instanceof Error ? error.message : String(error) });
    throw error;
  }
  const { server, health, onClosed } = setup;

  let isDraining = false;
  const drain = (): void => {
    if (isDraining) return;
    isDraining = true;
    health?.shutdown();
  };
  let closing: Promise<void> | undefined;
  // The worker's lifetime is serveCluster's: once its server closed it exits, as the primary expects.
  const closeServer = (): Promise<void> =>
    (closing ??= (async () => {
      drain();
      await server.close({ graceMs });
      await onClosed?.();
    })().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error("h2grpc cluster: closing the worker failed:", error);
        process.exit(1);
      },
    ));
  let shuttingDown: Promise<void> | undefined;
  const shutDownAlone = (): Promise<void> =>
    (shuttingDown ??= (async () => {
      drain();
      await delay(drainMs);
      await closeServer();
    })());

  if (isForkedByUs) {
    process.on("message", (message: unknown) => {
      if (!isClusterMessage(message)) return;
      if (message.h2grpcCluster === "drain") {
        drain();
        sendToPrimary({ h2grpcCluster: "draining" });
      } else if (message.h2grpcCluster === "close") {
        void closeServer();
      }
    });
    // The primary is gone (killed, say): no one else will tell this worker to stop.
    process.once("disconnect", () => void shutDownAlone());
    sendToPrimary({ h2grpcCluster: "listening", port });
  }
  // A terminal's Ctrl-C reaches every process of the group: a worker drains by itself rather
  // than die by the signal's default action, and the primary's messages find it draining.
  for (const signal of options.signals ?? CLUSTER_DEFAULTS.signals) process.on(signal, () => void shutDownAlone());
  // A worker ends by process.exit once its server closed: nothing after that would run.
  return { isPrimary: false, port, workerPids: [process.pid], close: shutDownAlone, closed: new Promise<void>(() => {}) };
}
