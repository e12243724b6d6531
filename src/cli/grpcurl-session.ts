// What call, list and describe share once their command line is parsed: the deadline of
// -max-time, the connection (dialled before anything else, as grpcurl does), the descriptor
// source, the request metadata, and -vv's timing tree.
import type { Channel, Metadata } from "../index.js";
import { connectionSettings, dial } from "./connection.js";
import { fileSource, reflectionSource, type DescriptorSource } from "./descriptor-source.js";
import { formatGoDuration } from "./go-flags.js";
import type { GrpcurlOptions } from "./grpcurl-options.js";
import { metadataFromHeaders } from "./request-headers.js";

/** An open call/list/describe: close it with closeSession. */
export interface GrpcurlSession {
  readonly options: GrpcurlOptions;
  /** Undefined for list/describe from files, which need no server. */
  readonly channel: Channel | undefined;
  readonly source: DescriptorSource;
  /** Epoch ms when -max-time runs out. */
  readonly deadline: number | undefined;
  /** The metadata of the call itself: -H and -rpc-header. */
  readonly rpcMetadata: Metadata;
  readonly timing: Timing;
}

/**
 * Prints grpcurl's warnings, dials the address (if any) and opens the descriptor source; throws
 * UsageError or CommandFailure as grpcurl would fail.
 */
export async function openSession(options: GrpcurlOptions, stderr: (text: string) => void): Promise<GrpcurlSession> {
  const settings = connectionSettings(options.values);
  for (const warning of [...options.warnings, ...settings.warnings]) stderr(`Warning: ${warning}\n`);
  const env = options.expandHeaders ? process.env : undefined;
  const headers = metadataFromHeaders(options.headers, env);
  const rpcMetadata = headers.clone().merge(metadataFromHeaders(options.rpcHeaders, env));
  const reflectMetadata = headers.clone().merge(metadataFromHeaders(options.reflectHeaders, env));
  const deadline = options.maxTimeMs === undefined ? undefined : Date.now() + options.maxTimeMs;
  const signal = options.maxTimeMs === undefined ? undefined : AbortSignal.timeout(options.maxTimeMs);
  const timing = new Timing("Timing Data");
  const hasFiles = options.protoFiles.length > 0 || options.protosets.length > 0;
  const files = hasFiles ? fileSource(options.protoFiles, options.importPaths, options.protosets) : undefined;

  let channel: Channel | undefined;
  if (options.address !== undefined) {
    const dialTiming = timing.child("Dial");
    const blocking = dialTiming.child("BlockingDial");
    const channelSettings = options.maxReceiveMessageBytes === undefined ? settings : { ...settings, channelOptions: { ...settings.channelOptions, maxReceiveMessageBytes: options.maxReceiveMessageBytes } };
    channel = await dial(options.address, channelSettings, signal);
    blocking.done();
    dialTiming.done();
  }
  const source = files ?? reflectionSource(channel as Channel, reflectMetadata, signal);
  return { options, channel, source, deadline, rpcMetadata, timing };
}

/** Closes the reflection stream and the connection. */
export function closeSession(session: GrpcurlSession): void {
  session.source.close();
  session.channel?.close();
}

/** grpcurl's -vv timing tree: each step's wall time, printed indented by Go's Duration format. */
export class Timing {
  readonly #start = performance.now();
  readonly #children: Timing[] = [];
  #elapsedMs: number | undefined;

  constructor(private readonly title: string) {}

  /** Starts a sub-step. */
  child(title: string): Timing {
    const child = new Timing(title);
    this.#children.push(child);
    return child;
  }

  /** Ends the step (the first call counts). */
  done(): void {
    this.#elapsedMs ??= performance.now() - this.#start;
  }

  /** The tree as grpcurl's dumpTiming prints it: "Title: 1.234ms", children two spaces further in. */
  text(depth = 0): string {
    this.done();
    const line = `${"  ".repeat(depth)}${this.title}: ${formatGoDuration(Math.round((this.#elapsedMs ?? 0) * 1000) / 1000)}\n`;
    return line + this.#children.map((child) => child.text(depth + 1)).join("");
  }
}
