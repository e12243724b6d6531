// The h2grpc bin as npm installs it, for the tests that need a real process (exit status, piped
// stdin, bench's worker threads): src/ compiled into a private directory once per test process,
// so that no other test's build of dist/ interferes. protos/ is linked beside it, where the
// compiled services look for the standard .proto files.
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, rmSync, symlinkSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const OUT_DIR = path.join(ROOT, "node_modules", ".cache", `h2grpc-cli-tests-${process.pid}`);
const ENTRIES = ["src/cli/h2grpc.ts", "src/cli/gen.ts", "src/cli/bench-worker.ts"];
/** The compiled bins. */
export const H2GRPC_BIN = path.join(OUT_DIR, "src", "cli", "h2grpc.js");
export const H2GRPC_GEN_BIN = path.join(OUT_DIR, "src", "cli", "gen.js");

let built: Promise<void> | undefined;

/** Compiles the bins once per test process; throws if they were not produced. */
export function buildCli(): Promise<void> {
  built ??= (async () => {
    const tsc = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
    const args = [tsc, ...ENTRIES.map((entry) => path.join(ROOT, entry)), "--outDir", OUT_DIR, "--rootDir", ROOT, "--module", "NodeNext",
      "--moduleResolution", "NodeNext", "--target", "ES2022", "--skipLibCheck", "--types", "node", "--ignoreConfig"];
    // Type errors are the typecheck's business; tsc still emits.
    await promisify(execFile)(process.execPath, args, { cwd: ROOT }).catch(() => {});
    if (!existsSync(H2GRPC_BIN)) throw new Error(`building the h2grpc bin produced no ${H2GRPC_BIN}`);
    mkdirSync(OUT_DIR, { recursive: true });
    if (!existsSync(path.join(OUT_DIR, "protos"))) symlinkSync(path.join(ROOT, "protos"), path.join(OUT_DIR, "protos"));
  })();
  return built;
}

/** Deletes the compiled bins. */
export function removeCli(): void {
  rmSync(OUT_DIR, { recursive: true, force: true });
  built = undefined;
}

/** Runs a compiled bin with `args` and `stdin`; resolves with its exit status and output, or rejects after `timeoutMs`. */
export function runBin(bin: string, args: readonly string[], stdin = "", timeoutMs = 60_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args], { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (text: string) => (stdout += text));
  child.stderr.setEncoding("utf8").on("data", (text: string) => (stderr += text));
  child.stdin.end(stdin);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${path.basename(bin)} ${args.join(" ")} did not exit within ${timeoutMs} ms: ${stderr}`));
    }, timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
