// h2grpc health: grpc_health_probe (github.com/grpc-ecosystem/grpc-health-probe main.go) for a
// Kubernetes exec probe: the same flags, the same lines (on stderr, where Go's log writes), the
// same exit statuses: 0 SERVING, 1 bad flags, 2 connection failure, 3 RPC failure, 4 not serving.
import { readFileSync } from "node:fs";
import { loadStandardService } from "../services/standard-protos.js";
import {
  channelTls,
  createChannel,
  createClient,
  GrpcError,
  insecure,
  Status,
  VERSION,
  type Channel,
  type ChannelCredentials,
  type HealthDefinition,
} from "../index.js";
import type { CommandIo } from "./command-io.js";
import { booleanFlag, durationFlag, formatGoDuration, listFlag, parseGoFlags, stringFlag, UsageError, type FlagSpecs } from "./go-flags.js";
import { goErrorText } from "./go-status.js";
import { metadataFromHeaders } from "./request-headers.js";

// main.go's exit statuses (StatusInvalidArguments, …).
const Exit = { Serving: 0, InvalidArguments: 1, ConnectionFailure: 2, RpcFailure: 3, Unhealthy: 4 } as const;

const FLAGS: FlagSpecs = {
  addr: { type: "string" },
  service: { type: "string" },
  "user-agent": { type: "string" },
  "connect-timeout": { type: "string" },
  "rpc-header": { type: "string", multiple: true },
  "rpc-timeout": { type: "string" },
  tls: { type: "boolean" },
  "tls-no-verify": { type: "boolean" },
  "tls-ca-cert": { type: "string" },
  "tls-client-cert": { type: "string" },
  "tls-client-key": { type: "string" },
  "tls-server-name": { type: "string" },
  v: { type: "boolean" },
  version: { type: "boolean" },
  help: { type: "boolean", short: "h" },
};

const HELP = `usage: h2grpc health [flags] <address>       (or -addr=<address>)

Checks grpc.health.v1.Health/Check, as grpc_health_probe does, with the same flags and exit
statuses: 0 SERVING, 1 invalid flags, 2 connection failure, 3 RPC failure, 4 not SERVING.

  -addr <host:port>          the server (or give it as the argument)
  -service <name>            the service to check (default "": the whole server)
  -connect-timeout <d>       time to establish the connection (default 1s)
  -rpc-timeout <d>           time for the health RPC (default 1s)
  -rpc-header 'name: value'  request metadata (repeatable)
  -user-agent <ua>           user-agent of the request (default grpc_health_probe)
  -tls                       use TLS (default: plaintext)
  -tls-no-verify             with -tls, do not verify the server certificate (INSECURE)
  -tls-ca-cert <file>        with -tls, trust the certificates in <file>
  -tls-client-cert <file>    with -tls, client certificate (needs -tls-client-key)
  -tls-client-key <file>     with -tls, client private key (needs -tls-client-cert)
  -tls-server-name <name>    with -tls, the name checked in the server certificate
  -v                         log the options and timings
  -version                   print the version
`;

/** Runs the probe; resolves with grpc_health_probe's exit status. Never rejects. */
export async function runHealth(argv: readonly string[], io: CommandIo): Promise<number> {
  const log = (line: string): void => io.stderr(`${line}\n`);
  let probe: ProbeOptions;
  try {
    const parsed = parseProbeOptions(argv);
    if (parsed === "help" || parsed === "version") {
      io.stdout(parsed === "help" ? HELP : `h2grpc ${VERSION}\n`);
      return Exit.Serving;
    }
    probe = parsed;
  } catch (error) {
    log(error instanceof UsageError ? error.message : `error: ${(error as Error).message}`);
    return Exit.InvalidArguments;
  }
  if (probe.verbose) {
    log("parsed options:");
    log(`> addr=${probe.address} conn_timeout=${formatGoDuration(probe.connectTimeoutMs)} rpc_timeout=${formatGoDuration(probe.rpcTimeoutMs)}`);
    log(`> tls=${String(probe.isTls)}`);
  }
  let credentials: ChannelCredentials;
  try {
    credentials = probeCredentials(probe);
  } catch (error) {
    log(`failed to initialize tls credentials. error=${(error as Error).message}`);
    return Exit.InvalidArguments;
  }
  let channel: Channel;
  try {
    channel = createChannel(probe.address, { credentials, backoff: { minConnectTimeoutMs: probe.connectTimeoutMs } });
  } catch (error) {
    log(`error: failed to connect service at ${JSON.stringify(probe.address)}: ${(error as Error).message}`);
    return Exit.ConnectionFailure;
  }
  try {
    return await check(channel, probe, log);
  } finally {
    channel.close();
  }
}

async function check(channel: Channel, probe: ProbeOptions, log: (line: string) => void): Promise<number> {
  if (probe.verbose) log("establishing connection");
  const connectStart = performance.now();
  try {
    // grpc.WithBlock: keep dialling (with backoff) until connected or the timeout passes.
    await channel.connect({ waitForReady: true, signal: AbortSignal.timeout(probe.connectTimeoutMs) });
  } catch {
    log(`timeout: failed to connect service ${JSON.stringify(probe.address)} within ${formatGoDuration(probe.connectTimeoutMs)}`);
    return Exit.ConnectionFailure;
  }
  const connectMs = performance.now() - connectStart;
  if (probe.verbose) log(`connection established (took ${formatGoDuration(round(connectMs))})`);

  const health = createClient(loadStandardService<HealthDefinition>("grpc/health/v1/health.proto", "grpc.health.v1.Health"), { channel });
  const rpcStart = performance.now();
  let status: string;
  try {
    ({ status } = await health.check({ service: probe.service }, { timeoutMs: probe.rpcTimeoutMs, metadata: probe.metadata }));
  } catch (error) {
    const grpcError = GrpcError.from(error);
    if (grpcError.code === Status.UNIMPLEMENTED) log(`error: this server does not implement the grpc health protocol (grpc.health.v1.Health): ${grpcError.details}`);
    else if (grpcError.code === Status.DEADLINE_EXCEEDED) log(`timeout: health rpc did not complete within ${formatGoDuration(probe.rpcTimeoutMs)}`);
    else log(`error: health rpc failed: ${goErrorText(grpcError)}`);
    return Exit.RpcFailure;
  }
  if (status !== "SERVING") {
    log(`service unhealthy (responded with ${JSON.stringify(status)})`);
    return Exit.Unhealthy;
  }
  if (probe.verbose) log(`time elapsed: connect=${formatGoDuration(round(connectMs))} rpc=${formatGoDuration(round(performance.now() - rpcStart))}`);
  log(`status: ${status}`);
  return Exit.Serving;
}

interface ProbeOptions {
  readonly address: string;
  readonly service: string;
  readonly connectTimeoutMs: number;
  readonly rpcTimeoutMs: number;
  readonly metadata: ReturnType<typeof metadataFromHeaders>;
  readonly isTls: boolean;
  readonly noVerify: boolean;
  readonly caCert: string;
  readonly clientCert: string;
  readonly clientKey: string;
  readonly serverName: string;
  readonly verbose: boolean;
}

// main.go init(): the same checks, in the same order, with the same words.
function parseProbeOptions(argv: readonly string[]): ProbeOptions | "help" | "version" {
  const { values, positionals } = parseGoFlags(argv, FLAGS);
  if (booleanFlag(values, "help")) return "help";
  if (booleanFlag(values, "version")) return "version";
  const fail = (message: string): never => {
    throw new UsageError(`error: ${message}`);
  };
  if (positionals.length > 1) fail(`unexpected arguments: ${positionals.slice(1).join(" ")}`);
  const address = stringFlag(values, "addr") || (positionals[0] ?? "");
  if (address === "") fail("-addr not specified");
  const connectTimeoutMs = durationFlag(values, "connect-timeout") ?? 1000;
  const rpcTimeoutMs = durationFlag(values, "rpc-timeout") ?? 1000;
  if (connectTimeoutMs <= 0) fail(`-connect-timeout must be greater than zero (specified: ${formatGoDuration(connectTimeoutMs)})`);
  if (rpcTimeoutMs <= 0) fail(`-rpc-timeout must be greater than zero (specified: ${formatGoDuration(rpcTimeoutMs)})`);
  const isTls = booleanFlag(values, "tls");
  const [noVerify, caCert] = [booleanFlag(values, "tls-no-verify"), stringFlag(values, "tls-ca-cert")];
  const [clientCert, clientKey, serverName] = [stringFlag(values, "tls-client-cert"), stringFlag(values, "tls-client-key"), stringFlag(values, "tls-server-name")];
  if (!isTls && noVerify) fail("specified -tls-no-verify without specifying -tls");
  if (!isTls && caCert !== "") fail("specified -tls-ca-cert without specifying -tls");
  if (!isTls && clientCert !== "") fail("specified -tls-client-cert without specifying -tls");
  if (!isTls && serverName !== "") fail("specified -tls-server-name without specifying -tls");
  if (clientCert !== "" && clientKey === "") fail("specified -tls-client-cert without specifying -tls-client-key");
  if (clientCert === "" && clientKey !== "") fail("specified -tls-client-key without specifying -tls-client-cert");
  if (noVerify && caCert !== "") fail("cannot specify -tls-ca-cert with -tls-no-verify (CA cert would not be used)");
  if (noVerify && serverName !== "") fail("cannot specify -tls-server-name with -tls-no-verify (server name would not be used)");
  const metadata = metadataFromHeaders(listFlag(values, "rpc-header"));
  metadata.set("user-agent", stringFlag(values, "user-agent", "grpc_health_probe"));
  return { address, service: stringFlag(values, "service"), connectTimeoutMs, rpcTimeoutMs, metadata, isTls, noVerify, caCert, clientCert, clientKey, serverName, verbose: booleanFlag(values, "v") };
}

// main.go buildCredentials.
function probeCredentials(probe: ProbeOptions): ChannelCredentials {
  if (!probe.isTls) return insecure();
  let ca: Buffer | undefined;
  let keyPair: { cert: Buffer; key: Buffer } | undefined;
  if (probe.clientCert !== "") {
    try {
      keyPair = { cert: readFileSync(probe.clientCert), key: readFileSync(probe.clientKey) };
    } catch (error) {
      throw new Error(`failed to load tls client cert/key pair. error=${(error as Error).message}`);
    }
  }
  if (!probe.noVerify && probe.caCert !== "") {
    try {
      ca = readFileSync(probe.caCert);
    } catch (error) {
      throw new Error(`failed to load root CA certificates from file (${probe.caCert}) error=${(error as Error).message}`);
    }
  }
  return channelTls({
    ...(ca !== undefined ? { ca } : {}),
    ...(keyPair ?? {}),
    ...(probe.serverName !== "" ? { serverNameOverride: probe.serverName } : {}),
    ...(probe.noVerify ? { verifyServerCertificate: false } : {}),
  });
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
