import { DEFAULT_MAX_RECEIVE_MESSAGE_BYTES } from "../../framing/frame-decoder.js";
import { DEFAULT_MAX_SEND_MESSAGE_BYTES } from "../../codec/message-codec.js";
import { GrpcError } from "../../grpc-error.js";
import { Status } from "../../status.js";
import type { ClientConnection } from "../../transport/client-connection.js";
import { insecure, type ChannelCredentials } from "../../transport/tls.js";
import type { Picker, Subchannel } from "../balancer/load-balancer.js";
import { QUEUE_PICKER } from "../balancer/pick-first.js";
import { watchHealth } from "../balancer/health-watch.js";
import { SubchannelImpl } from "../balancer/subchannel.js";
import type { Channel, ChannelOptions, ChannelStats, ConnectivityState } from "../client-options.js";
import { CallCounters } from "../../telemetry/call-counters.js";
import { channelzIdOf, registerChannel, type ChannelSnapshot, type ChannelzSource } from "../../telemetry/channelz-registry.js";
import type { MethodConfig } from "../service-config/method-config.js";
import type { ParsedServiceConfig } from "../service-config/service-config.js";
import { ChannelRetrySettings } from "../retry/call-retry-settings.js";
import { ChannelConnections } from "./channel-connections.js";
import { ConnectionWaiters, type PickResult } from "./connection-waiters.js";
import { balancingSettings } from "./channel-settings.js";
import { ResolvingBalancer, type BalancingSettings } from "./resolving-balancer.js";
import { StateWatchers } from "./state-watchers.js";

/** A call the channel can end when it closes. */
export interface ChannelCall {
  abortFromChannel(error: GrpcError): void;
}

const DEFAULT_IDLE_TIMEOUT_MS = 30 * 60 * 1000;
// setInterval's longest delay: the call-ref timer exists to be referenced, never to fire.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The connections to one target (doc/connectivity-semantics-and-api.md, doc/load-balancing.md). IDLE
 * until the first call; then a resolver finds the target's addresses and a load-balancing policy
 * (pick_first unless the service config or `loadBalancingPolicy` says otherwise) connects
 * subchannels and publishes a picker, which every call asks for its connection. After
 * `idleTimeoutMs` without calls the channel drops all of it and is IDLE again.
 */
export class ChannelImpl implements Channel, ChannelzSource<ChannelSnapshot> {
  readonly target: string;
  /** The :authority of every call: the `authority` option, the TLS server-name override, else the resolver's (host:port). */
  readonly authority: string;
  readonly scheme: "http" | "https";
  readonly isSecure: boolean;
  readonly maxReceiveMessageBytes: number;
  readonly maxSendMessageBytes: number;
  /** Calls started, succeeded and failed on this channel (stats(), channelz). */
  readonly counters = new CallCounters();
  /** Retries and hedges: whether they are on, the replay budget, the throttle (gRFC A6). */
  readonly retries: ChannelRetrySettings;
  readonly #options: ChannelOptions;
  readonly #settings: BalancingSettings;
  readonly #connections: ChannelConnections;
  #balancing: ResolvingBalancer | undefined;
  #serviceConfig: ParsedServiceConfig | undefined;
  #state: ConnectivityState = "IDLE";
  #picker: Picker = QUEUE_PICKER;
  #error: GrpcError | undefined;
  readonly #waiters = new ConnectionWaiters();
  readonly #watchers = new StateWatchers();
  #idleTimer: NodeJS.Timeout | undefined;
  readonly #calls = new Set<ChannelCall>();
  // Referenced while calls are in flight, so a pending call keeps the process alive (as an
  // outstanding node:http request does) while connections and every other timer stay unref()ed.
  #callRef: NodeJS.Timeout | undefined;
  readonly #leaveChannelz: () => void;

  /** Throws TypeError for a malformed target or service config, RangeError for a time or size option out of range. */
  constructor(target: string, options: ChannelOptions = {}) {
    for (const name of ["keepaliveTimeMs", "keepaliveTimeoutMs", "idleTimeoutMs", "maxReceiveMessageBytes", "maxSendMessageBytes"] as const) {
      const value = options[name];
      if (value !== undefined && !(value > 0)) throw new RangeError(`${name} must be a positive number, got ${String(value)}`);
    }
    this.target = target;
    this.#options = options;
    this.#settings = balancingSettings(target, options);
    const credentials: ChannelCredentials = options.credentials ?? insecure();
    this.isSecure = credentials.kind === "channel-tls";
    this.scheme = this.isSecure ? "https" : "http";
    const override = credentials.kind === "channel-tls" ? credentials.serverNameOverride : undefined;
    const { target: uri, resolverFactory } = this.#settings;
    const defaultAuthority = resolverFactory.defaultAuthority?.(uri) ?? uri.endpoint;
    this.authority = options.authority ?? override ?? defaultAuthority;
    this.maxReceiveMessageBytes = options.maxReceiveMessageBytes ?? DEFAULT_MAX_RECEIVE_MESSAGE_BYTES;
    this.maxSendMessageBytes = options.maxSendMessageBytes ?? DEFAULT_MAX_SEND_MESSAGE_BYTES;
    this.#serviceConfig = this.#settings.defaultServiceConfig;
    this.retries = new ChannelRetrySettings(options);
    this.retries.setThrottling(this.#serviceConfig?.retryThrottling);
    this.#connections = new ChannelConnections(target, defaultAuthority, credentials, options, {
      hasCalls: () => this.#calls.size > 0,
      isClosing: () => this.#state === "SHUTDOWN",
      healthCheckServiceName: () => this.#serviceConfig?.healthCheckServiceName,
    });
    // gRFC A17: a health-checked subchannel watches its backend on its own connection.
    this.#connections.startHealthWatch = (connection, serviceName, report) =>
      watchHealth((head, listener) => connection.openStream(head, listener), this.authority, serviceName, report);
    this.#leaveChannelz = registerChannel(this);
  }

  get state(): ConnectivityState {
    return this.#state;
  }

  get subchannels(): readonly Subchannel[] {
    return this.#connections.subchannels;
  }

  /** channelz: the channel and its subchannels, each with its connections as sockets. */
  channelzSnapshot(): ChannelSnapshot {
    return { id: channelzIdOf(this), target: this.target, state: this.#state, stats: this.counters.stats(), subchannels: this.#connections.channelzSubchannels() };
  }

  stats(): ChannelStats {
    return { ...this.counters.stats(), target: this.target, state: this.#state, connections: this.#connections.connectionStats() };
  }

  /** The service config's settings for calls to `path` ("/pkg.Service/Method"), if it has settings for it. */
  methodConfig(path: string): MethodConfig | undefined {
    return this.#serviceConfig?.methods.lookUp(path);
  }

  /** The service config in force (the resolver's, else the `serviceConfig` option), or undefined. */
  get serviceConfig(): ParsedServiceConfig | undefined {
    return this.#serviceConfig;
  }

  /** The picked connection when it is ready: the synchronous fast path (a round_robin pick is an index increment). */
  readyConnection(path = ""): ClientConnection | undefined {
    const picked = this.#pick(path);
    return picked instanceof GrpcError ? undefined : picked;
  }

  /**
   * Resolves with a picked, connected connection, leaving IDLE if need be. Rejects with UNAVAILABLE
   * in TRANSIENT_FAILURE (at once, or when it comes) unless `waitForReady`, with the signal's reason
   * when it aborts, with CANCELLED once the channel is closed.
   */
  waitForConnection(waitForReady: boolean, signal?: AbortSignal, path = ""): Promise<ClientConnection> {
    if (this.#state === "SHUTDOWN") return Promise.reject(channelClosed());
    const picked = this.#pick(path);
    if (picked instanceof GrpcError) return Promise.reject(picked);
    if (picked !== undefined) return Promise.resolve(picked);
    if (this.#state === "IDLE") this.#exitIdle();
    if (this.#state === "TRANSIENT_FAILURE" && !waitForReady) return Promise.reject(this.#failure());
    return this.#waiters.wait(waitForReady, path, signal);
  }

  connect(options: { readonly waitForReady?: boolean; readonly signal?: AbortSignal } = {}): Promise<void> {
    return this.waitForConnection(options.waitForReady === true, options.signal).then(() => {});
  }

  /** Stops handing out `connection` (opening a stream on it failed: GOAWAY raced the call). */
  discardConnection(connection: ClientConnection): void {
    SubchannelImpl.of(connection)?.discard(connection);
  }

  watch(listener: (state: ConnectivityState) => void): () => void {
    return this.#watchers.watch(listener);
  }

  waitForStateChange(sourceState: ConnectivityState, options: { readonly signal?: AbortSignal } = {}): Promise<ConnectivityState> {
    return this.#watchers.waitForChange(() => this.#state, sourceState, options.signal);
  }

  /** Counts a call in flight: it keeps the process alive and the channel out of idle. */
  callStarted(call: ChannelCall): void {
    if (this.#calls.size === 0) {
      this.#clearIdleTimer();
      if (this.#state !== "SHUTDOWN") (this.#callRef ??= setInterval(noop, MAX_TIMER_MS)).ref();
    }
    this.#calls.add(call);
  }

  /** Counts a call as finished; the last one lets the process exit and arms the idle timer. */
  callEnded(call: ChannelCall): void {
    if (!this.#calls.delete(call) || this.#calls.size > 0) return;
    this.#callRef?.unref();
    this.#armIdleTimer();
  }

  /** Ends every call with CANCELLED and every connection; clears every timer. */
  close(): void {
    if (this.#state === "SHUTDOWN") return;
    this.#setState("SHUTDOWN");
    this.#leaveChannelz();
    this.#clearIdleTimer();
    clearInterval(this.#callRef);
    this.#callRef = undefined;
    this.#waiters.rejectAll(channelClosed);
    for (const call of [...this.#calls]) call.abortFromChannel(channelClosed());
    this.#calls.clear();
    this.#balancing?.close();
    this.#balancing = undefined;
    this.#watchers.clear();
  }

  #pick(path: string): PickResult {
    let subchannel: Subchannel | undefined;
    try {
      subchannel = this.#picker.pick(path);
    } catch (error) {
      return new GrpcError(Status.INTERNAL, `the load balancer's picker failed: ${(error as Error)?.message ?? String(error)}`, undefined, { cause: error });
    }
    if (subchannel === undefined) return undefined;
    if (!(subchannel instanceof SubchannelImpl)) return new GrpcError(Status.INTERNAL, "the load balancer picked a subchannel the channel did not create");
    return subchannel.readyConnection;
  }

  #exitIdle(): void {
    if (this.#balancing !== undefined) return this.#balancing.exitIdle();
    this.#setState("CONNECTING");
    this.#balancing = new ResolvingBalancer(this.#settings, this.#connections, {
      onBalancerState: (state, picker, error) => this.#onBalancerState(state, picker, error),
      onServiceConfig: (config) => {
        const isHealthChange = config?.healthCheckServiceName !== this.#serviceConfig?.healthCheckServiceName;
        this.#serviceConfig = config;
        this.retries.setThrottling(config?.retryThrottling);
        if (isHealthChange) this.#connections.refreshHealthChecks();
      },
    });
    if (this.#calls.size === 0) this.#armIdleTimer();
  }

  #onBalancerState(state: ConnectivityState, picker: Picker, error: GrpcError | undefined): void {
    if (this.#state === "SHUTDOWN") return;
    this.#picker = picker;
    this.#error = error;
    this.#setState(state);
    this.#waiters.settle((path) => this.#pick(path), state === "TRANSIENT_FAILURE" ? () => this.#failure() : undefined);
    if (state === "IDLE" && this.#waiters.size > 0) this.#balancing?.exitIdle();
  }

  #failure(): GrpcError {
    return this.#error ?? new GrpcError(Status.UNAVAILABLE, `cannot connect to ${this.target}`);
  }

  #setState(state: ConnectivityState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.#watchers.notify(state);
  }

  #armIdleTimer(): void {
    this.#clearIdleTimer();
    if (this.#balancing === undefined) return;
    this.#idleTimer = setTimeout(() => {
      this.#idleTimer = undefined;
      if (this.#calls.size === 0) this.#enterIdle();
    }, this.#options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS);
    this.#idleTimer.unref();
  }

  #enterIdle(): void {
    this.#balancing?.close();
    this.#balancing = undefined;
    this.#picker = QUEUE_PICKER;
    this.#error = undefined;
    // An idle channel holds no timer at all, even one that is unref()ed.
    clearInterval(this.#callRef);
    this.#callRef = undefined;
    this.#setState("IDLE");
    if (this.#waiters.size > 0) this.#exitIdle();
  }

  #clearIdleTimer(): void {
    if (this.#idleTimer !== undefined) clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
  }
}

function noop(): void {}

function channelClosed(): GrpcError {
  // grpc-go: calls on a closing ClientConn fail with Canceled ("the client connection is closing").
  return new GrpcError(Status.CANCELLED, "the channel is closed");
}

/** Creates a channel to `target` (doc/naming.md); it resolves and connects on the first call. Throws TypeError for a malformed target or service config. */
export function createChannel(target: string, options: ChannelOptions = {}): Channel {
  return new ChannelImpl(target, options);
}
