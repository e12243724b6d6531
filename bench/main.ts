import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { buildReport, formatReport } from "./report.js";
import { runLoadScenarios } from "./load-plan.js";
import { runMemoryScenarios } from "./memory-plan.js";
import { runMulticore } from "./multicore-plan.js";
import { parseOptions } from "./options.js";
import { runScalingCurves } from "./scaling-plan.js";
import { renderCurveCharts } from "./scaling-report.js";
import { formatWebRows, runWebScenarios } from "./web/web-bench.js";

// `npm run bench -- [options]`: the orchestrator. It only forks workers and collects numbers;
// servers and clients each run in their own process. Progress goes to stderr, results to stdout.

let options;
try {
  options = parseOptions(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(2);
}
const log = (line: string): void => void process.stderr.write(`${line}\n`);
const loadRuns = await runLoadScenarios(options, log);
const memoryRuns = await runMemoryScenarios(options, log);
const webRows = await runWebScenarios(options, log);
const curves = await runScalingCurves(options, log);
const multicore = await runMulticore(options, log);
const report = { ...buildReport(loadRuns, memoryRuns, curves, multicore, options), web: webRows };
if (options.jsonFile !== undefined) {
  mkdirSync(path.dirname(options.jsonFile), { recursive: true });
  writeFileSync(options.jsonFile, `${JSON.stringify(report, null, 2)}\n`);
  // The curves' charts go beside the JSON (bench/README.md shows the recorded ones).
  for (const [name, svg] of renderCurveCharts(curves)) writeFileSync(path.join(path.dirname(options.jsonFile), name), svg);
}
process.stdout.write(
  options.isJson ? `${JSON.stringify(report, null, 2)}\n` : `${[formatReport(report), formatWebRows(webRows)].filter((text) => text !== "").join("\n\n")}\n`,
);
