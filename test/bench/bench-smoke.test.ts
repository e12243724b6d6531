import { execFile } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { IMPL_NAMES } from "../../bench/clients/bench-client.js";
import { hasH2load } from "../../bench/h2load.js";
import type { BenchReport } from "../../bench/report.js";
import { LOAD_SCENARIOS } from "../../bench/scenarios.js";

// The benchmark is not a test: nothing here asserts on speed. This runs every scenario, every
// implementation and every side for a moment, so the benchmark cannot rot unnoticed.

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const MAIN = path.join(ROOT, "dist", "bench", "main.js");

beforeAll(async () => {
  // The bench runs from dist/ (separate node processes): rebuild it when it is older than the
  // sources (npm install builds it once). Type errors are the typecheck step's business: tsc
  // still emits, and the run below is the check.
  if (isStale(MAIN)) {
    await run(process.execPath, [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"], {
      cwd: ROOT,
    }).catch(() => {});
  }
  expect(existsSync(MAIN)).toBe(true);
}, 120_000);

function isStale(builtFile: string): boolean {
  if (!existsSync(builtFile)) return true;
  const builtAtMs = statSync(builtFile).mtimeMs;
  return ["src", "bench"].some((dir) =>
    readdirSync(path.join(ROOT, dir), { recursive: true, encoding: "utf8" }).some(
      (file) => file.endsWith(".ts") && statSync(path.join(ROOT, dir, file)).mtimeMs > builtAtMs,
    ),
  );
}

describe("npm run bench", () => {
  it("runs every scenario for every implementation and side, and reports a rate for each", async () => {
    const { stdout } = await run(
      process.execPath,
      [MAIN, "--json", "--runs", "1", "--warmup-ms", "50", "--duration-ms", "150", "--streams", "30", "--connections", "3"],
      { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
    );
    const report = JSON.parse(stdout) as BenchReport;

    const sides = hasH2load() ? ["server", "h2load", "client", "e2e"] : ["server", "client", "e2e"];
    for (const scenario of LOAD_SCENARIOS) {
      for (const side of sides) {
        if (side === "h2load" && !scenario.hasH2load) continue;
        for (const impl of IMPL_NAMES) {
          const row = report.load.find((r) => r.scenario === scenario.name && r.side === side && (side === "client" ? r.client : r.server) === impl);
          expect(row, `${scenario.name} ${side} ${impl}`).toBeDefined();
          expect(row?.rate.median, `${scenario.name} ${side} ${impl}`).toBeGreaterThan(0);
        }
      }
    }
    for (const impl of IMPL_NAMES) {
      for (const [scenario, side] of [["open-streams", "server"], ["idle-connections", "server"], ["idle-connections", "client"]]) {
        const row = report.memory.find((r) => r.scenario === scenario && r.side === side && r.impl === impl);
        expect(row?.rssAfterMiB, `${scenario} ${side} ${impl}`).toBeGreaterThan(0);
      }
    }
  }, 180_000);
});
