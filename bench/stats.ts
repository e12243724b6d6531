/** The value at quantile `q` (0..1) of ascending `sorted`, by nearest rank; NaN when empty. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] as number;
}

/** The median of unsorted values; NaN when empty. */
export function median(values: readonly number[]): number {
  return quantile(Float64Array.from(values).sort(), 0.5);
}

/** What repeated runs of one measurement add up to: median, and the spread as (max − min) / median. */
export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** (max − min) / median, e.g. 0.04 for runs within 4% of each other. */
  readonly spread: number;
  readonly runs: readonly number[];
}

/** Summarizes the values of repeated runs. */
export function summarize(runs: readonly number[]): Summary {
  const mid = median(runs);
  const min = Math.min(...runs);
  const max = Math.max(...runs);
  return { median: mid, min, max, spread: runs.length > 1 && mid > 0 ? (max - min) / mid : 0, runs };
}

/**
 * Latencies of one run, in ms, kept in a growable Float64Array (no per-sample object); p50/p99
 * sort a copy once at the end.
 */
export class LatencyRecorder {
  #samples = new Float64Array(1 << 16);
  #count = 0;

  /** Adds one latency in ms. */
  record(ms: number): void {
    if (this.#count === this.#samples.length) {
      const grown = new Float64Array(this.#samples.length * 2);
      grown.set(this.#samples);
      this.#samples = grown;
    }
    this.#samples[this.#count++] = ms;
  }

  /** The recorded latencies' p50 and p99 in ms (NaN when none). */
  percentiles(): { p50Ms: number; p99Ms: number } {
    const sorted = this.#samples.slice(0, this.#count).sort();
    return { p50Ms: quantile(sorted, 0.5), p99Ms: quantile(sorted, 0.99) };
  }
}
