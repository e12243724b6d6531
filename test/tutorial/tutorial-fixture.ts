// Starts the tutorial server in-process for a test: a free port, fast streams, no drain delay,
// handler logs collected instead of printed, and the gsh.com certificate generated once per
// process into a temporary directory (exercising the same openssl path as `npm start -- --tls`).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ensureTutorialCertificate, type TutorialCertificate } from "../../examples/tutorial/tls-certificate.js";
import { startTutorialServer, type TutorialServer, type TutorialServerOptions } from "../../examples/tutorial/tutorial-server.js";

/** A tutorial server started for one test file, with the lines its handlers logged. */
export interface TutorialFixture {
  readonly tutorial: TutorialServer;
  readonly logs: string[];
  /** Resolves with the first logged line (already logged, or logged later) that matches. */
  waitForLog(pattern: RegExp): Promise<string>;
}

/** Starts the tutorial server on 127.0.0.1 with test-friendly defaults; close it with `fixture.tutorial.close()`. */
export async function startTutorialForTest(options: TutorialServerOptions = {}): Promise<TutorialFixture> {
  const logs: string[] = [];
  const waiters = new Set<{ pattern: RegExp; resolve: (line: string) => void }>();
  const log = (line: string): void => {
    logs.push(line);
    for (const waiter of waiters) {
      if (waiter.pattern.test(line)) {
        waiters.delete(waiter);
        waiter.resolve(line);
      }
    }
  };
  const waitForLog = (pattern: RegExp): Promise<string> => {
    const logged = logs.find((line) => pattern.test(line));
    if (logged !== undefined) return Promise.resolve(logged);
    return new Promise((resolve) => waiters.add({ pattern, resolve }));
  };
  const tutorial = await startTutorialServer({
    host: "127.0.0.1",
    port: 0,
    streamIntervalMs: 1,
    drainMs: 0,
    graceMs: 1_000,
    log,
    ...options,
  });
  return { tutorial, logs, waitForLog };
}

let certificate: { readonly dir: string; readonly certificate: TutorialCertificate } | undefined;

/** The tutorial's self-signed gsh.com certificate, generated with openssl on first use into a temporary directory. */
export function tutorialCertificateForTest(): { readonly dir: string; readonly certificate: TutorialCertificate } {
  if (certificate !== undefined) return certificate;
  const dir = path.join(mkdtempSync(path.join(tmpdir(), "h2grpc-tutorial-")), "tls");
  process.once("exit", () => rmSync(path.dirname(dir), { recursive: true, force: true }));
  certificate = { dir, certificate: ensureTutorialCertificate(dir) };
  return certificate;
}
