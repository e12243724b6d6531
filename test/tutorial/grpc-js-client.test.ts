// Every tutorial method called with @grpc/grpc-js, over plaintext and over TLS with the token
// (as a grpc-js user of the tutorial server would call it).
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Status } from "../../src/status.js";
import { loadTutorialServices } from "../../examples/tutorial/tutorial-services.js";
import { grpcJsBidi, grpcJsClientStream, grpcJsServerStream, grpcJsUnary } from "./grpc-js-generic.js";
import { requirePeer } from "../helpers/peers.js";
import { startTutorialForTest, tutorialCertificateForTest, type TutorialFixture } from "./tutorial-fixture.js";

const services = loadTutorialServices();

function tokenMetadata(): grpc.Metadata {
  const metadata = new grpc.Metadata();
  metadata.set("token_id", "12345");
  metadata.set("token_name", "gsh_token");
  return metadata;
}

const modes = [
  { name: "plaintext", isTls: false },
  { name: "TLS with the token as per-RPC credentials", isTls: true },
] as const;

const hasOpenssl = requirePeer("the tutorial's grpc-js client over TLS", "openssl");

describe.each(hasOpenssl ? modes : modes.filter(({ isTls }) => !isTls))("grpc-js client, $name", ({ isTls }) => {
  let fixture: TutorialFixture;
  let client: grpc.Client;

  beforeAll(async () => {
    const tls = isTls ? tutorialCertificateForTest() : undefined;
    fixture = await startTutorialForTest(tls !== undefined ? { tls: true, certificateDir: tls.dir } : {});
    const credentials = tls !== undefined
      ? grpc.credentials.combineChannelCredentials(
          grpc.credentials.createSsl(Buffer.from(tls.certificate.cert)),
          grpc.credentials.createFromMetadataGenerator((_params, callback) => callback(null, tokenMetadata())),
        )
      : grpc.credentials.createInsecure();
    // The certificate names gsh.com only: grpc-js's server-name override, as the Go client's NewClientTLSFromFile(cert, "gsh.com").
    const options = isTls ? { "grpc.ssl_target_name_override": "gsh.com", "grpc.default_authority": "gsh.com" } : {};
    client = new grpc.Client(fixture.tutorial.address, credentials, options);
  });

  afterAll(async () => {
    client?.close();
    await fixture?.tutorial.close();
  });

  it("FirstRpc answers status 200 and Hello <name>, id <id>", async () => {
    const reply = await grpcJsUnary(client, services.test.methods.firstRpc, { name: "gsh", id: 1 });
    expect(reply).toEqual({ status: "200", value: "Hello gsh, id 1" });
  });

  it("ListValue streams ten replies data + i", async () => {
    const replies = await grpcJsServerStream(client, services.streamServer.methods.listValue, { data: "Stream Server grpc " });
    expect(replies).toEqual(Array.from({ length: 10 }, (_, i) => ({ streamValue: `Stream Server grpc ${i}` })));
  });

  it("RouteList reads every request and answers 200 OK", async () => {
    const requests = Array.from({ length: 10 }, (_, i) => ({ streamData: `stream client rpc: ${i}` }));
    const reply = await grpcJsClientStream(client, services.streamClient.methods.routeList, requests);
    expect(reply).toEqual({ status: "200", value: "OK" });
    expect(fixture.logs).toContain("RouteList: stream client rpc: 9");
  });

  it("Conversations answers each question, numbered from 1", async () => {
    const replies = await grpcJsBidi(client, services.bothStream.methods.conversations, [{ question: "why?" }, { question: "how?" }]);
    expect(replies).toEqual([
      { answer: "from client stream, server answer: the 1 question is why?" },
      { answer: "from client stream, server answer: the 2 question is how?" },
    ]);
  });

  it("HelloService answers all four kinds of method", async () => {
    const { sayHello, lotsOfReplies, lotsOfGreetings, bidiHello } = services.hello.methods;
    expect(await grpcJsUnary(client, sayHello, { greeting: "ada" })).toEqual({ reply: "Hello ada" });
    expect(await grpcJsServerStream(client, lotsOfReplies, { greeting: "ada" })).toEqual([
      { reply: "Hello ada (1 of 3)" },
      { reply: "Hello ada (2 of 3)" },
      { reply: "Hello ada (3 of 3)" },
    ]);
    expect(await grpcJsClientStream(client, lotsOfGreetings, [{ greeting: "ada" }, { greeting: "bob" }])).toEqual({
      reply: "Hello ada, bob (2 greetings)",
    });
    expect(await grpcJsBidi(client, bidiHello, [{ greeting: "ada" }, { greeting: "bob" }])).toEqual([
      { reply: "Hello ada" },
      { reply: "Hello bob" },
    ]);
  });

  it("FirstRpc with the name slow ends DEADLINE_EXCEEDED at the client's deadline", async () => {
    const error = await grpcJsUnary(client, services.test.methods.firstRpc, { name: "slow", id: 2 }, { deadline: Date.now() + 200 }).then(
      () => undefined,
      (reason: grpc.ServiceError) => reason,
    );
    expect(error?.code).toBe(Status.DEADLINE_EXCEEDED);
  });
});
