// #10: the 30-second version of `npm run soak` (bench/soak.ts): unary calls, streams of the three
// kinds and cancellations against one server, in rounds; fails when the heap after GC grows more
// than 16 MiB past the first round or a handle is left once everything is closed.
import { afterAll, describe, expect, it } from "vitest";
import { buildProgram, removeLibrary, startProgram } from "../helpers/child-process.js";

afterAll(() => removeLibrary());

describe("#10 soak", () => {
  it("30 seconds of unary calls, streams and cancellations against one server: heap flat, no handle left", async () => {
    const soak = await buildProgram("bench/soak.ts");
    const child = startProgram(process.execPath, ["--expose-gc", soak, "--seconds=30", "--unary=400000", "--streams=8000", "--cancels=8000", "--json"]);
    const code = await child.exit(120_000);
    const verdictLine = child.lines().find((line) => line.startsWith('{"verdict"'));
    expect(verdictLine, child.stderr()).toBeDefined();
    const { verdict } = JSON.parse(verdictLine!) as { verdict: { unary: number; streams: number; cancels: number; heapGrowthMiB: number; handlesLeft: number } };
    expect(verdict.unary).toBeGreaterThan(0);
    expect(verdict.streams).toBeGreaterThan(0);
    expect(verdict.cancels).toBeGreaterThan(0);
    expect(verdict.heapGrowthMiB).toBeLessThanOrEqual(16);
    expect(verdict.handlesLeft).toBe(0);
    expect(code).toBe(0);
  }, 180_000);
});
