// requirePeer on "a fresh machine": environments whose PATH hides the system peers (or holds
// broken stand-ins), without uninstalling anything. The last test runs vitest itself that way.
import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { missingPeers, peerSkipLine } from "./peers.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const work = mkdtempSync(path.join(tmpdir(), "h2grpc-peers-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A directory for PATH holding only the named programs of this machine (by symlink) and stand-in scripts. */
function binDir(name: string, programs: readonly string[], scripts: Readonly<Record<string, string>> = {}): string {
  const dir = path.join(work, name);
  mkdirSync(dir);
  for (const program of programs) symlinkSync(path.join("/usr/bin", program), path.join(dir, program));
  for (const [script, body] of Object.entries(scripts)) {
    writeFileSync(path.join(dir, script), `#!/bin/sh\n${body}\n`);
    chmodSync(path.join(dir, script), 0o755);
  }
  return dir;
}

// Enough for build.sh to run its checks: bash and the coreutils its first lines use.
const SHELL = ["bash", "dirname"];

describe("peer detection", () => {
  it("finds every peer missing on a machine without them and names all their Debian packages", () => {
    const missing = missingPeers(["openssl", "protoc", "grpc-go", "h2load"], { PATH: binDir("bare", SHELL) });
    expect(missing?.reasons).toEqual([
      "openssl is not on PATH",
      "protoc is not on PATH",
      expect.stringMatching(/^go is not installed/),
      "h2load is not on PATH",
    ]);
    expect(missing?.packages).toEqual([
      "openssl",
      "protobuf-compiler",
      "libprotobuf-dev",
      "golang-go",
      "golang-google-grpc-dev",
      "golang-github-golang-protobuf-1-3-dev",
      "nghttp2-client",
    ]);
  });

  it("finds Go with grpc-go but without golang-protobuf 1.3's grpc plugin unusable (the issue-12 machine)", () => {
    const gocode = path.join(work, "gocode");
    for (const dir of ["google.golang.org/grpc", "github.com/golang/protobuf/protoc-gen-go", "golang.org/x/net/http2"]) {
      mkdirSync(path.join(gocode, "src", dir), { recursive: true });
    }
    const PATH = binDir("go-without-plugin", SHELL, { go: "exit 0", protoc: "exit 0" });
    const missing = missingPeers(["grpc-go"], { PATH, GOCODE: gocode });
    expect(missing?.reasons).toEqual([expect.stringMatching(/no grpc plugin \(golang-protobuf 1\.3 is not installed\)$/)]);
    expect(missing?.packages).toContain("golang-github-golang-protobuf-1-3-dev");
  });

  it("finds protoc that cannot import the well-known types unusable, and names libprotobuf-dev", () => {
    const PATH = binDir("protoc-without-includes", [], { protoc: '[ "$1" = --version ] && exit 0; echo "google/protobuf/timestamp.proto: File not found." >&2; exit 1' });
    expect(missingPeers(["protoc"], { PATH })).toEqual({
      reasons: ["protoc cannot find google/protobuf/timestamp.proto"],
      packages: ["protobuf-compiler", "libprotobuf-dev"],
    });
  });

  it("says in one line what is skipped, why and what to install", () => {
    const line = peerSkipLine("TLS tests", ["openssl"], { PATH: binDir("no-openssl", []) });
    expect(line).toBe("skipped TLS tests: openssl is not on PATH; install with: apt-get install -y openssl");
  });

  it("throws instead of skipping under CI=true", () => {
    expect(() => peerSkipLine("TLS tests", ["openssl"], { PATH: binDir("ci-no-openssl", []), CI: "true" })).toThrow(
      /^CI=true and a test peer is missing: skipped TLS tests: .*apt-get install -y openssl$/,
    );
  });

  it("is silent when the peer is usable", () => {
    expect(peerSkipLine("stand-in", ["h2load"], { PATH: binDir("fake-h2load", [], { h2load: "exit 0" }) })).toBeUndefined();
  });
});

describe("vitest on a machine without openssl", () => {
  // The vitest of the parent run leaks VITEST_* variables that would make the child think it is a worker.
  const env = (extra: Record<string, string>): NodeJS.ProcessEnv => ({
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("VITEST") && name !== "CI")),
    PATH: binDir(`node-only-${Object.keys(extra).length}`, ["node"]),
    ...extra,
  });
  const runVitest = (extra: Record<string, string>) =>
    promisify(execFile)(process.execPath, [path.join(ROOT, "node_modules/vitest/vitest.mjs"), "run", "test/server/tls.test.ts"], {
      cwd: ROOT,
      env: env(extra),
    });

  it("skips the TLS tests with one line naming the package and passes", async () => {
    const { stdout, stderr } = await runVitest({});
    expect(`${stdout}${stderr}`).toContain("skipped server TLS tests: openssl is not on PATH; install with: apt-get install -y openssl\n");
    expect(stdout).toMatch(/Tests\s.*skipped/);
  }, 120_000);

  it("fails the same run under CI=true", async () => {
    const failure = (await runVitest({ CI: "true" }).then(
      () => undefined,
      (error: unknown) => error,
    )) as { code?: number; stdout?: string; stderr?: string } | undefined;
    expect(failure?.code).toBe(1);
    expect(`${failure?.stdout}${failure?.stderr}`).toContain("CI=true and a test peer is missing: skipped server TLS tests");
  }, 120_000);
});
