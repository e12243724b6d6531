import { existsSync, readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

// `node dist/bench/profile-summary.js <file.cpuprofile> [top]`: the functions with the most self
// time in a `node --cpu-prof` profile (see `npm run bench -- --profile DIR`), with dist/ locations
// mapped back to the TypeScript source through the .js.map files tsc writes.

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const sourceMaps = new Map<string, SourceMap | undefined>();

function sourceMapOf(file: string): SourceMap | undefined {
  if (!sourceMaps.has(file)) {
    const mapFile = `${file}.map`;
    sourceMaps.set(file, existsSync(mapFile) ? new SourceMap(JSON.parse(readFileSync(mapFile, "utf8"))) : undefined);
  }
  return sourceMaps.get(file);
}

/** "src/server/handle-call.ts:42" for a frame in dist/, "node:internal/..:12" otherwise (1-based lines). */
function locate(frame: ProfileNode["callFrame"]): string {
  if (frame.url === "") return "(native)";
  if (!frame.url.startsWith("file:")) return `${frame.url}:${frame.lineNumber + 1}`;
  const file = fileURLToPath(frame.url);
  const entry = sourceMapOf(file)?.findEntry(frame.lineNumber, frame.columnNumber);
  if (entry !== undefined && "originalSource" in entry) {
    const source = entry.originalSource.startsWith("file:") ? fileURLToPath(entry.originalSource) : path.resolve(path.dirname(file), entry.originalSource);
    return `${path.relative(process.cwd(), source)}:${entry.originalLine + 1}`;
  }
  return `${path.relative(process.cwd(), file)}:${frame.lineNumber + 1}`;
}

const [file, topText] = process.argv.slice(2);
if (file === undefined) {
  process.stderr.write("usage: node dist/bench/profile-summary.js <file.cpuprofile> [top]\n");
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

const byFunction = new Map<string, number>();
let totalUs = 0;
let idleUs = 0;
for (const node of profile.nodes) {
  const us = selfUs.get(node.id) ?? 0;
  totalUs += us;
  if (node.callFrame.functionName === "(idle)") idleUs += us;
  const key = `${node.callFrame.functionName || "(anonymous)"}  ${locate(node.callFrame)}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + us);
}
const busyUs = totalUs - idleUs;
process.stdout.write(`${file}: ${(totalUs / 1e6).toFixed(1)} s sampled, ${((busyUs / totalUs) * 100).toFixed(0)}% busy; self time as % of busy\n`);
const top = [...byFunction].filter(([key]) => !key.startsWith("(idle)")).sort((a, b) => b[1] - a[1]).slice(0, Number(topText ?? 30));
for (const [key, us] of top) process.stdout.write(`${((us / busyUs) * 100).toFixed(1).padStart(5)}%  ${key}\n`);
