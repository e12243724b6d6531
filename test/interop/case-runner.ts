// Runs interop cases one after another, prints one line per case (formatOutcome) and sets the
// exit code: shared by the TypeScript interop clients (h2grpc's and the grpc-js peer's).
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
