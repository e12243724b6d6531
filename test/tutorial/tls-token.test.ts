// `npm start -- --tls`: TLS with the self-signed gsh.com certificate plus the token check, for
// every kind of RPC; calls without the token end UNAUTHENTICATED before reaching a handler.
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GrpcError } from "../../src/grpc-error.js";
import { Status } from "../../src/status.js";
import { channelTls, closeClient, createClient, type ChannelCredentials } from "../../src/index.js";
import { tlsTokenLesson, tokenCredentials } from "../../examples/tutorial/lessons/tls-token.js";
import { loadTutorialServices } from "../../examples/tutorial/tutorial-services.js";
import { grpcJsBidi, grpcJsClientStream, grpcJsServerStream, grpcJsUnary } from "./grpc-js-generic.js";
import type { TutorialCertificate } from "../../examples/tutorial/tls-certificate.js";
import { requirePeer } from "../helpers/peers.js";
import { startTutorialForTest, tutorialCertificateForTest, type TutorialFixture } from "./tutorial-fixture.js";

const services = loadTutorialServices();
const GO_LOG_PREFIX = /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d /;

async function rejection(run: () => Promise<unknown>): Promise<{ code?: number }> {
  return run().then(
    () => ({}),
    (reason: { code?: number }) => reason,
  );
}

describe.skipIf(!requirePeer("tutorial TLS and token tests", "openssl"))("tutorial server with --tls", () => {
  let fixture: TutorialFixture;
  let credentials: ChannelCredentials;
  let dir: string;
  let certificate: TutorialCertificate;

  beforeAll(async () => {
    ({ dir, certificate } = tutorialCertificateForTest());
    fixture = await startTutorialForTest({ tls: true, certificateDir: dir });
    credentials = channelTls({ ca: certificate.cert, serverNameOverride: "gsh.com" });
  });
  afterAll(async () => {
    await fixture?.tutorial.close();
  });

  it("the tls-token lesson gets the greeting with the token and UNAUTHENTICATED without it", async () => {
    const lines: string[] = [];
    await tlsTokenLesson({ address: fixture.tutorial.address, print: (line) => lines.push(line), certificateDir: dir });
    expect(lines.map((line) => line.replace(GO_LOG_PREFIX, ""))).toEqual([
      'status:200 value:"Hello gsh, id 1"',
      "without the token: rpc error: code = Unauthenticated desc = invalid token: send metadata token_id and token_name",
    ]);
  });

  it("accepts all four kinds of RPC with the token as per-RPC credentials", async () => {
    const address = fixture.tutorial.address;
    const hello = createClient(services.hello, { address, credentials, callCredentials: tokenCredentials });
    try {
      expect(await hello.sayHello({ greeting: "a" })).toEqual({ reply: "Hello a" });
      const replies: unknown[] = [];
      for await (const reply of hello.lotsOfReplies({ greeting: "a" })) replies.push(reply);
      expect(replies).toHaveLength(3);
      expect(await hello.lotsOfGreetings([{ greeting: "a" }])).toEqual({ reply: "Hello a (1 greetings)" });
      const answers: unknown[] = [];
      for await (const reply of hello.bidiHello([{ greeting: "a" }])) answers.push(reply);
      expect(answers).toEqual([{ reply: "Hello a" }]);
    } finally {
      closeClient(hello);
    }
  });

  it("rejects all four kinds of RPC without the token with UNAUTHENTICATED (h2grpc client)", async () => {
    const hello = createClient(services.hello, { address: fixture.tutorial.address, credentials });
    try {
      const calls: (() => Promise<unknown>)[] = [
        () => hello.sayHello({ greeting: "a" }),
        async () => {
          for await (const _ of hello.lotsOfReplies({ greeting: "a" }));
        },
        () => hello.lotsOfGreetings([{ greeting: "a" }]),
        async () => {
          for await (const _ of hello.bidiHello([{ greeting: "a" }]));
        },
      ];
      for (const call of calls) {
        const error = await rejection(call);
        expect(error).toBeInstanceOf(GrpcError);
        expect(error.code).toBe(Status.UNAUTHENTICATED);
      }
      expect(fixture.logs).toEqual([]); // no handler ran (none of HelloService's logs, nor RouteList's)
    } finally {
      closeClient(hello);
    }
  });

  it("rejects a wrong token and accepts the right one (grpc-js client, metadata per call)", async () => {
    const client = new grpc.Client(fixture.tutorial.address, grpc.credentials.createSsl(Buffer.from(certificate.cert)), {
      "grpc.ssl_target_name_override": "gsh.com",
      "grpc.default_authority": "gsh.com",
    });
    const token = (id: string): grpc.Metadata => {
      const metadata = new grpc.Metadata();
      metadata.set("token_id", id);
      metadata.set("token_name", "gsh_token");
      return metadata;
    };
    try {
      const { firstRpc } = services.test.methods;
      expect((await rejection(() => grpcJsUnary(client, firstRpc, { name: "x" }, { metadata: token("54321") }))).code).toBe(Status.UNAUTHENTICATED);
      const { listValue } = services.streamServer.methods;
      expect((await rejection(() => grpcJsServerStream(client, listValue, { data: "x" }))).code).toBe(Status.UNAUTHENTICATED);
      const { routeList } = services.streamClient.methods;
      expect((await rejection(() => grpcJsClientStream(client, routeList, [{ streamData: "x" }]))).code).toBe(Status.UNAUTHENTICATED);
      const { conversations } = services.bothStream.methods;
      expect((await rejection(() => grpcJsBidi(client, conversations, [{ question: "x" }]))).code).toBe(Status.UNAUTHENTICATED);
      expect(await grpcJsUnary(client, firstRpc, { name: "x", id: 3 }, { metadata: token("12345") })).toEqual({ status: "200", value: "Hello x, id 3" });
    } finally {
      client.close();
    }
  });

  it("refuses a client that does not check the name gsh.com against the certificate", async () => {
    // Dialling 127.0.0.1 without the server-name override: the certificate names only gsh.com.
    const test = createClient(services.test, { address: fixture.tutorial.address, credentials: channelTls({ ca: certificate.cert }), callCredentials: tokenCredentials });
    try {
      const error = await rejection(() => test.firstRpc({ name: "x" }, { timeoutMs: 5_000 }));
      expect(error.code).toBe(Status.UNAVAILABLE);
    } finally {
      closeClient(test);
    }
  });
});
