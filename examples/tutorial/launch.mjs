// `npm start` and `npm run tutorial` land here: build dist/ if it is missing or older than the
// TypeScript sources (a fresh clone has none: npm install builds nothing), then run the built entry in
// this same process, so Ctrl-C and SIGTERM reach the server directly.
//   node examples/tutorial/launch.mjs server [flags]    → dist/examples/tutorial/main.js
//   node examples/tutorial/launch.mjs lesson <name> ... → dist/examples/tutorial/lessons/run-lesson.js
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const ENTRIES = {
  server: "dist/examples/tutorial/main.js",
  lesson: "dist/examples/tutorial/lessons/run-lesson.js",
};
const SOURCE_DIRS = ["src", "examples", "protos/gen"];

const which = process.argv[2];
const entry = ENTRIES[which];
if (entry === undefined) {
  console.error(`usage: node examples/tutorial/launch.mjs ${Object.keys(ENTRIES).join("|")} [args...]`);
  process.exit(2);
}
const entryPath = path.join(root, entry);
if (isStale(entryPath)) build();
process.argv.splice(2, 1); // the entry reads its own arguments from process.argv.slice(2)
await import(pathToFileURL(entryPath).href);

function isStale(file) {
  if (!existsSync(file)) return true;
  const builtAt = statSync(file).mtimeMs;
  return SOURCE_DIRS.some((dir) => newestTypeScriptMtime(path.join(root, dir)) > builtAt);
}

function newestTypeScriptMtime(dir) {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const item of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (item.isFile() && item.name.endsWith(".ts")) {
      newest = Math.max(newest, statSync(path.join(item.parentPath ?? item.path, item.name)).mtimeMs);
    }
  }
  return newest;
}

function build() {
  console.error("building dist/ (tsc -p tsconfig.build.json)...");
  const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc");
  const result = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: root, stdio: "inherit" });
  // tsc still writes the JavaScript when it reports type errors; run it if it is there.
  if (!existsSync(entryPath)) {
    console.error(`the build did not produce ${entry} (tsc exit code ${result.status})`);
    process.exit(1);
  }
}
