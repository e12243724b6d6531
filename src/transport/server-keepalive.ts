import http2 from "node:http2";
import { isCountingSockets } from "../telemetry/socket-counters.js";
import { countersOfSession } from "./session-counters.js";

/** Connection management of one server connection, as grpc-go's keepalive.ServerParameters and EnforcementPolicy. */
export interface KeepalivePolicy {
  /** PING the client this often; off when undefined or beyond the 2^31-1 ms a timer can wait (Infinity). */
  readonly timeMs?: number | undefined;
  /** Close the connection if a PING is not acknowledged within this long. */
  readonly timeoutMs: number;
  /** Client PINGs closer together than this are strikes. */
  readonly minPingIntervalMs: number;
  /** Whether client PINGs are allowed while the connection has no calls. */
  readonly permitWithoutCalls: boolean;
  /** GOAWAY a connection that has had no calls for this long. */
  readonly maxConnectionIdleMs?: number | undefined;
  /** GOAWAY a connection this old (±10% jitter). */
  readonly maxConnectionAgeMs?: number | undefined;
  /** After maxConnectionAgeMs, destroy the connection this long after GOAWAY; never when undefined. */
  readonly maxConnectionAgeGraceMs?: number | undefined;
}

// grpc-go internal/transport/http2_server.go: more than 2 strikes gets GOAWAY ENHANCE_YOUR_CALM,
// and without calls (and without permitWithoutCalls) pings may come at most every 2 hours.
const MAX_PING_STRIKES = 2;
const PING_INTERVAL_WITHOUT_CALLS_MS = 2 * 60 * 60 * 1000;
const TOO_MANY_PINGS = Buffer.from("too_many_pings");
// grpc-go resets ping strikes whenever it writes HEADERS or DATA (http2_server.go,
// setResetPingStrikes on each write), so a client's BDP pings during a response never count.
// Node does not expose frame writes; bytes the socket took between two pings beyond a PING ACK
// (17) and a SETTINGS ACK (9) stand in for them. The smallest gRPC DATA frame is 14 bytes, and
// grpc-go's BDP estimator pings after each small message of a paced stream (the tutorial's
// ListValue: 36-byte frames), so the allowance must stay below 17 + 14. socket.bytesWritten
// counts bytes before TLS encryption: a PING ACK is 17 with or without TLS.
const CONTROL_FRAME_ALLOWANCE_BYTES = 26;
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Applies `policy` to `session` until it closes: keepalive PINGs, client ping enforcement, idle and age limits. */
export function watchSession(session: http2.ServerHttp2Session, policy: KeepalivePolicy): void {
  const watcher = new SessionWatcher(session, policy);
  session.on("stream", watcher.onStream);
  session.on("ping", watcher.onPing);
  session.once("close", watcher.dispose);
}

class SessionWatcher {
  readonly #session: http2.ServerHttp2Session;
  readonly #policy: KeepalivePolicy;
  #activeStreams = 0;
  #pingStrikes = 0;
  #lastPingAt = 0;
  #bytesWrittenAtLastPing = 0;
  #idleTimer: NodeJS.Timeout | undefined;
  #ageTimer: NodeJS.Timeout | undefined;
  #pingInterval: NodeJS.Timeout | undefined;
  #pingTimeout: NodeJS.Timeout | undefined;

  constructor(session: http2.ServerHttp2Session, policy: KeepalivePolicy) {
    this.#session = session;
    this.#policy = policy;
    this.#armIdle();
    if (policy.maxConnectionAgeMs !== undefined) {
      // grpc-go adds ±10% jitter so that connections made together do not all go away together.
      const ageMs = policy.maxConnectionAgeMs * (0.9 + Math.random() * 0.2);
      this.#ageTimer = setTimeout(this.#onMaxAge, ageMs).unref();
    }
    // setInterval would treat Infinity (or anything over 2^31-1 ms) as 1 ms.
    if (policy.timeMs !== undefined && policy.timeMs <= MAX_TIMER_MS) this.#pingInterval = setInterval(this.#sendPing, policy.timeMs).unref();
  }

  readonly onStream = (stream: http2.ServerHttp2Stream): void => {
    this.#activeStreams++;
    // grpc-go resets ping strikes whenever it sends headers or data: a busy connection may ping.
    this.#pingStrikes = 0;
    clearTimeout(this.#idleTimer);
    stream.once("close", this.#onStreamClose);
  };

  readonly #onStreamClose = (): void => {
    this.#activeStreams--;
    if (this.#activeStreams === 0) this.#armIdle();
  };

  readonly onPing = (): void => {
    const now = Date.now();
    const bytesWritten = this.#session.socket?.bytesWritten ?? 0;
    if (bytesWritten - this.#bytesWrittenAtLastPing > CONTROL_FRAME_ALLOWANCE_BYTES) this.#pingStrikes = 0;
    this.#bytesWrittenAtLastPing = bytesWritten;
    const minIntervalMs =
      this.#activeStreams === 0 && !this.#policy.permitWithoutCalls
        ? Math.max(PING_INTERVAL_WITHOUT_CALLS_MS, this.#policy.minPingIntervalMs)
        : this.#policy.minPingIntervalMs;
    if (this.#lastPingAt !== 0 && now - this.#lastPingAt < minIntervalMs) this.#pingStrikes++;
    this.#lastPingAt = now;
    if (this.#pingStrikes > MAX_PING_STRIKES && !this.#session.destroyed) {
      this.#session.goaway(http2.constants.NGHTTP2_ENHANCE_YOUR_CALM, 0, TOO_MANY_PINGS);
      this.#session.destroy();
    }
  };

  readonly #sendPing = (): void => {
    if (this.#session.destroyed || this.#pingTimeout !== undefined) return;
    if (isCountingSockets()) countersOfSession(this.#session)!.keepalivesSent++;
    this.#pingTimeout = setTimeout(this.#onPingTimeout, this.#policy.timeoutMs).unref();
    const sent = this.#session.ping((error) => {
      clearTimeout(this.#pingTimeout);
      this.#pingTimeout = undefined;
      if (error !== null && !this.#session.destroyed) this.#session.destroy();
    });
    if (!sent) {
      clearTimeout(this.#pingTimeout);
      this.#pingTimeout = undefined;
    }
  };

  readonly #onPingTimeout = (): void => {
    this.#pingTimeout = undefined;
    this.#session.destroy();
  };

  #armIdle(): void {
    if (this.#policy.maxConnectionIdleMs === undefined) return;
    clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(this.#goAway, this.#policy.maxConnectionIdleMs).unref();
  }

  readonly #goAway = (): void => {
    // Http2Session.close sends GOAWAY(NO_ERROR) and lets open streams finish.
    if (!this.#session.closed) this.#session.close();
  };

  readonly #onMaxAge = (): void => {
    this.#goAway();
    const graceMs = this.#policy.maxConnectionAgeGraceMs;
    if (graceMs !== undefined) this.#ageTimer = setTimeout(() => this.#session.destroy(), graceMs).unref();
  };

  readonly dispose = (): void => {
    clearTimeout(this.#idleTimer);
    clearTimeout(this.#ageTimer);
    clearInterval(this.#pingInterval);
    clearTimeout(this.#pingTimeout);
  };
}
