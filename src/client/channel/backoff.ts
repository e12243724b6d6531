import type { BackoffOptions } from "../client-options.js";

/** The settings of doc/connection-backoff.md with every default filled in. */
export interface BackoffSettings {
  readonly initialMs: number;
  readonly multiplier: number;
  readonly jitter: number;
  readonly maxMs: number;
  readonly minConnectTimeoutMs: number;
}

/** Fills in the spec's defaults: 1 s, x1.6, ±20%, 120 s, 20 s; throws RangeError for a negative or inverted setting. */
export function backoffSettings(options: BackoffOptions = {}): BackoffSettings {
  const settings = {
    initialMs: options.initialMs ?? 1000,
    multiplier: options.multiplier ?? 1.6,
    jitter: options.jitter ?? 0.2,
    maxMs: options.maxMs ?? 120_000,
    minConnectTimeoutMs: options.minConnectTimeoutMs ?? 20_000,
  };
  if (settings.initialMs < 0 || settings.multiplier < 1 || settings.jitter < 0 || settings.jitter > 1) {
    throw new RangeError(`invalid backoff options ${JSON.stringify(settings)}`);
  }
  if (settings.maxMs < settings.initialMs) throw new RangeError("backoff maxMs must be at least initialMs");
  return settings;
}

/**
 * The reconnect schedule of doc/connection-backoff.md: the first retry waits INITIAL_BACKOFF,
 * each later one MULTIPLIER times longer up to MAX_BACKOFF, each randomized by ±JITTER; reset()
 * after a connection succeeds.
 */
export class ConnectionBackoff {
  readonly #settings: BackoffSettings;
  readonly #random: () => number;
  #currentMs: number;

  constructor(settings: BackoffSettings, random: () => number = Math.random) {
    this.#settings = settings;
    this.#random = random;
    this.#currentMs = settings.initialMs;
  }

  /** How long the next connection attempt may take: max(MIN_CONNECT_TIMEOUT, current backoff). */
  get connectTimeoutMs(): number {
    return Math.max(this.#settings.minConnectTimeoutMs, this.#currentMs);
  }

  /** Returns the delay before the next attempt and grows the schedule. */
  nextDelayMs(): number {
    const { jitter, multiplier, maxMs } = this.#settings;
    const delay = this.#currentMs * (1 + jitter * (this.#random() * 2 - 1));
    this.#currentMs = Math.min(this.#currentMs * multiplier, maxMs);
    return Math.max(0, Math.round(delay));
  }

  /** Starts the schedule over, after a successful connection. */
  reset(): void {
    this.#currentMs = this.#settings.initialMs;
  }
}
