// `npm start`: the tutorial server on the command line. Flags:
//   --host=127.0.0.1  --port=50051 (or PORT)  --tls  --stream-interval-ms=1000  --drain-ms=1000  --grace-ms=10000
// SIGTERM or SIGINT: health NOT_SERVING, drain, graceful close, exit 0; a second signal (not an
// echo of the first) exits at once.
import { parseArgs } from "node:util";
import { displayPath, grpcurlCommands } from "./grpcurl-commands.js";
import { ensureTutorialCertificate } from "./tls-certificate.js";
import { startTutorialServer, type TutorialServerOptions } from "./tutorial-server.js";

const USAGE = `usage: npm start -- [--host=127.0.0.1] [--port=50051] [--tls] [--stream-interval-ms=1000] [--drain-ms=1000] [--grace-ms=10000]
  --port            the port (default: $PORT, else 50051; 0 picks a free one)
  --tls             TLS with the self-signed gsh.com certificate (made on first use in .tutorial-tls/) and the token check
  --stream-interval-ms  the pause between ListValue's ten replies
  --drain-ms        on SIGTERM/SIGINT, how long health reports NOT_SERVING before the server stops accepting calls
  --grace-ms        then how long in-flight calls may finish before they are cancelled
`;

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
  const tutorial = await startTutorialServer(options);

  const mode = tutorial.isTls ? "TLS (certificate for gsh.com; calls need the token)" : "plaintext";
  const target = { address: tutorial.address, certPath: certificate && displayPath(certificate.certPath) };
  console.log(
    [
      `h2grpc tutorial server listening on ${tutorial.address}, ${mode}`,
      `services: ${tutorial.serviceNames.join(", ")}, grpc.health.v1.Health, grpc.reflection.v1(alpha).ServerReflection`,
      "try:",
      ...grpcurlCommands(target).map((line) => `  ${line}`),
      `or the tutorial's client programs: npm run tutorial -- <lesson>${tutorial.isTls ? " (tls-token)" : ""}`,
      ...(tutorial.isTls ? [] : [`or the page that calls it from a browser: http://${tutorial.address}/`]),
      "Ctrl-C or SIGTERM shuts down gracefully.",
    ].join("\n"),
  );

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
    console.log(`${signal}: health NOT_SERVING, draining, then closing gracefully`);
    // The server cancels what is left after the grace period; this timer is the last resort.
    const lastResort = setTimeout(() => process.exit(0), (options.drainMs ?? 1_000) + (options.graceMs ?? 10_000) + 5_000);
    lastResort.unref();
    tutorial.close().then(
      () => {
        console.log("closed");
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
