#!/usr/bin/env node
// `npm run gen:bench`: regenerates the protobuf-es code of the bench's connect-node peer
// (bench/connect/gen/) from bench/protos with buf and protoc-gen-es, both dev dependencies, as
// connect-es users do (bench/connect/buf.gen.yaml). `--check` (part of `npm run gen:check`)
// generates into a temporary directory instead and fails if the committed files differ.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const TEMPLATE = "bench/connect/buf.gen.yaml";
const GENERATED = "bench/connect/gen";
const isCheck = process.argv.includes("--check");

const bin = path.join(ROOT, "node_modules", ".bin");
const outDir = isCheck ? mkdtempSync(path.join(tmpdir(), "h2grpc-gen-bench-")) : ROOT;
// buf finds the local plugin protoc-gen-es on PATH.
const result = spawnSync(path.join(bin, "buf"), ["generate", "--template", TEMPLATE, "--output", outDir], {
  cwd: ROOT,
  stdio: "inherit",
  env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}` },
});
if (result.status !== 0) {
  console.error(`gen-bench: buf generate failed (${result.error?.message ?? `exit code ${result.status}`}); run npm install first`);
  process.exit(1);
}
if (isCheck) {
  const stale = compare(path.join(outDir, GENERATED), path.join(ROOT, GENERATED));
  rmSync(outDir, { recursive: true, force: true });
  if (stale.length > 0) {
    console.error(`gen-bench: ${stale.join(", ")} in ${GENERATED} differ from what buf generates; run npm run gen:bench`);
    process.exit(1);
  }
  console.log(`gen-bench: ${GENERATED} is current`);
}

/** The file names that differ between two directories (missing on either side included). */
function compare(expectedDir, actualDir) {
  const names = new Set([...listFiles(expectedDir), ...listFiles(actualDir)]);
  return [...names].filter((name) => readOrNull(path.join(expectedDir, name)) !== readOrNull(path.join(actualDir, name)));
}

function listFiles(dir) {
  try {
    return readdirSync(dir, { recursive: true, encoding: "utf8" });
  } catch {
    return [];
  }
}

function readOrNull(file) {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return null;
  }
}
