// Which metadata goes where, as grpcurl sends it: -H with the call and with reflection,
// -rpc-header with the call only, -reflect-header with reflection only; ${NAME} expanded from the
// environment with -expand-headers; "-bin" values base64.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addReflection, createHealthService, createServer, insecure, type Server, type ServerInterceptor } from "../../src/index.js";
import { runCli } from "./run-cli.js";

describe("request metadata flags", () => {
  let server: Server;
  let address: string;
  const seen: Array<{ path: string; headers: Record<string, string> }> = [];
  beforeAll(async () => {
    const record: ServerInterceptor = (next) => (call) => {
      const headers: Record<string, string> = {};
      for (const [key, value] of call.metadata) if (key.startsWith("x-")) headers[key] = typeof value === "string" ? value : `bytes:${Buffer.from(value).toString("hex")}`;
      seen.push({ path: call.method.path, headers });
      return next(call);
    };
    server = createServer({ interceptors: [record] });
    const health = createHealthService();
    server.addService(health.definition, health.implementation);
    addReflection(server);
    address = `127.0.0.1:${await server.listen({ host: "127.0.0.1", port: 0, credentials: insecure() })}`;
  });
  afterAll(() => server?.close());

  it("sends -H everywhere, -rpc-header with the call only and -reflect-header with reflection only", async () => {
    seen.length = 0;
    const result = await runCli(["call", "-plaintext", "-H", "X-Both: 1", "-rpc-header", "x-call: 2", "-reflect-header", "x-reflect: 3", address, "grpc.health.v1.Health/Check"]);
    expect(result.code).toBe(0);
    const reflection = seen.filter(({ path }) => path.includes("ServerReflection"));
    const call = seen.filter(({ path }) => path === "/grpc.health.v1.Health/Check");
    expect(reflection.length).toBeGreaterThan(0);
    for (const { headers } of reflection) expect(headers).toEqual({ "x-both": "1", "x-reflect": "3" });
    expect(call).toEqual([{ path: "/grpc.health.v1.Health/Check", headers: { "x-both": "1", "x-call": "2" } }]);
  });

  it("expands ${NAME} from the environment with -expand-headers, decodes -bin values, and fails on a missing variable", async () => {
    seen.length = 0;
    process.env["H2GRPC_TEST_TOKEN"] = "secret";
    try {
      const result = await runCli(["call", "-plaintext", "-expand-headers", "-rpc-header", "x-token: ${H2GRPC_TEST_TOKEN}", "-rpc-header", "x-raw-bin: AQI=", address, "grpc.health.v1.Health/Check"]);
      expect(result.code).toBe(0);
      expect(seen.find(({ path }) => path.endsWith("/Check"))?.headers).toEqual({ "x-token": "secret", "x-raw-bin": "bytes:0102" });
    } finally {
      delete process.env["H2GRPC_TEST_TOKEN"];
    }
    const missing = await runCli(["call", "-plaintext", "-expand-headers", "-H", "x-token: ${H2GRPC_NO_SUCH_VARIABLE}", address, "grpc.health.v1.Health/Check"]);
    expect(missing).toEqual({
      code: 1,
      stdout: "",
      stderr: 'Failed to expand additional headers: header "x-token: ${H2GRPC_NO_SUCH_VARIABLE}" refers to missing environment variable "H2GRPC_NO_SUCH_VARIABLE"\n',
    });
  });
});
