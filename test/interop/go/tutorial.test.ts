// The tutorial on its own wire, both ways, with grpc-go 1.33: the tutorial's Go clients (ours,
// generated from protos/tutorial/ as the tutorial generates them) against h2grpc's tutorial
// server, in-process and as `npm start`, plaintext and TLS with the token; and every h2grpc lesson
// against the Go tutorial server, plaintext and TLS. The paths are the tutorial's
// (/my_lib.StreamServer/ListValue, ...), or these calls would end UNIMPLEMENTED. Needs Go and
// Debian's grpc-go sources (.ci/run installs them): skips saying what to install, fails under CI=true.
import { execFile, spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LESSONS } from "../../../examples/tutorial/lessons/all-lessons.js";
import { requirePeer } from "../../helpers/peers.js";
import { ROOT, startServerProcess, type StartedProcess } from "../../tutorial/server-process.js";
import { startTutorialForTest, tutorialCertificateForTest, type TutorialFixture } from "../../tutorial/tutorial-fixture.js";
import { stopAll } from "../interop-processes.js";
import {
  BUILD_TIMEOUT_MS,
  buildGoTutorial,
  GO_TUTORIAL_PACKAGES,
  runGoTutorialClient,
  startGoTutorialServer,
  TUTORIAL_BUILD_SCRIPT,
  type ClientRun,
  type GoTutorial,
} from "./tutorial-programs.js";

const GO_LOG_PREFIX = /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d /;
const UNAUTHENTICATED = "rpc error: code = Unauthenticated desc = invalid token: send metadata token_id and token_name";

/** What each lesson prints, Go client or h2grpc lesson alike, without log.Println's date (and golang/protobuf's trailing space). */
const PRINTED: Readonly<Record<string, readonly (string | RegExp)[]>> = {
  unary: ['status:200 value:"Hello gsh, id 1"'],
  "server-stream": Array.from({ length: 10 }, (_, i) => `Stream Server grpc ${i}`),
  "client-stream": ['status:200 value:"OK"'],
  bidi: Array.from({ length: 10 }, (_, i) => `from client stream, server answer: the ${i + 1} question is stream client rpc: ${i}`),
  deadline: ["FirstRpc timeout!"],
  "tls-token": ['status:200 value:"Hello gsh, id 1"', `without the token: ${UNAUTHENTICATED}`],
  health: [
    'Check(""): status:SERVING',
    'Check("grpc.test"): status:SERVING',
    /^Check\("no\.such\.Service"\): rpc error: code = NotFound desc = unknown service/,
    'Watch(""): status:SERVING',
  ],
};
const PLAINTEXT_CLIENT_LESSONS = ["unary", "server-stream", "client-stream", "bidi", "deadline"] as const;

function withoutDates(lines: readonly string[]): string[] {
  return lines.map((line) => line.replace(GO_LOG_PREFIX, "").trimEnd());
}

/** Each lesson prints on one stream: fmt.Println (stdout) for ListValue, log.Println (stderr) otherwise. */
function expectPrinted(run: ClientRun, lesson: string): void {
  expect({ code: run.code, printed: withoutDates([...run.stdout, ...run.log]) }).toEqual({ code: 0, printed: PRINTED[lesson] });
}

/** Runs an h2grpc lesson in-process and returns what it printed. */
async function runLesson(lesson: string, address: string, certificateDir?: string): Promise<string[]> {
  const lines: string[] = [];
  const run = LESSONS[lesson];
  if (run === undefined) throw new Error(`no lesson ${lesson}`);
  await run({ address, print: (line) => lines.push(line), pauseMs: 0, certificateDir });
  return withoutDates(lines);
}

const outDir = mkdtempSync(path.join(tmpdir(), "h2grpc-tutorial-go-"));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe("test/interop/go/build-tutorial.sh", () => {
  it("fails with status 1 naming the Debian packages when the grpc-go sources are missing", () => {
    const result = spawnSync("bash", [TUTORIAL_BUILD_SCRIPT, outDir], { env: { ...process.env, GOCODE: "/nonexistent" }, encoding: "utf8" });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`apt-get install -y ${GO_TUTORIAL_PACKAGES}`);
  });
});

describe.skipIf(!requirePeer("the tutorial's Go programs", "grpc-go", "openssl"))("the tutorial's Go programs and h2grpc", () => {
  let go: GoTutorial;
  beforeAll(async () => {
    go = await buildGoTutorial(outDir);
  }, BUILD_TIMEOUT_MS);
  afterAll(() => stopAll());

  describe("Go tutorial clients against startTutorialServer(), plaintext", () => {
    let fixture: TutorialFixture;
    beforeAll(async () => {
      fixture = await startTutorialForTest(); // ListValue 1 ms apart; FirstRpc "slow" works 4 s
    });
    afterAll(() => fixture?.tutorial.close());

    it.each(PLAINTEXT_CLIENT_LESSONS)("the %s client prints what the tutorial's client prints", async (lesson) => {
      expectPrinted(await runGoTutorialClient(go, lesson, fixture.tutorial.address, ["--pause_ms=0"]), lesson);
    });

    it("RouteList read all ten requests, and the slow FirstRpc stopped working at the Go client's 3 s deadline", async () => {
      expect(fixture.logs).toContain("RouteList: stream client rpc: 9");
      expect(await fixture.waitForLog(/^FirstRpc: stopped working for "slow"/)).toMatch(/\[(DEADLINE_EXCEEDED|CANCELLED)\]/);
    });
  });

  describe("the Go tls-token client against startTutorialServer({ tls: true })", () => {
    const { dir, certificate } = tutorialCertificateForTest();
    let fixture: TutorialFixture;
    beforeAll(async () => {
      fixture = await startTutorialForTest({ tls: true, certificateDir: dir });
    });
    afterAll(() => fixture?.tutorial.close());

    it("is answered with NewClientTLSFromFile(cert, \"gsh.com\") and the token, and refused UNAUTHENTICATED without it", async () => {
      const run = await runGoTutorialClient(go, "tls-token", fixture.tutorial.address, [`--cert=${certificate.certPath}`]);
      expectPrinted(run, "tls-token");
    });

    it("is refused before any handler runs when it calls without the token", () => {
      expect(fixture.logs).toEqual([]);
    });
  });

  describe("Go tutorial clients against npm start", () => {
    let started: StartedProcess | undefined;
    beforeAll(async () => {
      started = await startServerProcess(["--stream-interval-ms=1"]);
    }, 120_000);
    afterAll(() => {
      if (started !== undefined && started.child.exitCode === null) started.child.kill("SIGKILL");
    });

    it.each(["unary", "server-stream", "client-stream", "bidi"])("the %s client prints what the tutorial's client prints", async (lesson) => {
      expectPrinted(await runGoTutorialClient(go, lesson, (started as StartedProcess).address, ["--pause_ms=0"]), lesson);
    });

    it("npm start then exits 0 on SIGTERM", async () => {
      const child = (started as StartedProcess).child;
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      expect(await exited).toEqual([0, null]);
    });
  });

  describe("h2grpc lessons against the Go tutorial server, plaintext", () => {
    let address: string;
    beforeAll(async () => {
      address = `127.0.0.1:${await startGoTutorialServer(go, ["--stream_interval_ms=1"])}`;
    });

    it.each([...PLAINTEXT_CLIENT_LESSONS, "health"])("the %s lesson prints what it prints against npm start", async (lesson) => {
      const printed = await runLesson(lesson, address);
      expect(printed).toEqual(PRINTED[lesson]?.map((line) => (typeof line === "string" ? line : expect.stringMatching(line))));
    });

    it("npm run tutorial -- server-stream --address=<the Go server> prints the ten replies", async () => {
      const { stdout } = await promisify(execFile)(process.execPath, ["examples/tutorial/launch.mjs", "lesson", "server-stream", `--address=${address}`, "--pause-ms=0"], {
        cwd: ROOT,
        timeout: 60_000,
      });
      expect(stdout.split("\n").filter((line) => line !== "")).toEqual(PRINTED["server-stream"]);
    }, 120_000);
  });

  describe("the h2grpc tls-token lesson against the Go tutorial server with TLS and the token check", () => {
    const { dir, certificate } = tutorialCertificateForTest();
    let address: string;
    beforeAll(async () => {
      address = `127.0.0.1:${await startGoTutorialServer(go, [`--tls_cert=${certificate.certPath}`, `--tls_key=${certificate.keyPath}`])}`;
    });

    it("gets the greeting with the token and UNAUTHENTICATED without it", async () => {
      expect(await runLesson("tls-token", address, dir)).toEqual(PRINTED["tls-token"]);
    });
  });
});
