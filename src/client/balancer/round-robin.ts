import type { GrpcError } from "../../grpc-error.js";
import type { ConnectivityState } from "../client-options.js";
import type { ResolvedAddress } from "../resolver/resolver.js";
import { readObject } from "../service-config/config-values.js";
import { addressKey, uniqueAddresses } from "./address-order.js";
import type { BalancerHelper, LoadBalancer, LoadBalancerFactory, Picker, Subchannel } from "./load-balancer.js";
import { noAddresses, QUEUE_PICKER } from "./pick-first.js";

/** Hands out `subchannels` in turn: one index increment per call. */
export class RoundRobinPicker implements Picker {
  readonly #subchannels: readonly Subchannel[];
  #next: number;

  /** Starts at `start` so that channels created together do not all load the first backend first. */
  constructor(subchannels: readonly Subchannel[], start: number) {
    this.#subchannels = subchannels;
    this.#next = start % subchannels.length;
  }

  pick(): Subchannel | undefined {
    const subchannel = this.#subchannels[this.#next];
    if (++this.#next === this.#subchannels.length) this.#next = 0;
    return subchannel;
  }
}

/**
 * round_robin (doc/load-balancing.md): one subchannel per address, all kept connected; calls go to
 * the READY ones in turn. A subchannel that fails or loses its connection reconnects as soon as its
 * backoff allows, and the resolver is asked to look again. The policy is READY while any subchannel
 * is, CONNECTING while any may still connect, and TRANSIENT_FAILURE (sticky until one is READY
 * again) when all failed. Subchannels are health-checked when the service config asks (gRFC A17).
 */
export class RoundRobinBalancer implements LoadBalancer {
  readonly #helper: BalancerHelper;
  readonly #random: () => number;
  readonly #subchannels = new Map<string, { subchannel: Subchannel; unwatch: () => void }>();
  #state: ConnectivityState = "IDLE";
  #readyKeys = "";
  #lastError: GrpcError | undefined;

  constructor(helper: BalancerHelper, random: () => number = Math.random) {
    this.#helper = helper;
    this.#random = random;
  }

  updateAddresses(addresses: readonly ResolvedAddress[]): void {
    const wanted = uniqueAddresses(addresses);
    const keys = new Set(wanted.map(addressKey));
    for (const [key, entry] of this.#subchannels) {
      if (keys.has(key)) continue;
      entry.unwatch();
      this.#subchannels.delete(key);
      this.#helper.removeSubchannel(entry.subchannel);
    }
    for (const address of wanted) {
      const key = addressKey(address);
      if (this.#subchannels.has(key)) continue;
      const subchannel = this.#helper.createSubchannel(address, { isHealthChecked: true });
      const unwatch = subchannel.watch((state, error) => this.#onStateChange(subchannel, state, error));
      this.#subchannels.set(key, { subchannel, unwatch });
      subchannel.connect();
    }
    if (wanted.length === 0) {
      this.#lastError = noAddresses();
      this.#helper.requestResolution();
    }
    this.#publish(true);
  }

  onResolutionError(error: GrpcError): void {
    if (this.#subchannels.size > 0) return;
    this.#lastError = error;
    this.#publish(true);
  }

  exitIdle(): void {
    for (const { subchannel } of this.#subchannels.values()) subchannel.connect();
  }

  close(): void {
    for (const { subchannel, unwatch } of this.#subchannels.values()) {
      unwatch();
      this.#helper.removeSubchannel(subchannel);
    }
    this.#subchannels.clear();
  }

  #onStateChange(subchannel: Subchannel, state: ConnectivityState, error: GrpcError | undefined): void {
    if (state === "TRANSIENT_FAILURE") this.#lastError = error ?? this.#lastError;
    if (state === "IDLE" || state === "TRANSIENT_FAILURE") this.#helper.requestResolution();
    // Keep every backend connected: an IDLE subchannel (connection lost, or backoff over) reconnects now.
    if (state === "IDLE") subchannel.connect();
    this.#publish(false);
  }

  /** Publishes the aggregate state, and a new picker whenever the READY set changed. */
  #publish(isForced: boolean): void {
    const ready: Subchannel[] = [];
    let isConnecting = false;
    for (const { subchannel } of this.#subchannels.values()) {
      if (subchannel.state === "READY") ready.push(subchannel);
      else if (subchannel.state === "CONNECTING" || subchannel.state === "IDLE") isConnecting = true;
    }
    let state: ConnectivityState;
    if (ready.length > 0) state = "READY";
    else if (isConnecting && this.#state !== "TRANSIENT_FAILURE") state = "CONNECTING";
    else state = "TRANSIENT_FAILURE";
    const readyKeys = ready.map((subchannel) => subchannel.name).join(",");
    if (!isForced && state === this.#state && readyKeys === this.#readyKeys) return;
    this.#state = state;
    this.#readyKeys = readyKeys;
    const picker = ready.length === 0 ? QUEUE_PICKER : new RoundRobinPicker(ready, Math.floor(this.#random() * ready.length));
    this.#helper.updateState(state, picker, state === "TRANSIENT_FAILURE" ? this.#lastError : undefined);
  }
}

/** The round_robin policy. */
export const roundRobinFactory: LoadBalancerFactory = {
  parseConfig: (json) => readObject(json ?? {}, "round_robin"),
  create: (helper) => new RoundRobinBalancer(helper),
};
