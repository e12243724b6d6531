#!/usr/bin/env node
// Part of `npm run build`: writes a CommonJS twin (*.d.cts) of every declaration file under the
// given directory. The package's "require" condition serves the same ESM build through Node's
// require(esm) (Node 20.19+, 22.12+), and TypeScript projects compiled as CommonJS with
// "module": "node16" refuse ESM-flavoured declarations for a require (TS1479); the twins, whose
// relative imports name ".cjs" files, are those declarations in CommonJS flavour.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const dir = process.argv[2];
if (dir === undefined) {
  console.error("usage: node scripts/cjs-declarations.mjs <dir with .d.ts files>");
  process.exit(2);
}
// `from "./x.js"`, `import("../y.js")`: relative specifiers only; package imports stay as they are.
const RELATIVE_JS = /((?:from|import)\s*\(?\s*["'])(\.{1,2}\/[^"']+)\.js(["'])/g;
let count = 0;
for (const file of readdirSync(dir, { recursive: true, encoding: "utf8" })) {
  if (!file.endsWith(".d.ts")) continue;
  const text = readFileSync(path.join(dir, file), "utf8");
  writeFileSync(path.join(dir, file.replace(/\.d\.ts$/, ".d.cts")), text.replace(RELATIVE_JS, "$1$2.cjs$3"));
  count++;
}
if (count === 0) {
  console.error(`cjs-declarations: no .d.ts files under ${dir}`);
  process.exit(1);
}
