import { ipVersionOf } from "../../transport/ip-address.js";
import { systemTimers, type Timers } from "../../deadline.js";
import { GrpcError } from "../../grpc-error.js";
import { Status } from "../../status.js";
import { createDnsLookup, isNoRecordsError, type DnsLookup } from "../../transport/dns-lookup.js";
import { ConnectionBackoff, backoffSettings } from "../channel/backoff.js";
import { formatHostPort, invalidTarget, parseHostPort, type HostPort, type TargetUri } from "../channel/target.js";
import { serviceConfigFromTxtRecords } from "../service-config/dns-service-config.js";
import type { Resolution, ResolutionListener, ResolvedAddress, Resolver, ResolverFactory, ResolverOptions } from "./resolver.js";

/** The default least time between two resolutions (grpc-go's and grpc-js's 30 s). */
export const DEFAULT_MIN_RESOLUTION_INTERVAL_MS = 30_000;

/** naming.md `dns:[//authority/]host:port`, and a target without a registered scheme. */
export const dnsResolverFactory: ResolverFactory = {
  validate(target) {
    parseHostPort(target.text, target.endpoint);
    dnsServerOf(target);
  },
  defaultAuthority: (target) => formatHostPort(parseHostPort(target.text, target.endpoint)),
  create: (target, listener, options) =>
    new DnsResolver(parseHostPort(target.text, target.endpoint), createDnsLookup(dnsServerOf(target)), listener, options),
};

/**
 * Resolves a host's A and AAAA records (every address) and, when enabled, its `_grpc_config` TXT
 * record (gRFC A2). It resolves when created and again when the channel asks (a connection lost, a
 * GOAWAY), never sooner than `minResolutionIntervalMs` after the last time; a failed lookup is
 * retried with connection backoff. An IP address is its own resolution.
 */
export class DnsResolver implements Resolver {
  readonly #target: HostPort;
  readonly #lookup: DnsLookup;
  readonly #listener: ResolutionListener;
  readonly #options: ResolverOptions;
  readonly #timers: Timers;
  readonly #backoff = new ConnectionBackoff(backoffSettings());
  #isResolving = false;
  #isRequested = false;
  #isClosed = false;
  #lastResolvedAt = -Infinity;
  #timer: unknown;

  constructor(target: HostPort, lookup: DnsLookup, listener: ResolutionListener, options: ResolverOptions, timers: Timers = systemTimers) {
    this.#target = target;
    this.#lookup = lookup;
    this.#listener = listener;
    this.#options = options;
    this.#timers = timers;
    queueMicrotask(() => this.#resolve());
  }

  resolveNow(): void {
    if (this.#isClosed || this.#timer !== undefined) return;
    if (this.#isResolving) {
      this.#isRequested = true;
      return;
    }
    const waitMs = this.#lastResolvedAt + this.#options.minResolutionIntervalMs - this.#timers.now();
    if (waitMs <= 0) this.#resolve();
    else this.#schedule(waitMs);
  }

  close(): void {
    this.#isClosed = true;
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(delayMs: number): void {
    this.#timer = this.#timers.setTimeout(() => {
      this.#timer = undefined;
      this.#resolve();
    }, delayMs);
  }

  #resolve(): void {
    if (this.#isClosed) return;
    this.#isResolving = true;
    this.#isRequested = false;
    this.#lastResolvedAt = this.#timers.now();
    void this.#lookUp().then(
      (resolution) => {
        this.#isResolving = false;
        if (this.#isClosed) return;
        this.#backoff.reset();
        this.#listener.onResolution(resolution);
        if (this.#isRequested) this.resolveNow();
      },
      (error: unknown) => {
        this.#isResolving = false;
        if (this.#isClosed) return;
        const { host } = this.#target;
        this.#listener.onResolutionError(
          new GrpcError(Status.UNAVAILABLE, `DNS resolution of ${host} failed: ${describeDnsError(error)}`, undefined, { cause: error }),
        );
        if (this.#timer === undefined) this.#schedule(this.#backoff.nextDelayMs());
      },
    );
  }

  async #lookUp(): Promise<Resolution> {
    const { host, port } = this.#target;
    if (ipVersionOf(host) !== 0) return { addresses: [{ kind: "tcp", host, port }] };
    const [hosts, serviceConfig] = await Promise.all([this.#lookup.lookupAddresses(host), this.#lookUpServiceConfig(host)]);
    const addresses = hosts.map((address): ResolvedAddress => ({ kind: "tcp", host: address, port }));
    return serviceConfig === undefined ? { addresses } : { addresses, serviceConfig };
  }

  // gRFC A2: the service config lives in the TXT record of "_grpc_config.<host>". Off by default,
  // as in grpc-go; a name without the record (the usual case) has no service config.
  async #lookUpServiceConfig(host: string): Promise<unknown> {
    if (!this.#options.isServiceConfigLookupEnabled) return undefined;
    let records: string[];
    try {
      records = await this.#lookup.lookupTxt(`_grpc_config.${host}`);
    } catch (error) {
      if (isNoRecordsError(error)) return undefined;
      throw error;
    }
    try {
      return serviceConfigFromTxtRecords(records);
    } catch (error) {
      return error; // a malformed record is the channel's to judge (it keeps the last good config)
    }
  }
}

/** The DNS server of a dns://authority/ target as setServers takes it ("ip:port"); throws TypeError for a name. */
function dnsServerOf(target: TargetUri): string | undefined {
  const authority = target.authority;
  if (authority === "") return undefined;
  if (ipVersionOf(authority) !== 0) return formatHostPort({ host: authority, port: 53 });
  const bare = authority.startsWith("[") && authority.endsWith("]") ? authority.slice(1, -1) : undefined;
  if (bare !== undefined && ipVersionOf(bare) === 6) return formatHostPort({ host: bare, port: 53 });
  const server = parseHostPort(target.text, authority);
  if (ipVersionOf(server.host) === 0) throw invalidTarget(target.text, `the DNS server "${authority}" must be an IP address (and port)`);
  return formatHostPort(server);
}

function describeDnsError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.message;
}
