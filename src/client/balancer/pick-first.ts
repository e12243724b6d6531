import { systemTimers, type Timers } from "../../deadline.js";
import { GrpcError } from "../../grpc-error.js";
import { Status } from "../../status.js";
import type { ConnectivityState } from "../client-options.js";
import type { ResolvedAddress } from "../resolver/resolver.js";
import { readBoolean, readObject } from "../service-config/config-values.js";
import { addressKey, interleaveFamilies, shuffleAddresses, uniqueAddresses } from "./address-order.js";
import type { BalancerHelper, LoadBalancer, LoadBalancerFactory, Picker, Subchannel } from "./load-balancer.js";

/** pick_first's config in loadBalancingConfig (gRFC A62). */
export interface PickFirstConfig {
  readonly shuffleAddressList: boolean;
}

/** gRFC A61 / RFC 8305 §5: the Connection Attempt Delay. */
export const CONNECTION_ATTEMPT_DELAY_MS = 250;

/** A picker that makes every call wait (or fail, in TRANSIENT_FAILURE). */
export const QUEUE_PICKER: Picker = { pick: () => undefined };

/** The picker of a policy that uses one subchannel for every call. */
export function fixedPicker(subchannel: Subchannel): Picker {
  return { pick: () => subchannel };
}

/** The error a policy fails calls with when the resolver found no address. */
export function noAddresses(): GrpcError {
  return new GrpcError(Status.UNAVAILABLE, "the resolver returned no addresses");
}

/**
 * pick_first: one connection for every call. Addresses are tried in order, families interleaved,
 * a new attempt starting every 250 ms while earlier ones are still connecting (gRFC A61's Happy
 * Eyeballs); the first READY one is kept and the others are shut down. When every address failed
 * once, the policy stays TRANSIENT_FAILURE and keeps connecting each as its backoff ends (gRFC
 * A62), until one connects. A lost connection makes it IDLE: the next call connects again.
 */
export class PickFirstBalancer implements LoadBalancer {
  readonly #helper: BalancerHelper;
  readonly #timers: Timers;
  #addresses: readonly ResolvedAddress[] = [];
  /** The subchannels of the current pass, in the order to try them. */
  #subchannels: Subchannel[] = [];
  readonly #unwatch = new Map<Subchannel, () => void>();
  #selected: Subchannel | undefined;
  #state: ConnectivityState = "IDLE";
  #isFirstPass = false;
  #attemptIndex = 0;
  readonly #failedThisPass = new Set<Subchannel>();
  #timer: unknown;
  #lastError: GrpcError | undefined;

  constructor(helper: BalancerHelper, timers: Timers = systemTimers) {
    this.#helper = helper;
    this.#timers = timers;
  }

  updateAddresses(addresses: readonly ResolvedAddress[], config: unknown): void {
    const isShuffled = (config as PickFirstConfig | undefined)?.shuffleAddressList === true;
    this.#addresses = interleaveFamilies(uniqueAddresses(isShuffled ? shuffleAddresses(addresses) : addresses));
    if (this.#addresses.length === 0) {
      this.#removeSubchannels(undefined);
      this.#lastError = noAddresses();
      this.#report("TRANSIENT_FAILURE", QUEUE_PICKER);
      this.#helper.requestResolution();
      return;
    }
    const selected = this.#selected;
    if (selected !== undefined && this.#addresses.some((address) => addressKey(address) === addressKey(selected.address))) return;
    this.#startPass();
  }

  onResolutionError(error: GrpcError): void {
    if (this.#subchannels.length > 0) return; // keep what there is; the resolver retries
    this.#lastError = error;
    this.#report("TRANSIENT_FAILURE", QUEUE_PICKER);
  }

  exitIdle(): void {
    if (this.#state === "IDLE" && this.#addresses.length > 0) this.#startPass();
  }

  close(): void {
    this.#clearTimer();
    this.#removeSubchannels(undefined);
  }

  #startPass(): void {
    this.#clearTimer();
    this.#selected = undefined;
    const existing = new Map(this.#subchannels.map((subchannel) => [addressKey(subchannel.address), subchannel]));
    this.#subchannels = this.#addresses.map((address) => {
      const key = addressKey(address);
      const reused = existing.get(key);
      existing.delete(key);
      return reused ?? this.#create(address);
    });
    for (const gone of existing.values()) this.#remove(gone);
    this.#isFirstPass = true;
    this.#failedThisPass.clear();
    // gRFC A62: TRANSIENT_FAILURE is sticky until a connection succeeds.
    if (this.#state !== "TRANSIENT_FAILURE") this.#report("CONNECTING", QUEUE_PICKER);
    this.#attempt(0);
  }

  #attempt(index: number): void {
    this.#clearTimer();
    this.#attemptIndex = index;
    const subchannel = this.#subchannels[index];
    if (subchannel === undefined) return;
    // gRFC A61: a subchannel already READY wins at once; one in backoff counts as a failed attempt.
    if (subchannel.state === "READY") return this.#select(subchannel);
    if (subchannel.state === "TRANSIENT_FAILURE") {
      this.#failedThisPass.add(subchannel);
      if (this.#isPassFailed()) return this.#endFirstPass();
      return this.#attempt(index + 1);
    }
    subchannel.connect();
    if (index + 1 < this.#subchannels.length) {
      this.#timer = this.#timers.setTimeout(() => {
        this.#timer = undefined;
        this.#attempt(index + 1);
      }, CONNECTION_ATTEMPT_DELAY_MS);
    }
  }

  #onStateChange(subchannel: Subchannel, state: ConnectivityState, error: GrpcError | undefined): void {
    if (this.#selected !== undefined) {
      if (subchannel === this.#selected && state !== "READY") {
        // The connection was lost: IDLE until the next call (doc/load-balancing.md), and look again.
        this.#selected = undefined;
        this.#report("IDLE", QUEUE_PICKER);
        this.#helper.requestResolution();
      }
      return;
    }
    if (state === "READY") return this.#select(subchannel);
    if (state === "TRANSIENT_FAILURE") {
      this.#lastError = error ?? this.#lastError;
      if (!this.#isFirstPass) return this.#report("TRANSIENT_FAILURE", QUEUE_PICKER);
      this.#failedThisPass.add(subchannel);
      if (this.#isPassFailed()) return this.#endFirstPass();
      if (subchannel === this.#subchannels[this.#attemptIndex]) this.#attempt(this.#attemptIndex + 1);
      return;
    }
    // After the first pass, every subchannel reconnects as soon as its backoff ends (gRFC A61).
    if (state === "IDLE" && !this.#isFirstPass && this.#state === "TRANSIENT_FAILURE") subchannel.connect();
  }

  #isPassFailed(): boolean {
    return this.#failedThisPass.size >= this.#subchannels.length;
  }

  #endFirstPass(): void {
    this.#clearTimer();
    this.#isFirstPass = false;
    this.#report("TRANSIENT_FAILURE", QUEUE_PICKER);
    this.#helper.requestResolution();
    for (const subchannel of this.#subchannels) subchannel.connect();
  }

  #select(subchannel: Subchannel): void {
    this.#clearTimer();
    this.#isFirstPass = false;
    this.#selected = subchannel;
    this.#removeSubchannels(subchannel);
    this.#report("READY", fixedPicker(subchannel));
  }

  #report(state: ConnectivityState, picker: Picker): void {
    this.#state = state;
    this.#helper.updateState(state, picker, state === "TRANSIENT_FAILURE" ? this.#lastError : undefined);
  }

  #create(address: ResolvedAddress): Subchannel {
    const subchannel = this.#helper.createSubchannel(address);
    this.#unwatch.set(subchannel, subchannel.watch((state, error) => this.#onStateChange(subchannel, state, error)));
    return subchannel;
  }

  #remove(subchannel: Subchannel): void {
    this.#unwatch.get(subchannel)?.();
    this.#unwatch.delete(subchannel);
    this.#helper.removeSubchannel(subchannel);
  }

  /** Removes every subchannel but `kept`. */
  #removeSubchannels(kept: Subchannel | undefined): void {
    for (const subchannel of this.#subchannels) if (subchannel !== kept) this.#remove(subchannel);
    this.#subchannels = kept === undefined ? [] : [kept];
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

/** The pick_first policy, the default. */
export const pickFirstFactory: LoadBalancerFactory = {
  parseConfig(json): PickFirstConfig {
    const fields = readObject(json ?? {}, "pick_first");
    return { shuffleAddressList: readBoolean(fields["shuffleAddressList"], "pick_first.shuffleAddressList") ?? false };
  },
  create: (helper) => new PickFirstBalancer(helper),
};
