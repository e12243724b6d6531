// `npm start`: the tutorial server on the command line. Flags:
//   --host=127.0.0.1  --port=50051 (or PORT)  --tls  --stream-interval-ms=1000  --drain-ms=1000  --grace-ms=10000
//   --workers=N  --reuse-port
// SIGTERM or SIGINT: health NOT_SERVING, drain, graceful close, exit 0; a second signal (not an
// echo of the first) exits at once. With --workers, the same across every worker process.
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { insecure, serveCluster, serverTls } from "h2grpc";
import { displayPath, grpcurlCommands } from "./grpcurl-commands.js";
import { ensureTutorialCertificate } from "./tls-certificate.js";
import { createTutorialServer, startTutorialServer, type TutorialServerOptions } from "./tutorial-server.js";
import { loadTutorialServices } from "./tutorial-services.js";

const USAGE = `usage: npm start -- [--host=127.0.0.1] [--port=50051] [--tls] [--stream-interval-ms=1000] [--drain-ms=1000] [--grace-ms=10000]
                    [--workers=N [--reuse-port]]
  --port            the port (default: $PORT, else 50051; 0 picks a free one)
  --tls             TLS with the self-signed gsh.com certificate (made on first use in .tutorial-tls/) and the token check
  --stream-interval-ms  the pause between ListValue's ten replies
  --drain-ms        on SIGTERM/SIGINT, how long health reports NOT_SERVING before the server stops accepting calls
  --grace-ms        then how long in-flight calls may finish before they are cancelled
  --workers         serve from N processes on the one port (serveCluster), e.g. one per core
  --reuse-port      with --workers: each worker binds the port itself and the kernel spreads
                    connections (Node 22.12+ on Linux); without it the primary hands them out in turn
`;

/** What main runs: one server, or the primary or a worker of a cluster of them. */
interface Running {
  readonly address: string;
  readonly serviceNames: readonly string[];
  /** Set in a cluster's primary. */
  readonly workerPids?: readonly number[];
  /** False in a cluster's worker, which prints nothing of its own. */
  readonly isPrimary: boolean;
  close(): Promise<void>;
}

async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      host: { type: "string", default: "127.0.0.1" },
      port: { type: "string" },
      tls: { type: "boolean", default: false },
      "stream-interval-ms": { type: "string" },
      "drain-ms": { type: "string" },
      "grace-ms": { type: "string" },
      workers: { type: "string" },
      "reuse-port": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const certificate = values.tls ? ensureTutorialCertificate() : undefined;
  const options: TutorialServerOptions = {
    host: values.host,
    port: parseNumber("--port", values.port ?? process.env["PORT"] ?? "50051"),
    tls: certificate === undefined ? false : { cert: certificate.cert, key: certificate.key },
    streamIntervalMs: parseOptionalNumber("--stream-interval-ms", values["stream-interval-ms"]),
    drainMs: parseOptionalNumber("--drain-ms", values["drain-ms"]),
    graceMs: parseOptionalNumber("--grace-ms", values["grace-ms"]),
  };
  const workers = parseOptionalNumber("--workers", values.workers);
  const running = workers === undefined ? await serveAlone(options) : await serveOnWorkers(options, workers, values["reuse-port"], argv);
  if (running.isPrimary) {
    const isTls = options.tls !== false;
    const mode = isTls ? "TLS (certificate for gsh.com; calls need the token)" : "plaintext";
    const processes = running.workerPids === undefined ? "" : `, ${running.workerPids.length} worker processes (pids ${running.workerPids.join(", ")})`;
    const target = { address: running.address, certPath: certificate && displayPath(certificate.certPath) };
    console.log(
      [
        `h2grpc tutorial server listening on ${running.address}, ${mode}${processes}`,
        `services: ${running.serviceNames.join(", ")}, grpc.health.v1.Health, grpc.reflection.v1(alpha).ServerReflection`,
        "try:",
        ...grpcurlCommands(target).map((line) => `  ${line}`),
        `or the tutorial's client programs: npm run tutorial -- <lesson>${isTls ? " (tls-token)" : ""}`,
        ...(isTls ? [] : [`or the page that calls it from a browser: http://${running.address}/`]),
        "Ctrl-C or SIGTERM shuts down gracefully.",
      ].join("\n"),
    );
  }

  let firstSignalAt: number | undefined;
  const shutDown = (signal: NodeJS.Signals): void => {
    if (firstSignalAt !== undefined) {
      // Ctrl-C under `npm start` arrives twice at once (from the terminal, and forwarded by npm):
      // only a signal a moment later is the user asking again.
      if (Date.now() - firstSignalAt < REPEAT_SIGNAL_MS) return;
      console.log(`${signal} again: exiting now`);
      process.exit(0);
    }
    firstSignalAt = Date.now();
    if (running.isPrimary) console.log(`${signal}: health NOT_SERVING, draining, then closing gracefully`);
    // The server cancels what is left after the grace period; this timer is the last resort.
    const lastResort = setTimeout(() => process.exit(0), (options.drainMs ?? 1_000) + (options.graceMs ?? 10_000) + 5_000);
    lastResort.unref();
    running.close().then(
      () => {
        if (running.isPrimary) console.log("closed");
        process.exit(0);
      },
      (error: unknown) => {
        console.error("close failed:", error);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", shutDown);
  process.on("SIGINT", shutDown);
}

async function serveAlone(options: TutorialServerOptions): Promise<Running> {
  const tutorial = await startTutorialServer(options);
  return { address: tutorial.address, serviceNames: tutorial.serviceNames, isPrimary: true, close: () => tutorial.close() };
}

// Every worker runs this same file again (serveCluster forks it); the signals are handled here,
// in the primary and in each worker, as for one process.
async function serveOnWorkers(options: TutorialServerOptions, workers: number, reusePort: boolean, argv: readonly string[]): Promise<Running> {
  const host = options.host ?? "127.0.0.1";
  const credentials = typeof options.tls === "object" ? serverTls(options.tls) : insecure();
  const cluster = await serveCluster({
    workers,
    listen: { host, port: options.port, credentials, reusePort },
    drainMs: options.drainMs,
    graceMs: options.graceMs,
    signals: [],
    script: fileURLToPath(import.meta.url),
    args: argv,
    setup: () => createTutorialServer(options),
  });
  const address = `${host.includes(":") ? `[${host}]` : host}:${cluster.port}`;
  const serviceNames = Object.values(loadTutorialServices()).map((definition) => definition.typeName);
  return { address, serviceNames, isPrimary: cluster.isPrimary, workerPids: cluster.workerPids, close: () => cluster.close() };
}

/** Signals closer together than this count as one. */
const REPEAT_SIGNAL_MS = 500;

function parseNumber(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${flag} must be a whole number, got ${JSON.stringify(text)}`);
  return value;
}

function parseOptionalNumber(flag: string, text: string | undefined): number | undefined {
  return text === undefined ? undefined : parseNumber(flag, text);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  if ((error as { code?: unknown }).code === "EADDRINUSE") console.error("is the tutorial server running already? choose another port with --port=N");
  process.exit(1);
});
