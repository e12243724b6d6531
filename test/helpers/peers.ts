// The optional system programs some tests run against, how to tell each is usable, and the
// Debian packages that provide it. `npm test` must pass on a machine with none of them: a test
// that needs a missing peer is skipped with one line saying what to install, except under
// CI=true, where `.ci/run` installs every peer and a missing one is a failure.
import { spawnSync } from "node:child_process";
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The peers tests can ask for. */
export type PeerName = "openssl" | "protoc" | "grpc-go" | "h2load" | "curl" | "chromium" | "dnsmasq" | "nginx" | "haproxy";

interface Peer {
  /** The Debian packages that provide the whole toolchain, as `apt-get install -y` takes them. */
  readonly packages: readonly string[];
  /** Returns undefined when the peer is usable, else a short reason. */
  readonly problem: (env: NodeJS.ProcessEnv) => string | undefined;
}

const BUILD_SCRIPT = fileURLToPath(new URL("../interop/go/build.sh", import.meta.url));

const PEERS: Readonly<Record<PeerName, Peer>> = {
  openssl: {
    packages: ["openssl"],
    problem: (env) => (runs("openssl", ["version"], env) ? undefined : "openssl is not on PATH"),
  },
  protoc: {
    // protoc finds google/protobuf/*.proto in /usr/include, which libprotobuf-dev provides
    // (protobuf-compiler only recommends it, and .ci/run installs without recommends).
    packages: ["protobuf-compiler", "libprotobuf-dev"],
    problem: (env) => (!runs("protoc", ["--version"], env) ? "protoc is not on PATH" : protocWellKnownTypesProblem(env)),
  },
  "grpc-go": {
    // build.sh --check is the one place that knows the whole toolchain (go, protoc, grpc-go 1.33,
    // golang-protobuf 1.3's protoc-gen-go with its grpc plugin, x/net/http2).
    packages: ["golang-go", "golang-google-grpc-dev", "golang-github-golang-protobuf-1-3-dev", "protobuf-compiler"],
    problem: (env) => {
      const result = spawnSync("bash", [BUILD_SCRIPT, "--check"], { env, encoding: "utf8" });
      if (result.status === 0) return undefined;
      const reason = (result.stderr ?? "").trim().split("\n").at(-1) ?? "";
      return reason.replace(/^build\.sh: /, "").replace(/; the Debian packages it needs:.*$/, "") || "bash is not on PATH";
    },
  },
  h2load: {
    packages: ["nghttp2-client"],
    problem: (env) => (runs("h2load", ["--version"], env) ? undefined : "h2load is not on PATH"),
  },
  curl: {
    packages: ["curl"],
    problem: (env) => (runs("curl", ["--version"], env) ? undefined : "curl is not on PATH"),
  },
  // Debian's browser, driven headless by the browser tests (test/browser); never a downloaded build.
  chromium: {
    packages: ["chromium"],
    problem: (env) => (runs(CHROMIUM_PATH, ["--version"], env) ? undefined : `${CHROMIUM_PATH} does not run`),
  },
  // The fleet tests' DNS server and proxies (test/fleet), started by the tests on loopback ports.
  // dnsmasq-base is the program without the system service the dnsmasq package would start.
  dnsmasq: {
    packages: ["dnsmasq-base"],
    problem: (env) => daemonProblem("dnsmasq", ["--version"], env),
  },
  nginx: {
    packages: ["nginx"],
    problem: (env) => daemonProblem("nginx", ["-v"], env),
  },
  haproxy: {
    packages: ["haproxy"],
    problem: (env) => daemonProblem("haproxy", ["-v"], env),
  },
};

/** Where Debian's chromium package puts the browser. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

// Debian installs daemons in /usr/sbin, which a user's PATH often leaves out.
const SBIN_DIRS = ["/usr/sbin", "/sbin"];

/** The path of the program `name` on PATH or in /usr/sbin, or undefined. */
export function findProgram(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dirs = [...(env["PATH"] ?? "").split(path.delimiter).filter((dir) => dir !== ""), ...SBIN_DIRS];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function daemonProblem(name: string, args: readonly string[], env: NodeJS.ProcessEnv): string | undefined {
  const program = findProgram(name, env);
  if (program === undefined) return `${name} is not on PATH or in /usr/sbin`;
  return runs(program, args, env) ? undefined : `${program} ${args.join(" ")} failed`;
}

function runs(command: string, args: readonly string[], env: NodeJS.ProcessEnv): boolean {
  return spawnSync(command, args, { env, stdio: "ignore" }).status === 0;
}

function protocWellKnownTypesProblem(env: NodeJS.ProcessEnv): string | undefined {
  const dir = mkdtempSync(path.join(tmpdir(), "h2grpc-protoc-check-"));
  try {
    writeFileSync(path.join(dir, "check.proto"), 'syntax = "proto3";\nimport "google/protobuf/timestamp.proto";\n');
    const ok = runs("protoc", [`-I${dir}`, `--descriptor_set_out=${path.join(dir, "out.pb")}`, "check.proto"], env);
    return ok ? undefined : "protoc cannot find google/protobuf/timestamp.proto";
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Why `peers` are not usable under `env`, with the packages to install; undefined when all are. */
export function missingPeers(peers: readonly PeerName[], env: NodeJS.ProcessEnv = process.env): { reasons: string[]; packages: string[] } | undefined {
  const reasons: string[] = [];
  const packages = new Set<string>();
  for (const name of peers) {
    const peer = PEERS[name];
    const problem = peer.problem(env);
    if (problem === undefined) continue;
    reasons.push(problem);
    for (const pkg of peer.packages) packages.add(pkg);
  }
  return reasons.length === 0 ? undefined : { reasons, packages: [...packages] };
}

/**
 * The one line to print when `peers` are not usable under `env` (what is skipped, why, what to
 * install), or undefined when they all are. Throws Error instead under CI=true: CI installs every peer.
 */
export function peerSkipLine(what: string, peers: readonly PeerName[], env: NodeJS.ProcessEnv): string | undefined {
  const missing = missingPeers(peers, env);
  if (missing === undefined) return undefined;
  const line = `skipped ${what}: ${missing.reasons.join("; ")}; install with: apt-get install -y ${missing.packages.join(" ")}`;
  if (env["CI"] === "true") throw new Error(`CI=true and a test peer is missing: ${line}`);
  return line.replace(/\s*\n\s*/g, " ");
}

/**
 * True when every peer is usable; otherwise prints peerSkipLine and returns false (throws under
 * CI=true). For `describe.skipIf(!requirePeer("TLS tests", "openssl"))`.
 */
export function requirePeer(what: string, ...peers: PeerName[]): boolean {
  const line = peerSkipLine(what, peers, process.env);
  if (line === undefined) return true;
  process.stderr.write(`${line}\n`);
  return false;
}
