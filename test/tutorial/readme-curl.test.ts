// The README's Browsers section calls the tutorial with curl (the Connect protocol's unary JSON):
// every `curl` line there runs against the tutorial server and prints the `# ` line under it.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { requirePeer } from "../helpers/peers.js";
import { startTutorialForTest, type TutorialFixture } from "./tutorial-fixture.js";

const README = readFileSync(new URL("../../README.md", import.meta.url), "utf8").split("\n");
const EXAMPLES = README.flatMap((line, index) => (line.startsWith("curl ") ? [{ command: line, expected: (README[index + 1] ?? "").replace(/^# /, "") }] : []));
let fixture: TutorialFixture | undefined;

afterAll(async () => {
  await fixture?.tutorial.close();
});

describe.skipIf(!requirePeer("the README's curl examples", "curl"))("the README's curl examples", () => {
  it("finds them", () => {
    expect(EXAMPLES.length).toBeGreaterThan(0);
  });

  it.each(EXAMPLES)("$command prints $expected", async ({ command, expected }) => {
    fixture ??= await startTutorialForTest();
    const line = command.replaceAll("127.0.0.1:50051", `127.0.0.1:${fixture.tutorial.port}`);
    // bash, as a reader pastes it; asynchronous, so the in-process server keeps answering.
    const { stdout } = await promisify(execFile)("bash", ["-c", `${line} --silent --show-error --max-time 20`], { encoding: "utf8" });
    expect(stdout.trim()).toBe(expected);
  });
});
