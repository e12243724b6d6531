import type { ClientConnection, ConnectionEvents } from "../../transport/client-connection.js";

/** What the pool needs from its channel: how to open a connection to the same address, and what to do with a ready one. */
export interface ConnectionPoolSetup {
  /** Opens (and unrefs) a connection to the channel's address that reports to `events`. */
  open(events: ConnectionEvents): ClientConnection;
  /** Called with each extra connection once it is ready (the channel starts its keepalive). */
  onReady(connection: ClientConnection): void;
  /** Called when an extra connection gets GOAWAY (the channel backs its keepalive off on too_many_pings). */
  onGoaway(connection: ClientConnection, errorCode: number, opaqueData: Buffer | undefined): void;
  /** An extra connection not ready this long after it started is given up. */
  readonly connectTimeoutMs: number;
}

// After an extra connection failed, the pool opens no other for this long, doubling per failure
// up to the maximum, so an address that refuses more connections is not redialled per call.
const FIRST_PAUSE_MS = 1_000;
const MAX_PAUSE_MS = 30_000;
/** The most connections per address a channel may keep. */
export const MAX_CONNECTIONS_PER_ADDRESS = 64;

/**
 * Up to `size` HTTP/2 connections to one address instead of one, so that one client can use
 * several server processes behind one port (serveCluster) and is not capped by one connection's
 * SETTINGS_MAX_CONCURRENT_STREAMS. The channel keeps its own connection (the anchor: connectivity
 * state, backoff, waiting calls) and asks `pick(anchor)` for each new call, which returns the
 * least-loaded ready connection (fewest open streams). The pool grows only while every connection
 * has calls in flight, one connection at a time; the extra connections live as long as their
 * anchor: when it closes (idle timeout, GOAWAY, lost, channel closed) they close gracefully.
 */
export class ConnectionPool implements ConnectionEvents {
  readonly #size: number;
  readonly #setup: ConnectionPoolSetup;
  readonly #ready = new Set<ClientConnection>();
  #anchor: ClientConnection | undefined;
  #connecting: ClientConnection | undefined;
  #connectTimer: NodeJS.Timeout | undefined;
  #failures = 0;
  #pausedUntilMs = 0;

  constructor(size: number, setup: ConnectionPoolSetup) {
    this.#size = size;
    this.#setup = setup;
  }

  /** The connections open beside the anchor and ready for calls. */
  get extraCount(): number {
    return this.#ready.size;
  }

  /** Those connections themselves (Channel.stats(), channelz). */
  get extras(): ClientConnection[] {
    return [...this.#ready];
  }

  /** The ready connection with the fewest open streams, `anchor` (the channel's ready connection) included; may start opening another. */
  pick(anchor: ClientConnection): ClientConnection {
    if (anchor !== this.#anchor) this.#anchorTo(anchor);
    let best = anchor;
    let least = anchor.streamCount;
    for (const connection of this.#ready) {
      const streams = connection.streamCount;
      if (streams < least && connection.isReady) {
        best = connection;
        least = streams;
      }
    }
    if (least > 0) this.#grow();
    return best;
  }

  #anchorTo(anchor: ClientConnection): void {
    this.#closeAll();
    this.#anchor = anchor;
    anchor.session.once("close", () => {
      if (this.#anchor !== anchor) return;
      this.#anchor = undefined;
      this.#closeAll();
    });
  }

  #grow(): void {
    if (this.#connecting !== undefined || this.#ready.size + 1 >= this.#size || Date.now() < this.#pausedUntilMs) return;
    const connection = this.#setup.open(this);
    this.#connecting = connection;
    this.#connectTimer = setTimeout(() => {
      connection.destroy(Object.assign(new Error(`connect timed out after ${this.#setup.connectTimeoutMs} ms`), { code: "ETIMEDOUT" }));
    }, this.#setup.connectTimeoutMs);
    this.#connectTimer.unref();
  }

  /** ConnectionEvents: an extra connection is up; calls may go to it (unless its anchor went away meanwhile). */
  onReady(connection: ClientConnection): void {
    if (connection !== this.#connecting) return;
    this.#stopConnecting();
    this.#failures = 0;
    if (this.#anchor === undefined) {
      connection.close();
      return;
    }
    this.#ready.add(connection);
    this.#setup.onReady(connection);
  }

  /** ConnectionEvents: PROTOCOL-HTTP2 GOAWAY: no new calls on it; those running finish, then it closes. */
  onGoaway(connection: ClientConnection, errorCode: number, opaqueData: Buffer | undefined): void {
    this.#ready.delete(connection);
    connection.close();
    this.#setup.onGoaway(connection, errorCode, opaqueData);
  }

  /** ConnectionEvents: gone; a connection that never became ready pauses the pool's growth. */
  onClose(connection: ClientConnection): void {
    this.#ready.delete(connection);
    if (connection !== this.#connecting) return;
    this.#stopConnecting();
    this.#pausedUntilMs = Date.now() + Math.min(MAX_PAUSE_MS, FIRST_PAUSE_MS * 2 ** this.#failures++);
  }

  #stopConnecting(): void {
    clearTimeout(this.#connectTimer);
    this.#connecting = undefined;
  }

  #closeAll(): void {
    // GOAWAY and close once the calls on them finish (Http2Session.close), as the channel does.
    for (const connection of this.#ready) connection.close();
    this.#ready.clear();
    this.#connecting?.destroy();
    this.#stopConnecting();
  }
}

/**
 * The pool for ChannelOptions.connectionsPerAddress, or undefined for one connection (the
 * default); throws RangeError unless it is a whole number from 1 to MAX_CONNECTIONS_PER_ADDRESS.
 */
export function createConnectionPool(connectionsPerAddress: number | undefined, setup: ConnectionPoolSetup): ConnectionPool | undefined {
  if (connectionsPerAddress === undefined || connectionsPerAddress === 1) return undefined;
  if (!Number.isInteger(connectionsPerAddress) || connectionsPerAddress < 1 || connectionsPerAddress > MAX_CONNECTIONS_PER_ADDRESS) {
    throw new RangeError(`connectionsPerAddress must be a whole number from 1 to ${MAX_CONNECTIONS_PER_ADDRESS}, got ${String(connectionsPerAddress)}`);
  }
  return new ConnectionPool(connectionsPerAddress, setup);
}
