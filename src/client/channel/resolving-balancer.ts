import { GrpcError } from "../../grpc-error.js";
import { Status } from "../../status.js";
import type { BalancerHelper, LoadBalancer, Picker } from "../balancer/load-balancer.js";
import { loadBalancerFactory } from "../balancer/balancer-registry.js";
import { QUEUE_PICKER } from "../balancer/pick-first.js";
import type { ConnectivityState } from "../client-options.js";
import type { Resolution, Resolver, ResolverFactory, ResolverOptions } from "../resolver/resolver.js";
import { parseServiceConfig, type ParsedServiceConfig } from "../service-config/service-config.js";
import type { TargetUri } from "./target.js";

/** What the channel hears from its resolver and load balancer. */
export interface BalancingEvents {
  /** The policy's state and picker (or the resolver's failure before there is a policy). */
  onBalancerState(state: ConnectivityState, picker: Picker, error: GrpcError | undefined): void;
  /** The service config in force changed (undefined: none). */
  onServiceConfig(config: ParsedServiceConfig | undefined): void;
}

/** Where policies' subchannels come from: the channel's connections. */
export type SubchannelFactory = Pick<BalancerHelper, "createSubchannel" | "removeSubchannel">;

/** How the channel was configured: its target's resolver, and the defaults a resolution may override. */
export interface BalancingSettings {
  readonly target: TargetUri;
  readonly resolverFactory: ResolverFactory;
  readonly resolverOptions: ResolverOptions;
  /** The `serviceConfig` option, validated: used when the resolver gives none. */
  readonly defaultServiceConfig: ParsedServiceConfig | undefined;
  /** The `loadBalancingPolicy` option: used when the service config names none. */
  readonly defaultPolicy: string;
}

/**
 * A channel's resolver and load-balancing policy while it is not idle (doc/load-balancing.md):
 * each resolution chooses the service config in force (the resolver's if valid, else the last
 * valid one, else the channel's default: gRFC A21), switches policy when the config names another,
 * and hands the addresses to the policy, whose state and picker go to the channel.
 */
export class ResolvingBalancer {
  readonly #settings: BalancingSettings;
  readonly #subchannels: SubchannelFactory;
  readonly #events: BalancingEvents;
  readonly #resolver: Resolver;
  #balancer: LoadBalancer | undefined;
  #policy = "";
  /** Identifies the current policy, so a replaced one's late updates are ignored. */
  #generation = 0;
  #lastValidConfig: ParsedServiceConfig | undefined;
  #isClosed = false;

  /** Starts resolving; the policies get their subchannels from `subchannels`. */
  constructor(settings: BalancingSettings, subchannels: SubchannelFactory, events: BalancingEvents) {
    this.#settings = settings;
    this.#subchannels = subchannels;
    this.#events = events;
    this.#resolver = settings.resolverFactory.create(
      settings.target,
      {
        onResolution: (resolution) => this.#onResolution(resolution),
        onResolutionError: (error) => this.#onResolutionError(error),
      },
      settings.resolverOptions,
    );
  }

  /** A call arrived while the policy is IDLE. */
  exitIdle(): void {
    this.#balancer?.exitIdle();
  }

  /** Asks the resolver to look again (a connection was lost, a GOAWAY arrived). */
  requestResolution(): void {
    if (!this.#isClosed) this.#resolver.resolveNow();
  }

  /** Stops the resolver and the policy (whose subchannels are removed). */
  close(): void {
    this.#isClosed = true;
    this.#resolver.close();
    this.#balancer?.close();
    this.#balancer = undefined;
  }

  #onResolution(resolution: Resolution): void {
    if (this.#isClosed) return;
    const config = this.#chooseServiceConfig(resolution.serviceConfig);
    if (config instanceof GrpcError) return this.#onResolutionError(config);
    this.#events.onServiceConfig(config);
    const policy = config?.loadBalancing?.policy ?? this.#settings.defaultPolicy;
    const factory = loadBalancerFactory(policy);
    if (factory === undefined) return this.#onResolutionError(new GrpcError(Status.UNAVAILABLE, `no load-balancing policy "${policy}"`));
    let balancer = this.#balancer;
    if (balancer === undefined || policy !== this.#policy) {
      balancer?.close(); // its calls finish on their connections; new calls wait for the new policy
      this.#policy = policy;
      const generation = ++this.#generation;
      balancer = factory.create(this.#helperFor(() => this.#generation === generation));
      this.#balancer = balancer;
    }
    const policyConfig = config?.loadBalancing?.config ?? factory.parseConfig?.({}) ?? {};
    balancer.updateAddresses(resolution.addresses, policyConfig);
  }

  #onResolutionError(error: GrpcError): void {
    if (this.#isClosed) return;
    if (this.#balancer !== undefined) this.#balancer.onResolutionError(error);
    else this.#events.onBalancerState("TRANSIENT_FAILURE", QUEUE_PICKER, error);
  }

  // gRFC A21: an invalid config from the resolver never replaces a valid one.
  #chooseServiceConfig(json: unknown): ParsedServiceConfig | GrpcError | undefined {
    if (json === undefined) return this.#settings.defaultServiceConfig;
    try {
      if (json instanceof Error) throw json;
      this.#lastValidConfig = parseServiceConfig(json);
      return this.#lastValidConfig;
    } catch (error) {
      const fallback = this.#lastValidConfig ?? this.#settings.defaultServiceConfig;
      if (fallback !== undefined) return fallback;
      return new GrpcError(Status.UNAVAILABLE, `the resolver's service config is invalid: ${(error as Error).message}`);
    }
  }

  /** The channel's helper as one policy sees it: a replaced policy's updates are ignored. */
  #helperFor(isCurrent: () => boolean): BalancerHelper {
    return {
      createSubchannel: (address, options) => this.#subchannels.createSubchannel(address, options),
      removeSubchannel: (subchannel) => this.#subchannels.removeSubchannel(subchannel),
      updateState: (state, picker, error) => {
        if (isCurrent() && !this.#isClosed) this.#events.onBalancerState(state, picker, error);
      },
      requestResolution: () => {
        if (isCurrent()) this.requestResolution();
      },
    };
  }
}
