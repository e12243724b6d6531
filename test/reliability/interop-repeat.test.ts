// #10: the interop client program never crashes. Closing a channel right after a fast call (the
// deadline cases fail before the connection is even up) once killed the process with an uncaught
// ERR_HTTP2_INVALID_SESSION from Node's late 'connect' event. Here every case runs 50 times, each
// on a channel of its own closed the moment the case ends, against h2grpc's and grpc-js's servers.
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, insecure, type Server } from "../../src/index.js";
import { buildProgram, removeLibrary, startProgram } from "../helpers/child-process.js";
import { createGrpcJsTestServer } from "../interop/grpc-js/test-service.js";
import { TestService } from "../interop/interop-messages.js";
import { TEST_CASES } from "../interop/interop-spec.js";
import { testServiceImpl } from "../interop/test-service.js";
import { installWireTap } from "../interop/wire-tap.js";

// The server checks the client's Compressed-Flags off the wire (see wire-tap.ts).
installWireTap();

const REPEAT = 50;
// grpc-js servers never compress responses (the interop matrix marks these cells n/a).
const GRPC_JS_SERVER_CANNOT = new Set(["server_compressed_unary", "server_compressed_streaming"]);

let clientProgram: string;
let server: Server;
let grpcJsServer: grpc.Server;
let ports: { h2grpc: number; grpcJs: number };

beforeAll(async () => {
  clientProgram = await buildProgram("test/interop/client.ts");
  server = createServer().addService(TestService, testServiceImpl);
  grpcJsServer = createGrpcJsTestServer();
  ports = {
    h2grpc: await server.listen({ host: "127.0.0.1", port: 0, credentials: insecure() }),
    grpcJs: await new Promise<number>((resolve, reject) =>
      grpcJsServer.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, port) => (error === null ? resolve(port) : reject(error))),
    ),
  };
}, 120_000);

afterAll(async () => {
  grpcJsServer?.forceShutdown();
  await server?.close();
  removeLibrary();
});

describe(`#10 the interop client runs every case ${REPEAT} times, a new channel each time, and never crashes`, () => {
  for (const peer of ["h2grpc", "grpcJs"] as const) {
    it(`against ${peer === "h2grpc" ? "h2grpc's" : "grpc-js's"} interop server`, async () => {
      const cases = TEST_CASES.filter((name) => peer === "h2grpc" || !GRPC_JS_SERVER_CANNOT.has(name));
      const child = startProgram(process.execPath, [
        clientProgram,
        "--server_host=127.0.0.1",
        `--server_port=${ports[peer]}`,
        `--test_case=${cases.join(",")}`,
        `--repeat=${REPEAT}`,
      ]);
      const code = await child.exit(240_000);
      expect(child.stderr()).toBe("");
      expect(child.lines().filter((line) => !line.startsWith("PASS "))).toEqual([]);
      expect(child.lines()).toHaveLength(cases.length);
      expect(code).toBe(0);
    }, 300_000);
  }
});
