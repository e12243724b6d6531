// #12: `npm install` in a fresh clone must leave package-lock.json as committed. It rewrote it
// because the lockfile's root entry lacked the package's `bin`; npm copies name, version,
// license, bin, engines and the dependency lists from package.json into that entry.
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const work = mkdtempSync(path.join(tmpdir(), "h2grpc-lockfile-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("package-lock.json", () => {
  it("is what npm install writes for package.json: a fresh clone's install does not rewrite it", async () => {
    for (const file of ["package.json", "package-lock.json"]) cpSync(path.join(ROOT, file), path.join(work, file));
    // Resolves from the lockfile and the npm cache alone, touching neither node_modules nor the network.
    await promisify(execFile)("npm", ["install", "--package-lock-only", "--offline", "--ignore-scripts", "--no-audit", "--no-fund"], { cwd: work });
    expect(readFileSync(path.join(work, "package-lock.json"), "utf8")).toBe(readFileSync(path.join(ROOT, "package-lock.json"), "utf8"));
  }, 120_000);
});
