// The connection flags of call, list, describe and bench (grpcurl's: -plaintext, -insecure,
// -cacert, -cert, -key, -authority, -servername, -connect-timeout), checked as grpcurl checks
// them, and the blocking dial grpcurl does before anything else.
import { readFileSync } from "node:fs";
import { channelTls, createChannel, GrpcError, insecure, type Channel, type ChannelOptions } from "../index.js";
import { booleanFlag, secondsFlag, stringFlag, UsageError, type FlagSpecs, type FlagValues } from "./go-flags.js";

/** A failure that is not the user's command line: exit status 1, with grpcurl's wording. */
export class CommandFailure extends Error {
  override readonly name: string = "CommandFailure";
}

/** The connection flags, as grpcurl spells them. */
export const CONNECTION_FLAGS: FlagSpecs = {
  plaintext: { type: "boolean" },
  insecure: { type: "boolean" },
  cacert: { type: "string" },
  cert: { type: "string" },
  key: { type: "string" },
  authority: { type: "string" },
  servername: { type: "string" },
  "connect-timeout": { type: "string" },
};

/** Help lines for CONNECTION_FLAGS. */
export const CONNECTION_HELP = `  -plaintext            plaintext HTTP/2 (h2c); without it the connection uses TLS
  -insecure             TLS without checking the server certificate (NOT SECURE)
  -cacert <file>        trust the CA certificates in <file> (PEM) instead of the system roots
  -cert <file>          client certificate (PEM) for mutual TLS; needs -key
  -key <file>           client private key (PEM) for mutual TLS; needs -cert
  -authority <name>     the :authority header; under TLS also the name checked in the certificate
  -servername <name>    the name checked in the server certificate (prefer -authority)
  -connect-timeout <s>  seconds to wait for the connection (default 10)
`;

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** How to reach the server: channel options and the dial timeout. */
export interface ConnectionSettings {
  readonly channelOptions: ChannelOptions;
  readonly connectTimeoutMs: number;
  /** grpcurl's warnings (printed to stderr as "Warning: …"). */
  readonly warnings: readonly string[];
}

/**
 * Turns the connection flags into channel options; throws UsageError for combinations grpcurl
 * refuses, and CommandFailure ("Failed to create TLS config: …") for a file it cannot read.
 */
export function connectionSettings(values: FlagValues): ConnectionSettings {
  const isPlaintext = booleanFlag(values, "plaintext");
  const [cacert, cert, key] = [stringFlag(values, "cacert"), stringFlag(values, "cert"), stringFlag(values, "key")];
  const [authority, servername] = [stringFlag(values, "authority"), stringFlag(values, "servername")];
  if (booleanFlag(values, "insecure") && isPlaintext) throw new UsageError("The -insecure argument can only be used with TLS.");
  if (cert !== "" && isPlaintext) throw new UsageError("The -cert argument can only be used with TLS.");
  if (key !== "" && isPlaintext) throw new UsageError("The -key argument can only be used with TLS.");
  if ((cert === "") !== (key === "")) throw new UsageError("The -cert and -key arguments must be used together and both be present.");
  const connectTimeoutMs = secondsFlag(values, "connect-timeout") || DEFAULT_CONNECT_TIMEOUT_MS;
  const warnings: string[] = [];
  if (isPlaintext) return { channelOptions: { credentials: insecure(), ...(authority !== "" ? { authority } : {}) }, connectTimeoutMs, warnings };

  if (servername !== "" && authority !== "") {
    if (servername !== authority) throw new UsageError("Cannot specify different values for -servername and -authority.");
    warnings.push("Both -servername and -authority are present; prefer only -authority.");
  }
  const read = (file: string, what: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (error) {
      throw new CommandFailure(`Failed to create TLS config: could not read ${what}: ${(error as Error).message}`);
    }
  };
  const serverName = servername || authority;
  const credentials = channelTls({
    ...(cacert !== "" ? { ca: read(cacert, "ca certificate") } : {}),
    ...(cert !== "" ? { cert: read(cert, "client certificate"), key: read(key, "client key") } : {}),
    ...(serverName !== "" ? { serverNameOverride: serverName } : {}),
    ...(booleanFlag(values, "insecure") ? { verifyServerCertificate: false } : {}),
  });
  return { channelOptions: { credentials }, connectTimeoutMs, warnings };
}

/**
 * Opens a channel and waits until it is connected, as grpcurl's BlockingDial does; throws
 * CommandFailure ("Failed to dial target host …") if the address is malformed, the connection
 * fails or the timeout passes first. A connection refused fails at once rather than at the timeout.
 */
export async function dial(target: string, settings: ConnectionSettings, signal?: AbortSignal): Promise<Channel> {
  let channel: Channel;
  try {
    channel = createChannel(target, { ...settings.channelOptions, backoff: { minConnectTimeoutMs: settings.connectTimeoutMs } });
  } catch (error) {
    throw new CommandFailure(`Failed to dial target host ${JSON.stringify(target)}: ${(error as Error).message}`);
  }
  const timeout = AbortSignal.timeout(settings.connectTimeoutMs);
  try {
    await channel.connect({ signal: signal === undefined ? timeout : AbortSignal.any([timeout, signal]) });
    return channel;
  } catch (error) {
    channel.close();
    const cause = error instanceof GrpcError && error.cause instanceof Error ? error.cause.message : undefined;
    const reason = timeout.aborted || signal?.aborted === true ? "context deadline exceeded" : (cause ?? (error instanceof GrpcError ? error.details : String(error)));
    throw new CommandFailure(`Failed to dial target host ${JSON.stringify(target)}: ${reason}`);
  }
}
