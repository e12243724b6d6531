import type { GrpcError } from "../../grpc-error.js";
import { ClientConnection, type ConnectionAddress, type ConnectionEvents } from "../../transport/client-connection.js";
import type { ChannelCredentials } from "../../transport/tls.js";
import { ConnectionBackoff, type BackoffSettings } from "../channel/backoff.js";
import type { ConnectionPool } from "../channel/connection-pool.js";
import type { ConnectivityState } from "../client-options.js";
import { describeAddress } from "../resolver/address-list-resolvers.js";
import type { ResolvedAddress } from "../resolver/resolver.js";
import type { Subchannel, SubchannelListener } from "./load-balancer.js";

/** Watches one connection's health (gRFC A17), reporting READY, CONNECTING or TRANSIENT_FAILURE; returns a function that stops it. */
export type HealthWatchStarter = (
  connection: ClientConnection,
  serviceName: string,
  report: (state: ConnectivityState, error?: GrpcError) => void,
) => () => void;

/** What every subchannel of one channel shares, given by the channel. */
export interface SubchannelContext {
  readonly credentials: ChannelCredentials;
  readonly backoff: BackoffSettings;
  /** The TLS server name to check for `address` (the target's host name, unless it is an IP address list). */
  tlsServerName(address: ResolvedAddress): string | undefined;
  /** The UNAVAILABLE error for a failed connection attempt, the `failedAttempts`th in a row. */
  describeFailure(subchannel: Subchannel, cause: unknown, failedAttempts: number): GrpcError;
  /** The connection is up (start keepalive). */
  onConnectionReady(connection: ClientConnection): void;
  /** The server sent GOAWAY (keepalive may need to slow down; the resolver should look again). */
  onGoaway(errorCode: number, opaqueData: Buffer | undefined): void;
  /** The health-check service name of the service config now, or undefined for no health checking. */
  healthCheckServiceName(): string | undefined;
  readonly startHealthWatch: HealthWatchStarter | undefined;
  /** The pool of extra connections to `address` (connectionsPerAddress > 1), or undefined for one connection. */
  createPool(open: (events: ConnectionEvents) => ClientConnection, connectTimeoutMs: number): ConnectionPool | undefined;
}

/** A running health watch of the current connection and what it last said. */
interface HealthCheck {
  state: ConnectivityState;
  error: GrpcError | undefined;
  stop: () => void;
}

// ConnectionEvents come from the connection; discardConnection needs the way back.
const owners = new WeakMap<ClientConnection, SubchannelImpl>();

/**
 * One address and at most one connection to it (doc/connectivity-semantics-and-api.md): IDLE until
 * asked to connect, CONNECTING, READY; a failed attempt is TRANSIENT_FAILURE for a backoff delay
 * (doc/connection-backoff.md) and then IDLE, a lost or GOAWAY'd connection IDLE at once. With health
 * checking (gRFC A17) a connected subchannel is READY only while its backend says SERVING.
 */
export class SubchannelImpl implements Subchannel, ConnectionEvents {
  readonly address: ResolvedAddress;
  readonly name: string;
  readonly #context: SubchannelContext;
  readonly #isHealthChecked: boolean;
  readonly #backoff: ConnectionBackoff;
  readonly #listeners = new Set<SubchannelListener>();
  #connectionState: ConnectivityState = "IDLE";
  #health: HealthCheck | undefined;
  #state: ConnectivityState = "IDLE";
  #connection: ClientConnection | undefined;
  #lastError: GrpcError | undefined;
  #timer: NodeJS.Timeout | undefined;
  readonly #pool: ConnectionPool | undefined;
  /** Connection attempts that failed since the last success, for error messages. */
  #failedAttempts = 0;

  constructor(address: ResolvedAddress, context: SubchannelContext, isHealthChecked: boolean) {
    this.address = address;
    this.name = describeAddress(address);
    this.#context = context;
    this.#isHealthChecked = isHealthChecked;
    this.#backoff = new ConnectionBackoff(context.backoff);
    this.#pool = context.createPool((events) => this.#openConnection(events), this.#backoff.connectTimeoutMs);
  }

  /** The subchannel that owns `connection`, if any. */
  static of(connection: ClientConnection): SubchannelImpl | undefined {
    return owners.get(connection);
  }

  get state(): ConnectivityState {
    return this.#state;
  }

  get lastError(): GrpcError | undefined {
    return this.#lastError;
  }

  /** The connection, connecting or connected, if any. */
  get connection(): ClientConnection | undefined {
    return this.#connection;
  }

  /** Its connection and, with connectionsPerAddress, the pool's others (stats, channelz). */
  get openConnections(): ClientConnection[] {
    const connection = this.#connection;
    return connection === undefined ? [] : [connection, ...(this.#pool?.extras ?? [])];
  }

  /** The connection when READY and still usable (the pool's least loaded, with one): what a pick hands to a call. */
  get readyConnection(): ClientConnection | undefined {
    const connection = this.#connection;
    if (this.#state !== "READY" || connection === undefined || !connection.isReady) return undefined;
    return this.#pool === undefined ? connection : this.#pool.pick(connection);
  }

  connect(): void {
    if (this.#connectionState !== "IDLE") return;
    const connection = this.#openConnection(this);
    this.#connection = connection;
    this.#timer = setTimeout(() => {
      const error = Object.assign(new Error(`connect timed out after ${this.#backoff.connectTimeoutMs} ms`), { code: "ETIMEDOUT" });
      connection.destroy(error);
    }, this.#backoff.connectTimeoutMs);
    this.#timer.unref();
    this.#setConnectionState("CONNECTING");
  }

  watch(listener: SubchannelListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Rechecks health after the service config changed its healthCheckConfig. */
  refreshHealthCheck(): void {
    if (this.#connectionState === "READY") this.#startHealthWatch();
  }

  /** Stops handing out `connection` (a stream could not be opened on it: GOAWAY raced the call). */
  discard(connection: ClientConnection): void {
    if (this.#connection === connection) this.#dropConnection();
  }

  /** SHUTDOWN: calls on the connection finish unless `isImmediate` (the channel is closing and cancelled them). */
  shutdown(isImmediate: boolean): void {
    if (this.#connectionState === "SHUTDOWN") return;
    clearTimeout(this.#timer);
    const connection = this.#connection;
    this.#connection = undefined;
    this.#setConnectionState("SHUTDOWN");
    this.#listeners.clear();
    if (connection === undefined) return;
    connection.close();
    // Let the RST_STREAMs just queued go out before the socket closes.
    if (isImmediate) setImmediate(() => connection.destroy()).unref();
  }

  /** ConnectionEvents: the HTTP/2 preface was exchanged. */
  onReady(connection: ClientConnection): void {
    if (this.#connection !== connection) return;
    clearTimeout(this.#timer);
    this.#failedAttempts = 0;
    this.#backoff.reset();
    this.#context.onConnectionReady(connection);
    this.#setConnectionState("READY");
  }

  /** ConnectionEvents: PROTOCOL-HTTP2 GOAWAY: streams already started finish on it; new calls need a new connection. */
  onGoaway(connection: ClientConnection, errorCode: number, opaqueData: Buffer | undefined): void {
    if (this.#connection !== connection) return;
    this.#context.onGoaway(errorCode, opaqueData);
    this.#dropConnection();
  }

  /** ConnectionEvents: a failed attempt backs off, a lost connection goes IDLE. */
  onClose(connection: ClientConnection, error: unknown): void {
    if (this.#connection !== connection) return;
    clearTimeout(this.#timer);
    if (this.#connectionState !== "CONNECTING") return this.#dropConnection();
    this.#connection = undefined;
    this.#lastError = this.#context.describeFailure(this, error, ++this.#failedAttempts);
    this.#setConnectionState("TRANSIENT_FAILURE");
    this.#timer = setTimeout(() => {
      if (this.#connectionState === "TRANSIENT_FAILURE") this.#setConnectionState("IDLE");
    }, this.#backoff.nextDelayMs());
    this.#timer.unref();
  }

  #dropConnection(): void {
    const connection = this.#connection;
    this.#connection = undefined;
    this.#setConnectionState("IDLE");
    // Node closes a GOAWAY'd session once its streams finish; close() does the same for one we give up on.
    connection?.close();
  }

  /** A connection to the address, reporting to `events`, that holds no process open. */
  #openConnection(events: ConnectionEvents): ClientConnection {
    const connection = new ClientConnection(this.#connectionAddress(), this.#context.credentials, events);
    owners.set(connection, this);
    connection.unref();
    return connection;
  }

  #connectionAddress(): ConnectionAddress {
    const address = this.address;
    if (address.kind === "unix") return address;
    return { kind: "tcp", host: address.host, port: address.port, serverName: this.#context.tlsServerName(address) };
  }

  #setConnectionState(state: ConnectivityState): void {
    this.#connectionState = state;
    if (state === "READY") this.#startHealthWatch();
    else this.#stopHealthWatch();
    this.#publish();
  }

  #startHealthWatch(): void {
    this.#stopHealthWatch();
    const serviceName = this.#isHealthChecked ? this.#context.healthCheckServiceName() : undefined;
    const start = this.#context.startHealthWatch;
    const connection = this.#connection;
    if (serviceName === undefined || start === undefined || connection === undefined) return;
    // gRFC A17: CONNECTING until the first answer; the report may come at once.
    const health: HealthCheck = { state: "CONNECTING", error: undefined, stop: () => {} };
    this.#health = health;
    health.stop = start(connection, serviceName, (state, error) => {
      if (this.#health !== health) return;
      health.state = state;
      health.error = error;
      this.#publish();
    });
  }

  #stopHealthWatch(): void {
    const health = this.#health;
    this.#health = undefined;
    health?.stop();
  }

  #publish(): void {
    const health = this.#connectionState === "READY" ? this.#health : undefined;
    const state = health?.state ?? this.#connectionState;
    if (health?.error !== undefined) this.#lastError = health.error;
    if (state === this.#state) return;
    this.#state = state;
    const error = state === "TRANSIENT_FAILURE" ? this.#lastError : undefined;
    for (const listener of [...this.#listeners]) listener(state, error);
  }
}
