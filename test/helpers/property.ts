// How every property test runs: a fixed number of runs (the same locally and in CI), a random
// seed unless FC_SEED pins one, and fast-check's failure report, which names the seed and the
// shrunk counterexample: rerun with `FC_SEED=<seed> npx vitest run <file>` to reproduce.
import fc from "fast-check";

/** Runs per property; FC_NUM_RUNS overrides it for a deeper local search. */
export const PROPERTY_RUNS = Number(process.env.FC_NUM_RUNS ?? 200);

/** Checks `property` with the shared parameters; throws fast-check's report (with the seed) on failure. */
export function assertProperty<Ts>(property: fc.IProperty<Ts> | fc.IAsyncProperty<Ts>, runs = PROPERTY_RUNS): void | Promise<void> {
  const seed = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);
  const parameters = { numRuns: runs, verbose: 1, ...(seed !== undefined ? { seed } : {}) } as const;
  return fc.assert(property as fc.IProperty<Ts>, parameters) as void | Promise<void>;
}
