import type { GrpcError } from "../../grpc-error.js";
import type { TargetUri } from "../channel/target.js";

// The resolver API (grpc's doc/naming.md and doc/load-balancing.md): a resolver turns a target's
// endpoint into addresses (and maybe a service config) and tells the channel whenever they change;
// the load balancer decides what to connect to. A scheme of one's own (service discovery) is a
// ResolverFactory given to registerResolver.

/** One address a resolver found: a TCP host (an IP address, IPv6 without brackets) and port, or a unix socket path. */
export type ResolvedAddress =
  | { readonly kind: "tcp"; readonly host: string; readonly port: number }
  | { readonly kind: "unix"; readonly path: string };

/** What a resolver found. */
export interface Resolution {
  /** Every address of the target, in the order to try them; may be empty (calls then wait or fail). */
  readonly addresses: readonly ResolvedAddress[];
  /**
   * The service config that came with them (grpc's service_config.proto as JSON, an object or its
   * text), or undefined for none: the channel's `serviceConfig` option applies then.
   */
  readonly serviceConfig?: unknown;
}

/** Where a resolver reports; both may be called any number of times, never after close(). */
export interface ResolutionListener {
  /** The target's addresses now; replaces what was reported before. */
  onResolution(resolution: Resolution): void;
  /** Resolving failed (UNAVAILABLE): the channel keeps the last addresses, or fails calls if it has none. */
  onResolutionError(error: GrpcError): void;
}

/** A running resolution of one target, owned by one channel. */
export interface Resolver {
  /** The channel lost a connection or got a GOAWAY: resolve again soon (a resolver may rate-limit this). */
  resolveNow(): void;
  /** The channel went idle or closed: stop every timer and lookup; report nothing more. */
  close(): void;
}

/** Channel options a resolver may honour. */
export interface ResolverOptions {
  /** The least time between two resolutions (ChannelOptions.minResolutionIntervalMs, default 30 s). */
  readonly minResolutionIntervalMs: number;
  /** Whether to look up a service config (DNS TXT `grpc_config=`; ChannelOptions.serviceConfigFromDns). */
  readonly isServiceConfigLookupEnabled: boolean;
}

/** Makes resolvers for one scheme; give it to registerResolver. */
export interface ResolverFactory {
  /**
   * Throws TypeError (use a message naming the target) when `target.endpoint` or its authority is
   * malformed; called by createChannel, so a bad target fails there rather than on the first call.
   */
  validate?(target: TargetUri): void;
  /** The :authority calls carry (before a TLS server-name override or the `authority` option); default: the endpoint. */
  defaultAuthority?(target: TargetUri): string;
  /** Starts resolving; the first result may be reported at once or later, but never from inside create(). */
  create(target: TargetUri, listener: ResolutionListener, options: ResolverOptions): Resolver;
}
