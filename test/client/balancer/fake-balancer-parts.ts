// Stand-ins for what a load-balancing policy talks to: subchannels whose state the test sets, a
// helper that records what the policy publishes, and timers the test advances by hand.
import type { Timers } from "../../../src/deadline.js";
import { GrpcError } from "../../../src/grpc-error.js";
import { Status } from "../../../src/status.js";
import type { BalancerHelper, Picker, Subchannel, SubchannelListener } from "../../../src/client/balancer/load-balancer.js";
import type { ConnectivityState } from "../../../src/client/client-options.js";
import { describeAddress } from "../../../src/client/resolver/address-list-resolvers.js";
import type { ResolvedAddress } from "../../../src/client/resolver/resolver.js";

/** A subchannel that connects only when the test says how the attempt went. */
export class FakeSubchannel implements Subchannel {
  readonly address: ResolvedAddress;
  readonly name: string;
  state: ConnectivityState = "IDLE";
  lastError: GrpcError | undefined;
  connectCalls = 0;
  readonly #listeners = new Set<SubchannelListener>();

  constructor(address: ResolvedAddress) {
    this.address = address;
    this.name = describeAddress(address);
  }

  connect(): void {
    if (this.state !== "IDLE") return;
    this.connectCalls++;
    this.set("CONNECTING");
  }

  watch(listener: SubchannelListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Moves to `state`, telling the watchers; TRANSIENT_FAILURE carries an UNAVAILABLE naming the address. */
  set(state: ConnectivityState): void {
    this.state = state;
    this.lastError = state === "TRANSIENT_FAILURE" ? new GrpcError(Status.UNAVAILABLE, `failed to connect to ${this.name}`) : undefined;
    for (const listener of [...this.#listeners]) listener(state, this.lastError);
  }
}

/** Records the policy's subchannels, states and pickers. */
export class FakeHelper implements BalancerHelper {
  readonly created: FakeSubchannel[] = [];
  readonly removed = new Set<FakeSubchannel>();
  readonly states: ConnectivityState[] = [];
  picker: Picker | undefined;
  error: GrpcError | undefined;
  resolutionRequests = 0;

  createSubchannel(address: ResolvedAddress): Subchannel {
    const subchannel = new FakeSubchannel(address);
    this.created.push(subchannel);
    return subchannel;
  }

  removeSubchannel(subchannel: Subchannel): void {
    this.removed.add(subchannel as FakeSubchannel);
  }

  updateState(state: ConnectivityState, picker: Picker, error?: GrpcError): void {
    this.states.push(state);
    this.picker = picker;
    this.error = error;
  }

  requestResolution(): void {
    this.resolutionRequests++;
  }

  get state(): ConnectivityState | undefined {
    return this.states.at(-1);
  }

  /** The live (not removed) subchannel for "host:port". */
  subchannel(name: string): FakeSubchannel {
    const found = this.created.find((subchannel) => subchannel.name === name && !this.removed.has(subchannel));
    if (found === undefined) throw new Error(`no live subchannel ${name}`);
    return found;
  }

  /** The names `count` picks return, in order. */
  picks(count: number): (string | undefined)[] {
    return Array.from({ length: count }, () => this.picker?.pick("/svc/M")?.name);
  }
}

/** Timers that fire only when advance() passes them. */
export class ManualTimers implements Timers {
  #now = 0;
  #timers: { at: number; callback: () => void }[] = [];

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const timer = { at: this.#now + ms, callback };
    this.#timers.push(timer);
    return timer;
  }

  clearTimeout(handle: unknown): void {
    this.#timers = this.#timers.filter((timer) => timer !== handle);
  }

  get pending(): number {
    return this.#timers.length;
  }

  /** Moves the clock forward, firing due timers in order. */
  advance(ms: number): void {
    const until = this.#now + ms;
    for (;;) {
      const next = this.#timers.filter((timer) => timer.at <= until).sort((a, b) => a.at - b.at)[0];
      if (next === undefined) break;
      this.#timers = this.#timers.filter((timer) => timer !== next);
      this.#now = next.at;
      next.callback();
    }
    this.#now = until;
  }
}

/** TCP addresses from "host:port" strings ("[::1]:1" for IPv6). */
export function tcp(...names: string[]): ResolvedAddress[] {
  return names.map((name) => {
    const colon = name.lastIndexOf(":");
    return { kind: "tcp", host: name.slice(0, colon).replace(/^\[|\]$/g, ""), port: Number(name.slice(colon + 1)) };
  });
}
