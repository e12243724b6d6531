// Every `npx h2grpc` line of the README's tutorial, run against the tutorial server (plaintext or
// TLS as its flags say), ends as its grpcurl twin on the line above shows: the same status, and
// the same output where the README shows it whole; -max-time 3 runs as 0.3 so that the deadline
// lesson takes no 3 s.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { splitShellWords } from "../tutorial/grpcurl-command.js";
import { startTutorialForTest, tutorialCertificateForTest, type TutorialFixture } from "../tutorial/tutorial-fixture.js";
import { runCli } from "./run-cli.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const README = readFileSync(path.join(ROOT, "README.md"), "utf8");
const start = README.indexOf("\n## Tutorial\n");
const LINES = README.slice(start, README.indexOf("\n## ", start + 1)).split("\n");
const GO_CODES = ["OK", "Canceled", "Unknown", "InvalidArgument", "DeadlineExceeded", "NotFound", "AlreadyExists", "PermissionDenied", "ResourceExhausted", "FailedPrecondition", "Aborted", "OutOfRange", "Unimplemented", "Internal", "Unavailable", "DataLoss", "Unauthenticated"];

/** An `npx h2grpc` line, its grpcurl twin, and the comment lines showing what they print. */
interface Twin {
  readonly line: string;
  readonly grpcurl: string;
  readonly shown: readonly string[];
}

const twins: Twin[] = LINES.flatMap((line, index) => {
  if (!line.startsWith("npx h2grpc ")) return [];
  const grpcurl = LINES.slice(0, index).reverse().find((earlier) => earlier.startsWith("grpcurl ")) ?? "";
  const shown: string[] = [];
  for (let next = index + 1; /^(#|npx h2grpc )/.test(LINES[next] ?? ""); next++) if (LINES[next]?.startsWith("#") === true) shown.push((LINES[next] as string).replace(/^# ?/, ""));
  return [{ line, grpcurl, shown }];
});

describe("the README's npx h2grpc commands", () => {
  let plaintext: TutorialFixture;
  let tls: TutorialFixture;
  const { dir } = tutorialCertificateForTest();

  beforeAll(async () => {
    plaintext = await startTutorialForTest({ slowWorkMs: 60_000 });
    tls = await startTutorialForTest({ tls: true, certificateDir: dir });
  });
  afterAll(async () => {
    await plaintext?.tutorial.close();
    await tls?.tutorial.close();
  });

  it("puts an npx h2grpc twin under every grpcurl command of the tutorial, with the same verb and flags", () => {
    const grpcurlLines = LINES.filter((line) => line.startsWith("grpcurl -"));
    expect(twins.map((twin) => twin.grpcurl)).toEqual(grpcurlLines);
    for (const { line, grpcurl } of twins) {
      const flags = (words: string[]): string[] => words.filter((word, i) => word.startsWith("-") || words[i - 1]?.startsWith("-") === true);
      expect(flags(splitShellWords(line).slice(3)), line).toEqual(flags(splitShellWords(grpcurl).slice(1)));
    }
  });

  it.each(twins.filter((twin) => !twin.line.includes("Health/Watch")))("$line", async ({ line, shown }) => {
    const fixture = line.includes("-plaintext") ? plaintext : tls;
    const words = splitShellWords(line)
      .slice(2)
      .map((word) => word.replace("127.0.0.1:50051", fixture.tutorial.address).replace(".tutorial-tls/server.pem", path.join(dir, "server.pem")))
      .map((word, i, all) => (all[i - 1] === "-max-time" ? "0.3" : word));
    const result = await runCli(words);
    const code = /Code: (\w+)/.exec(shown.join("\n"))?.[1];
    expect(result.code, result.stderr).toBe(code === undefined ? 0 : 64 + GO_CODES.indexOf(code));
    const text = shown.join("\n");
    if (code !== undefined) expect(result.stderr).toBe(`${text}\n`);
    else if (text.startsWith("{\n") && text.endsWith("\n}")) expect(result.stdout).toBe(`${text}\n`);
    else if (/^npx h2grpc list -plaintext 127\.0\.0\.1:50051$/.test(line)) expect(result.stdout).toBe(shown.map((name) => `${name}\n`).join(""));
  });
});
