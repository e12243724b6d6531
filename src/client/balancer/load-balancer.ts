import type { GrpcError } from "../../grpc-error.js";
import type { ConnectivityState } from "../client-options.js";
import type { ResolvedAddress } from "../resolver/resolver.js";

// The load-balancing API (grpc's doc/load-balancing.md; the split grpc-go's balancer package and
// grpc-js's LoadBalancer/Picker make): the channel hands a policy its resolved addresses, the policy
// creates one subchannel per address it wants, connects them, and publishes a Picker; every call
// asks the current picker for a subchannel. A policy of one's own is a LoadBalancerFactory given to
// registerLoadBalancer, then named in the service config or the `loadBalancingPolicy` option.

/** Called with a subchannel's new state and, in TRANSIENT_FAILURE, why it failed. */
export type SubchannelListener = (state: ConnectivityState, error: GrpcError | undefined) => void;

/** One address and the one connection a channel keeps to it (doc/connectivity-semantics-and-api.md). */
export interface Subchannel {
  readonly address: ResolvedAddress;
  /** The address as text: "127.0.0.1:50051", "[::1]:50051", "unix:/tmp/s". */
  readonly name: string;
  /** IDLE, CONNECTING, READY, TRANSIENT_FAILURE (backing off after a failed attempt), or SHUTDOWN once removed. */
  readonly state: ConnectivityState;
  /** Why the last connection attempt failed (UNAVAILABLE), or why its health check says not to use it. */
  readonly lastError: GrpcError | undefined;
  /** Starts connecting if IDLE; otherwise does nothing (a failed subchannel goes IDLE when its backoff ends). */
  connect(): void;
  /** Calls `listener` on every state change until the returned function is called. */
  watch(listener: SubchannelListener): () => void;
}

/** Chooses the subchannel for each call; a new picker is published on every change. It must not throw. */
export interface Picker {
  /**
   * A READY subchannel for a call to `path` ("/pkg.Service/Method"), or undefined to make the call
   * wait for the next picker (or, in TRANSIENT_FAILURE, fail unless it is waitForReady).
   */
  pick(path: string): Subchannel | undefined;
}

/** Options of BalancerHelper.createSubchannel. */
export interface SubchannelOptions {
  /**
   * gRFC A17: when the service config has a healthCheckConfig, the subchannel is READY only while
   * the backend's grpc.health.v1.Health/Watch says SERVING (TRANSIENT_FAILURE otherwise).
   */
  readonly isHealthChecked?: boolean;
}

/** What the channel offers a policy. */
export interface BalancerHelper {
  /** A new IDLE subchannel to `address`; the policy owns it until it calls removeSubchannel. */
  createSubchannel(address: ResolvedAddress, options?: SubchannelOptions): Subchannel;
  /** Shuts a subchannel down: calls already on its connection finish, new ones never get it. */
  removeSubchannel(subchannel: Subchannel): void;
  /** Publishes the policy's state and picker; `error` is what calls that cannot wait fail with in TRANSIENT_FAILURE. */
  updateState(state: ConnectivityState, picker: Picker, error?: GrpcError): void;
  /** Asks the resolver to resolve again (a connection was lost); the resolver may delay it. */
  requestResolution(): void;
}

/** A load-balancing policy running in one channel. */
export interface LoadBalancer {
  /** The resolver's addresses (they replace the last ones) and the policy's config from the service config. */
  updateAddresses(addresses: readonly ResolvedAddress[], config: unknown): void;
  /** The resolver failed: keep using what works, or publish TRANSIENT_FAILURE with `error` if nothing does. */
  onResolutionError(error: GrpcError): void;
  /** A call arrived while the policy reported IDLE: connect. */
  exitIdle(): void;
  /** The channel is going idle or closing: remove every subchannel and stop every timer. */
  close(): void;
}

/** Makes a policy; give it to registerLoadBalancer. */
export interface LoadBalancerFactory {
  /** Validates the policy's config from loadBalancingConfig (throws TypeError) and returns it as create's policies read it. */
  parseConfig?(json: unknown): unknown;
  create(helper: BalancerHelper): LoadBalancer;
}
