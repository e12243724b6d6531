// #14: h2grpc behind real L7 proxies. Debian's nginx (grpc_pass to an upstream group) and HAProxy
// ("proto h2" on both sides), each started on a loopback port with its configuration from
// test/fleet/proxies, in front of two h2grpc interop servers on 127.0.0.2 and 127.0.0.3; every
// interop case, from h2grpc's client and from grpc-js's. With the configurations in
// test/fleet/proxies both carry all of them: grpc-timeout and Trailers-Only responses pass
// through unchanged (nginx adds content-length: 0 to the latter), and the two settings nginx needs
// beyond grpc_pass are there: client_max_body_size 0 (its default 1 MiB caps the sum of a call's
// request messages, so large messages and long client streams would end with HTTP 413) and hour-
// long read/send timeouts (its 60 s defaults end streams that stay quiet longer).
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, it } from "vitest";
import { createChannel, createServer, type Channel, type Server } from "../../src/index.js";
import { requirePeer } from "../helpers/peers.js";
import { interopCases } from "../interop/client-cases.js";
import { grpcJsInteropCases } from "../interop/grpc-js/client-cases.js";
import { TestService } from "../interop/interop-messages.js";
import { TEST_CASES } from "../interop/interop-spec.js";
import { testServiceImpl } from "../interop/test-service.js";
import { installWireTap } from "../interop/wire-tap.js";
import { startProxy, type Proxy } from "./proxy-processes.js";

// The compression cases read message flags off the wire, on both sides of the proxy.
installWireTap();

let servers: Server[] = [];
let upstreams: string[] = [];

beforeAll(async () => {
  servers = ["127.0.0.2", "127.0.0.3"].map(() => createServer().addService(TestService, testServiceImpl));
  upstreams = await Promise.all(servers.map(async (server, i) => `127.0.0.${i + 2}:${await server.listen({ host: `127.0.0.${i + 2}`, port: 0 })}`));
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

for (const kind of ["nginx", "haproxy"] as const) {
  describe.skipIf(!requirePeer(`the tests behind ${kind}`, kind))(`#14 behind ${kind}`, () => {
    let proxy: Proxy;
    let channel: Channel;
    let grpcJs: ReturnType<typeof grpcJsInteropCases>;

    beforeAll(async () => {
      proxy = await startProxy(kind, upstreams);
      channel = createChannel(proxy.address);
      grpcJs = grpcJsInteropCases(proxy.address, grpc.credentials.createInsecure(), {});
    }, 60_000);

    afterAll(async () => {
      channel?.close();
      grpcJs?.close();
      await proxy?.stop();
    });

    it.each(TEST_CASES)(`h2grpc client -> ${kind} -> h2grpc server: %s passes`, async (testCase) => {
      await interopCases(channel)[testCase]();
    });

    it.each(TEST_CASES)(`grpc-js client -> ${kind} -> h2grpc server: %s passes`, async (testCase) => {
      await grpcJs.cases[testCase]();
    });
  });
}
