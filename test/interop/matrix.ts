// The interop matrix (`npm run test:interop`): h2grpc's client against h2grpc's, grpc-js's,
// grpcio's (C-core) and grpc-go's servers, and the grpc-js, grpcio and grpc-go clients against
// h2grpc's server; every case, over plaintext and TLS. Prints a table, the reasons for failures and n/a cells, and ends
// with "interop: N passed, M failed"; exits 1 if anything failed. A cell is n/a when the peer
// library cannot express the case (the client reports it, or the server is known not to offer
// the feature); n/a is never counted as passed.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildGoPeer, GO_SERVER_CANNOT } from "./go/go-peer.js";
import { ensureInteropCerts } from "./interop-certs.js";
import { PROTOS_DIR } from "./interop-messages.js";
import { killAllNow, runClient, startServer, stopAll, type CaseResult, type Program } from "./interop-processes.js";
import { TEST_CASES, type TestCase } from "./interop-spec.js";

type Implementation = "h2grpc" | "grpc-js" | "grpcio" | "grpc-go";
type Transport = "plaintext" | "tls";

const BUILT_DIR = path.dirname(fileURLToPath(import.meta.url));
const PYTHON_DIR = path.join(path.dirname(PROTOS_DIR), "test", "interop", "python");
const PYTHON = "/usr/bin/python3";
const CLIENT_RUNS_IN_PARALLEL = 3;

// grpc-go 1.33, built from Debian's sources by test/interop/go/build.sh (~3 s warm, ~15 s cold).
const goPeer = await buildGoPeer();
const node = (script: string): Program => ({ command: process.execPath, args: [path.join(BUILT_DIR, script)] });
const servers: Record<Implementation, Program> = {
  h2grpc: node("server.js"),
  "grpc-js": node("grpc-js/server.js"),
  grpcio: { command: PYTHON, args: [path.join(PYTHON_DIR, "interop_server.py")] },
  "grpc-go": goPeer.server,
};
const clients: Record<Implementation, Program> = {
  h2grpc: node("client.js"),
  "grpc-js": node("grpc-js/client.js"),
  grpcio: { command: PYTHON, args: [path.join(PYTHON_DIR, "interop_client.py")] },
  "grpc-go": goPeer.client,
};

// What a peer server cannot do, whoever the client is.
const serverCannot: Partial<Record<Implementation, Partial<Record<TestCase, string>>>> = {
  "grpc-js": {
    server_compressed_unary: "grpc-js servers cannot compress responses (their compressed flag is always 0)",
    server_compressed_streaming: "grpc-js servers cannot compress responses (their compressed flag is always 0)",
  },
  grpcio: {
    client_compressed_unary: "grpcio servers cannot see whether a request message was compressed (expect_compressed)",
    client_compressed_streaming: "grpcio servers cannot see whether a request message was compressed (expect_compressed)",
  },
  "grpc-go": GO_SERVER_CANNOT,
};

const PAIRINGS: readonly (readonly [client: Implementation, server: Implementation])[] = [
  ["h2grpc", "h2grpc"],
  ["h2grpc", "grpc-js"],
  ["h2grpc", "grpcio"],
  ["h2grpc", "grpc-go"],
  ["grpc-js", "h2grpc"],
  ["grpcio", "h2grpc"],
  ["grpc-go", "h2grpc"],
];
const TRANSPORTS: readonly Transport[] = ["plaintext", "tls"];
const SERVER_HOST_OVERRIDE = "foo.test.google.fr";

interface Column {
  readonly client: Implementation;
  readonly server: Implementation;
  readonly transport: Transport;
  results: CaseResult[];
}

async function runMatrix(certsDir: string): Promise<Column[]> {
  const certs = ensureInteropCerts(certsDir);
  const serverFlags: Record<Transport, string[]> = {
    plaintext: [],
    tls: ["--use_tls=true", `--tls_cert_file=${certs.certFile}`, `--tls_key_file=${certs.keyFile}`],
  };
  const clientFlags: Record<Transport, string[]> = {
    plaintext: [],
    tls: ["--use_tls=true", "--use_test_ca=true", `--ca_file=${certs.caFile}`, `--server_host_override=${SERVER_HOST_OVERRIDE}`],
  };

  // Every server the pairings need, started together.
  const ports = new Map<string, Promise<number>>();
  for (const [, server] of PAIRINGS) {
    for (const transport of TRANSPORTS) {
      const key = `${server}/${transport}`;
      if (!ports.has(key)) ports.set(key, startServer(servers[server], ["--port=0", "--host=127.0.0.1", ...serverFlags[transport]]));
    }
  }
  for (const port of ports.values()) port.catch(() => {}); // reported per column below

  const columns: Column[] = PAIRINGS.flatMap(([client, server]) => TRANSPORTS.map((transport) => ({ client, server, transport, results: [] })));
  const runColumn = async (column: Column): Promise<void> => {
    const unsupported = serverCannot[column.server] ?? {};
    const runnable = TEST_CASES.filter((testCase) => unsupported[testCase] === undefined);
    let ran: CaseResult[];
    try {
      const port = await (ports.get(`${column.server}/${column.transport}`) as Promise<number>);
      const flags = ["--server_host=127.0.0.1", `--server_port=${port}`, `--test_case=${runnable.join(",")}`, ...clientFlags[column.transport]];
      ran = await runClient(clients[column.client], flags, runnable);
    } catch (error) {
      const reason = `${column.server} server: ${(error as Error).message}`;
      ran = runnable.map((testCase) => ({ testCase, outcome: "fail", reason }));
    }
    column.results = TEST_CASES.map(
      (testCase) => ran.find((result) => result.testCase === testCase) ?? { testCase, outcome: "n/a", reason: unsupported[testCase] ?? "" },
    );
  };
  const queue = [...columns];
  await Promise.all(
    Array.from({ length: CLIENT_RUNS_IN_PARALLEL }, async () => {
      for (let column = queue.shift(); column !== undefined; column = queue.shift()) await runColumn(column);
    }),
  );
  return columns;
}

const SHORT: Record<Implementation, string> = { h2grpc: "h2", "grpc-js": "js", grpcio: "py", "grpc-go": "go" };
const CELL: Record<CaseResult["outcome"], string> = { pass: "pass", fail: "FAIL", "n/a": "n/a" };

function printReport(columns: readonly Column[]): { passed: number; failed: number } {
  const caseWidth = Math.max(...TEST_CASES.map((name) => name.length));
  const headers = columns.map((c) => `${SHORT[c.client]}>${SHORT[c.server]} ${c.transport === "tls" ? "tls" : "tcp"}`);
  console.log(`\n${"client>server".padEnd(caseWidth)}  ${headers.join("  ")}`);
  for (const [row, testCase] of TEST_CASES.entries()) {
    const cells = columns.map((column, index) => CELL[(column.results[row] as CaseResult).outcome].padEnd((headers[index] as string).length));
    console.log(`${testCase.padEnd(caseWidth)}  ${cells.join("  ")}`.trimEnd());
  }
  console.log("\n(h2 = h2grpc, js = @grpc/grpc-js, py = Python grpcio on C-core, go = grpc-go 1.33; tcp = plaintext)");

  const notes = new Map<string, string[]>();
  let passed = 0;
  let failed = 0;
  for (const column of columns) {
    // Cases of one column that failed for the same reason (a server that never started) get one line.
    const failures = new Map<string, string[]>();
    for (const result of column.results) {
      if (result.outcome === "pass") passed++;
      if (result.outcome === "fail") {
        failed++;
        failures.set(result.reason, [...(failures.get(result.reason) ?? []), result.testCase]);
      }
      if (result.outcome === "n/a") {
        const key = `${result.testCase}: ${result.reason}`;
        notes.set(key, [...(notes.get(key) ?? []), `${SHORT[column.client]}>${SHORT[column.server]}`]);
      }
    }
    for (const [reason, cases] of failures) {
      console.log(`FAIL ${column.client} -> ${column.server} (${column.transport}) ${cases.join(", ")}: ${reason}`);
    }
  }
  const notApplicable = [...notes.values()].reduce((sum, cells) => sum + cells.length, 0);
  if (notApplicable > 0) console.log(`\nn/a (${notApplicable} cells, not counted as passed):`);
  for (const [note, cells] of notes) console.log(`  ${[...new Set(cells)].join(", ")} ${note}`);
  return { passed, failed };
}

const started = performance.now();
const certsDir = mkdtempSync(path.join(tmpdir(), "h2grpc-interop-matrix-"));
process.once("exit", () => {
  killAllNow();
  rmSync(certsDir, { recursive: true, force: true });
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(130));

let columns: Column[];
try {
  columns = await runMatrix(path.join(certsDir, "certs"));
} finally {
  await stopAll();
}
const { passed, failed } = printReport(columns);
console.log(`\nmatrix took ${((performance.now() - started) / 1000).toFixed(1)} s`);
console.log(`interop: ${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
