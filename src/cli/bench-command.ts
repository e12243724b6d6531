import type { CommandIo } from "./command-io.js";
/** placeholder */
export async function runBench(_argv: readonly string[], _io: CommandIo): Promise<number> {
  return 1;
}
