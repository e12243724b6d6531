import type { RetryThrottling } from "../service-config/service-config.js";

/**
 * gRFC A6 retry throttling for one channel: a token count that starts at maxTokens, loses one for
 * every failed attempt (a retryable or non-fatal status, or pushback saying not to retry) and
 * gains tokenRatio for every success. While it is at or below half of maxTokens, calls are not
 * retried and no further hedges are sent.
 */
export class RetryThrottle {
  readonly #maxTokens: number;
  readonly #tokenRatio: number;
  #tokens: number;

  constructor(settings: RetryThrottling) {
    this.#maxTokens = settings.maxTokens;
    this.#tokenRatio = settings.tokenRatio;
    this.#tokens = settings.maxTokens;
  }

  /** True while the token count is above the threshold (maxTokens / 2). */
  get isRetryAllowed(): boolean {
    return this.#tokens > this.#maxTokens / 2;
  }

  /** The current token count, for tests and diagnostics. */
  get tokens(): number {
    return this.#tokens;
  }

  recordFailure(): void {
    this.#tokens = Math.max(0, this.#tokens - 1);
  }

  recordSuccess(): void {
    this.#tokens = Math.min(this.#maxTokens, this.#tokens + this.#tokenRatio);
  }
}
