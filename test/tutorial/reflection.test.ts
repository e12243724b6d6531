// Server reflection on the tutorial server, as grpcurl uses it: list every tutorial service, and
// resolve each one's file (with every dependency) into descriptors that rebuild the same service
// and messages, over v1 and v1alpha; over --tls it stays open without the token.
import protobuf from "protobufjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { channelTls, closeClient, createClient, loadService, type ChannelCredentials, type ReflectionDefinition, type ServerReflectionResponse } from "../../src/index.js";
import { protosDir } from "../../examples/tutorial/tutorial-paths.js";
import { loadTutorialServices } from "../../examples/tutorial/tutorial-services.js";
import { declarationsOf, decodeFile, expectSameDeclaration, rebuildRoot } from "../services/descriptor-helpers.js";
import type { TutorialCertificate } from "../../examples/tutorial/tls-certificate.js";
import { requirePeer } from "../helpers/peers.js";
import { startTutorialForTest, tutorialCertificateForTest, type TutorialFixture } from "./tutorial-fixture.js";

const services = loadTutorialServices();
const TUTORIAL_SERVICES = Object.values(services);
const SERVICE_BY_NAME = new Map(TUTORIAL_SERVICES.map((service) => [service.typeName, service]));
const EXPECTED_SERVICES = [
  ...TUTORIAL_SERVICES.map((service) => service.typeName),
  "grpc.health.v1.Health",
  "grpc.reflection.v1.ServerReflection",
  "grpc.reflection.v1alpha.ServerReflection",
].sort();

const FILE_OF_SERVICE: Record<string, string> = {
  "grpc.test": "tutorial/test.proto",
  "my_lib.StreamServer": "tutorial/server_stream.proto",
  "my_lib.StreamClient": "tutorial/client_stream.proto",
  "my_lib.Stream": "tutorial/both_stream.proto",
  HelloService: "tutorial/hello.proto",
};

/** Sends each request on one reflection stream and collects the answers in order. */
async function reflect(address: string, version: "v1" | "v1alpha", requests: object[], credentials?: ChannelCredentials): Promise<ServerReflectionResponse[]> {
  const Reflection = loadService<ReflectionDefinition>(`grpc/reflection/${version}/reflection.proto`, `grpc.reflection.${version}.ServerReflection`, {
    includeDirs: [protosDir()],
  });
  const client = createClient(Reflection, { address, ...(credentials ? { credentials } : {}) });
  try {
    const answers: ServerReflectionResponse[] = [];
    for await (const answer of client.serverReflectionInfo(requests)) answers.push(answer);
    return answers;
  } finally {
    closeClient(client);
  }
}

describe.each(["v1", "v1alpha"] as const)("reflection %s on the tutorial server", (version) => {
  let fixture: TutorialFixture;
  beforeAll(async () => {
    fixture = await startTutorialForTest();
  });
  afterAll(async () => {
    await fixture?.tutorial.close();
  });

  it("lists every tutorial service, health and reflection (grpcurl list)", async () => {
    const [answer] = await reflect(fixture.tutorial.address, version, [{ listServices: "" }]);
    const names = answer?.listServicesResponse?.service?.map((service) => service.name).sort();
    expect(names).toEqual(EXPECTED_SERVICES);
  });

  it.each(TUTORIAL_SERVICES.map((service) => service.typeName))("resolves %s to its file, which rebuilds the service and its messages", async (name) => {
    const [answer] = await reflect(fixture.tutorial.address, version, [{ fileContainingSymbol: name }]);
    const files = answer?.fileDescriptorResponse?.fileDescriptorProto ?? [];
    expect(files.map((bytes) => decodeFile(bytes).name)).toContain(FILE_OF_SERVICE[name]);
    const rebuilt = rebuildRoot(files);
    const root = SERVICE_BY_NAME.get(name)?.root as protobuf.Root;
    const file = FILE_OF_SERVICE[name] as string;
    // Every message and service the tutorial's file declares (its Root holds that file alone).
    const declared = declarationsOf(root).filter((declaration) => declaration.filename?.endsWith(file));
    expect(declared.length).toBeGreaterThan(1);
    for (const declaration of declared) expectSameDeclaration(declaration, rebuilt);
  });

  it("resolves a method and a message by symbol, and hello.proto by file name as proto2 with required fields", async () => {
    const answers = await reflect(fixture.tutorial.address, version, [
      { fileContainingSymbol: "grpc.test.FirstRpc" },
      { fileContainingSymbol: "my_lib.Stream.Conversations" },
      { fileByFilename: "tutorial/hello.proto" },
    ]);
    const names = answers.map((answer) => decodeFile(answer.fileDescriptorResponse?.fileDescriptorProto?.[0] ?? new Uint8Array()).name);
    expect(names).toEqual(["tutorial/test.proto", "tutorial/both_stream.proto", "tutorial/hello.proto"]);
    const hello = decodeFile(answers[2]?.fileDescriptorResponse?.fileDescriptorProto?.[0] ?? new Uint8Array()) as {
      syntax?: string;
      package?: string;
      messageType?: Array<{ name: string; field: Array<{ name: string; label: string }> }>;
    };
    expect(hello.syntax ?? "proto2").toBe("proto2");
    expect(hello.package).toBeUndefined();
    expect(hello.messageType?.find((message) => message.name === "HelloRequest")?.field[0]).toMatchObject({ name: "greeting", label: "LABEL_REQUIRED" });
  });
  it("answers my_lib.StreamRequest, which three tutorial files declare, with server_stream.proto (the first registered, as the README says)", async () => {
    const [answer] = await reflect(fixture.tutorial.address, version, [{ fileContainingSymbol: "my_lib.StreamRequest" }]);
    const file = decodeFile(answer?.fileDescriptorResponse?.fileDescriptorProto?.[0] ?? new Uint8Array()) as {
      name: string;
      messageType?: Array<{ name: string; field: Array<{ name: string }> }>;
    };
    expect(file.name).toBe("tutorial/server_stream.proto");
    expect(file.messageType?.find((message) => message.name === "StreamRequest")?.field.map((field) => field.name)).toEqual(["data"]);
  });
});

describe.skipIf(!requirePeer("tutorial reflection over TLS", "openssl"))("reflection and health with --tls", () => {
  let fixture: TutorialFixture;
  let certificate: TutorialCertificate;
  beforeAll(async () => {
    const tls = tutorialCertificateForTest();
    certificate = tls.certificate;
    fixture = await startTutorialForTest({ tls: true, certificateDir: tls.dir });
  });
  afterAll(async () => {
    await fixture?.tutorial.close();
  });

  it("stay open without the token", async () => {
    const credentials = channelTls({ ca: certificate.cert, serverNameOverride: "gsh.com" });
    const [answer] = await reflect(fixture.tutorial.address, "v1", [{ listServices: "" }], credentials);
    expect(answer?.listServicesResponse?.service?.length).toBe(EXPECTED_SERVICES.length);
    const health = createClient(fixture.tutorial.health.definition, { address: fixture.tutorial.address, credentials });
    try {
      expect(await health.check({ service: "" })).toEqual({ status: "SERVING" });
    } finally {
      closeClient(health);
    }
  });
});
