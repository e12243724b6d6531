/** A channel's or a server's calls so far (channelz's ChannelData and ServerData counters). */
export interface CallStats {
  readonly callsStarted: number;
  readonly callsSucceeded: number;
  readonly callsFailed: number;
  /** Started, not yet ended. */
  readonly callsInFlight: number;
  /** When the last call started (epoch ms), or undefined before the first. */
  readonly lastCallStartedAt: number | undefined;
}

/** Counts calls as they start and end; read with stats(). Cheap enough to run for every call. */
export class CallCounters {
  #started = 0;
  #succeeded = 0;
  #failed = 0;
  #lastStartedAt: number | undefined;

  callStarted(): void {
    this.#started++;
    this.#lastStartedAt = Date.now();
  }

  callEnded(isOk: boolean): void {
    if (isOk) this.#succeeded++;
    else this.#failed++;
  }

  stats(): CallStats {
    return {
      callsStarted: this.#started,
      callsSucceeded: this.#succeeded,
      callsFailed: this.#failed,
      callsInFlight: this.#started - this.#succeeded - this.#failed,
      lastCallStartedAt: this.#lastStartedAt,
    };
  }
}
