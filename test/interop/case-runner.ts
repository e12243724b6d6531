// Runs interop cases one after another, prints one line per case (formatOutcome) and sets the
// exit code: shared by the TypeScript interop clients (h2grpc's and the grpc-js peer's).
import { exitWithUsageOnHelp, orExitOnUsageError, parseFlags } from "./flags.js";
import { formatOutcome, isTestCase, NotExpressible, TEST_CASES, type CaseOutcome, type TestCase } from "./interop-spec.js";

/** A case gives up after this long: a hang is reported as a failure, never waited out. */
const CASE_TIMEOUT_MS = 20_000;

/**
 * Parses --test_case: one name, a comma-separated list, or "all"; throws TypeError for an
 * unknown name.
 */
export function selectCases(testCase: string): TestCase[] {
  if (testCase === "all") return [...TEST_CASES];
  return testCase.split(",").map((name) => {
    if (!isTestCase(name)) throw new TypeError(`unknown --test_case "${name}"; known: all, ${TEST_CASES.join(", ")}`);
    return name;
  });
}

/** The standard flags of an interop client program. */
export interface InteropClientFlags {
  readonly host: string;
  readonly port: number;
  readonly cases: TestCase[];
  readonly useTls: boolean;
  readonly useTestCa: boolean;
  readonly caFile: string | undefined;
  readonly serverHostOverride: string | undefined;
  /** h2grpc's own flag: run each case this many times (default 1). */
  readonly repeat: number;
}

/** The --help text of an interop client program started as `command`. */
export function interopClientUsage(command: string, library: string): string {
  return `usage: ${command} [--server_host=localhost] [--server_port=8080] [--test_case=all|NAME|A,B]
       [--use_tls=false [--use_test_ca=false] [--ca_file=F] [--server_host_override=NAME]] [--repeat=1]
${library}'s interop client: runs the cases of grpc's doc/interop-test-descriptions.md against a server
and prints one line per case (PASS, FAIL or N/A); exits 1 if any failed.
  --server_host, --server_port   the server (defaults as grpc-go's client)
  --test_case      one case, a comma-separated list, or all (default): ${TEST_CASES.join(", ")}
  --use_tls        connect with TLS (default false)
  --use_test_ca    trust --ca_file, by default the generated interop CA, instead of the system's
  --server_host_override         the TLS server name (and :authority) to use
  --repeat         run each case this many times, each on a channel of its own (default 1)
A test-only tap on node:http2 records every message's Compressed-Flag for the compression cases
(wire-tap.ts), which costs CPU on every call: measure speed with npm run bench, not with this program.
`;
}

/**
 * Parses an interop client's command line (grpc-go's names and defaults); prints `usage` and
 * exits 0 on --help, prints the error and exits 2 when it is wrong.
 */
export function parseInteropClientFlags(argv: readonly string[], usage: string): InteropClientFlags {
  exitWithUsageOnHelp(argv, usage);
  return orExitOnUsageError(() => {
    const parsed = parseFlags(argv);
    return {
      host: parsed.string("server_host", "localhost"),
      port: parsed.int("server_port", 8080),
      cases: selectCases(parsed.string("test_case", "all")),
      useTls: parsed.bool("use_tls", false),
      useTestCa: parsed.bool("use_test_ca", false),
      caFile: parsed.optional("ca_file"),
      serverHostOverride: parsed.optional("server_host_override"),
      repeat: parsed.int("repeat", 1),
    };
  });
}

async function runOne(run: () => Promise<void>): Promise<CaseOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no result after ${CASE_TIMEOUT_MS} ms`)), CASE_TIMEOUT_MS);
  });
  try {
    await Promise.race([run(), timeout]);
    return { kind: "pass" };
  } catch (error) {
    if (error instanceof NotExpressible) return { kind: "n/a", reason: error.message };
    return { kind: "fail", reason: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs `cases` in order with `runCase`; prints a line each; returns how many failed. */
export async function runCases(cases: readonly TestCase[], runCase: (testCase: TestCase) => Promise<void>): Promise<number> {
  let failed = 0;
  for (const testCase of cases) {
    const started = performance.now();
    const outcome = await runOne(() => runCase(testCase));
    if (outcome.kind === "fail") failed++;
    console.log(formatOutcome(testCase, outcome, performance.now() - started));
  }
  return failed;
}
