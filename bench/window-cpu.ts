import { setTimeout as sleep } from "node:timers/promises";
import type { RunTiming } from "./load-driver.js";

/**
 * Waits for `run` (a load that warms up for timing.warmupMs, then measures for durationMs, as the
 * load driver and h2load do) while reading `readCpuUs` at the edges of that window, as closely as
 * this process can time them: the CPU a server used while the window was measured, without its
 * warm-up (a fresh process optimizes its hot path then). Rejects with the run's error.
 */
export async function measureWindowCpu<T>(
  run: Promise<T>,
  timing: RunTiming,
  readCpuUs: () => number | Promise<number>,
): Promise<{ result: T; windowCpuUs: number }> {
  run.catch(() => {}); // awaited below; a failure must not surface as unhandled while we sleep
  await sleep(timing.warmupMs);
  const startUs = await readCpuUs();
  await sleep(timing.durationMs);
  const endUs = await readCpuUs();
  return { result: await run, windowCpuUs: endUs - startUs };
}
