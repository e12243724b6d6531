import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runGen } from "../../src/cli/gen-command.js";

const dir = mkdtempSync(path.join(tmpdir(), "h2grpc-gen-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the command, collecting what it prints. */
function run(...argv: string[]): { code: number; stdout: string; stderr: string } {
  let stdout = "";
  let stderr = "";
  const code = runGen(argv, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
  return { code, stdout, stderr };
}

describe("h2grpc-gen", () => {
  it("writes one .ts per .proto into --out-dir, importing from --import-from", () => {
    const out = path.join(dir, "direct");
    const result = run("--out-dir", out, "--import-from", "../src/index.js", "test/protos/echo.proto");
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toBe(`wrote ${path.join(out, "echo.ts")}\n`);
    expect(readFileSync(path.join(out, "echo.ts"), "utf8")).toContain('from "../src/index.js";');
  });

  it("follows -I for imports", () => {
    const out = path.join(dir, "include");
    expect(run("-o", out, "-I", "test/codec/protos/include", "test/codec/protos/shapes.proto").code).toBe(0);
    expect(readFileSync(path.join(out, "shapes.ts"), "utf8")).toContain("export interface ShapesDefinition");
  });

  it("expands dir/*.proto patterns of a config file, and --check passes on fresh output", () => {
    const out = path.join(dir, "config-out");
    const config = path.join(dir, "gen.config.json");
    writeFileSync(
      config,
      JSON.stringify({ targets: [{ protos: ["test/codec/protos/*.proto"], includeDirs: ["test/codec/protos/include"], outDir: out }] }),
    );
    expect(run("--config", config).stdout.split("\n").filter(Boolean)).toEqual([
      `wrote ${path.join(out, "defaults.ts")}`,
      `wrote ${path.join(out, "legacy.ts")}`,
      `wrote ${path.join(out, "shapes.ts")}`,
    ]);
    expect(run("--config", config, "--check")).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  it("--check fails on a stale, a missing and a left-over generated file, and writes nothing", () => {
    const out = path.join(dir, "check");
    const config = path.join(dir, "check.config.json");
    writeFileSync(
      config,
      JSON.stringify({ targets: [{ protos: ["test/codec/protos/legacy.proto", "test/protos/echo.proto"], outDir: out }] }),
    );
    expect(run("--config", config).code).toBe(0);
    const legacy = path.join(out, "legacy.ts");
    const echo = path.join(out, "echo.ts");
    const leftOver = path.join(out, "gone.ts");
    writeFileSync(legacy, `${readFileSync(legacy, "utf8")}// edited by hand\n`);
    rmSync(echo);
    writeFileSync(leftOver, readFileSync(legacy, "utf8"));
    writeFileSync(path.join(out, "handwritten.ts"), "export const x = 1;\n");
    const result = run("--config", config, "--check");
    expect(result.code).toBe(1);
    expect(result.stderr.split("\n").filter(Boolean).sort()).toEqual([
      `${echo} is missing: run \`npm run gen\``,
      `${leftOver} was generated from a .proto that is no longer listed: delete it`,
      `${legacy} is out of date: run \`npm run gen\``,
    ]);
    expect(readFileSync(legacy, "utf8")).toContain("// edited by hand");
  });

  it("prints usage for --help (exit 0) and for no input (exit 2)", () => {
    expect(run("--help")).toMatchObject({ code: 0, stdout: expect.stringContaining("usage: h2grpc-gen") });
    expect(run().code).toBe(2);
  });

  it("#12 prints its version with --version and -v, and its usage with --help and -h, exiting 0", () => {
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
    for (const flag of ["--version", "-v"]) expect(run(flag)).toEqual({ code: 0, stdout: `h2grpc-gen ${pkg.version}\n`, stderr: "" });
    for (const flag of ["--help", "-h"]) {
      const result = run(flag);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^usage: h2grpc-gen \[options\] <file\.proto>\.\.\./);
      expect(result.stdout).toContain("-v, --version");
    }
  });

  it("throws for an unknown option, a bad config and a missing .proto", () => {
    expect(() => run("--nope")).toThrow(/Unknown option '--nope'/);
    const config = path.join(dir, "bad.config.json");
    writeFileSync(config, JSON.stringify({ protos: [] }));
    expect(() => run("--config", config)).toThrow(`${config}: expected {"targets": [...]}`);
    mkdirSync(path.join(dir, "empty"), { recursive: true });
    expect(() => run("-o", path.join(dir, "empty"), "test/protos/missing.proto")).toThrow(/^cannot find test\/protos\/missing.proto: tried /);
  });
});
