import { readFileSync } from "node:fs";

// CPU time of other processes (a cluster's workers, grpc-go's server) from /proc/<pid>/stat,
// proc(5): utime and stime, fields 14 and 15, in clock ticks of 1/100 s (USER_HZ on Linux).
const TICK_US = 10_000;

/** True where /proc/<pid>/stat can be read (Linux). */
export function canReadProcessCpu(): boolean {
  return processCpuUs(process.pid) !== undefined;
}

/** The CPU time (user + system) process `pid` has used, in µs; undefined if it cannot be read. */
export function processCpuUs(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces: count fields after its ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const [utime, stime] = [Number(fields[11]), Number(fields[12])];
  return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) * TICK_US : undefined;
}

/** The CPU time of every process in `pids` together, in µs (a process that is gone counts 0). */
export function processesCpuUs(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + (processCpuUs(pid) ?? 0), 0);
}
