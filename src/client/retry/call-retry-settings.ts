import type { ChannelOptions } from "../client-options.js";
import type { MethodConfig } from "../service-config/method-config.js";
import type { RetryThrottling } from "../service-config/service-config.js";
import { ReplayBuffer, RetryBufferBudget } from "./replay-buffer.js";
import type { CallRetryPolicy } from "./retrying-call-stream.js";
import { RetryThrottle } from "./retry-throttle.js";

// grpc-java's defaults: 16 MiB for a channel, 1 MiB for one call.
const DEFAULT_RETRY_BUFFER_BYTES = 16 * 1024 * 1024;
const DEFAULT_PER_CALL_RETRY_BUFFER_BYTES = 1024 * 1024;

/**
 * What one channel keeps for retries and hedges (gRFC A6): whether they are on, the replay
 * budget shared by its calls, and the throttle of the service config in force.
 */
export class ChannelRetrySettings {
  readonly #isEnabled: boolean;
  readonly #budget: RetryBufferBudget;
  readonly #perCallBytes: number;
  #throttling: RetryThrottling | undefined;
  #throttle: RetryThrottle | undefined;

  /** Throws RangeError for a negative or non-numeric buffer size. */
  constructor(options: ChannelOptions) {
    for (const name of ["retryBufferBytes", "perCallRetryBufferBytes"] as const) {
      const value = options[name];
      if (value !== undefined && !(value >= 0)) throw new RangeError(`${name} must be 0 or more, got ${String(value)}`);
    }
    this.#isEnabled = options.enableRetries !== false;
    this.#budget = new RetryBufferBudget(options.retryBufferBytes ?? DEFAULT_RETRY_BUFFER_BYTES);
    this.#perCallBytes = options.perCallRetryBufferBytes ?? DEFAULT_PER_CALL_RETRY_BUFFER_BYTES;
  }

  /** The service config's retryThrottling changed: a new token bucket, full (or none). */
  setThrottling(throttling: RetryThrottling | undefined): void {
    if (throttling?.maxTokens === this.#throttling?.maxTokens && throttling?.tokenRatio === this.#throttling?.tokenRatio) return;
    this.#throttling = throttling;
    this.#throttle = throttling === undefined ? undefined : new RetryThrottle(throttling);
  }

  get throttle(): RetryThrottle | undefined {
    return this.#throttle;
  }

  /** The retry or hedging policy for a call under `config`, or undefined: the call runs as a single attempt. */
  policyFor(config: MethodConfig | undefined): CallRetryPolicy | undefined {
    if (!this.#isEnabled || config === undefined) return undefined;
    if (config.retryPolicy !== undefined) return { kind: "retry", policy: config.retryPolicy };
    if (config.hedgingPolicy !== undefined) return { kind: "hedging", policy: config.hedgingPolicy };
    return undefined;
  }

  /** A replay buffer for one call, drawing on the channel's budget. */
  newBuffer(): ReplayBuffer {
    return new ReplayBuffer(this.#budget, this.#perCallBytes);
  }
}
