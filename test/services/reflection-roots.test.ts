// Reflection over services loaded into several protobufjs Roots: files that cannot share one
// descriptor pool (the tutorial's three files each declaring my_lib.StreamRequest), a file two
// Roots share, and two different files of the same name, which must never be mixed up.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadService } from "../../src/codec/load-service.js";
import type { ServiceDefinition } from "../../src/definition.js";
import type { ServerReflectionRequest } from "../../src/services/reflection-service.js";
import { Status } from "../../src/status.js";
import { decodeFile, rebuildRoot } from "./descriptor-helpers.js";
import { fileNames, standInServer } from "./stand-in-server.js";

const PROTOS = path.resolve("protos");
const ROOTS = path.resolve("test/services/protos/roots");
const tutorial = (file: string, name: string): ServiceDefinition => loadService(`tutorial/${file}`, name, { includeDirs: [PROTOS] });
const StreamServer = tutorial("server_stream.proto", "my_lib.StreamServer");
const StreamClient = tutorial("client_stream.proto", "my_lib.StreamClient");
const Stream = tutorial("both_stream.proto", "my_lib.Stream");
const First = loadService("first.proto", "h2grpc.roots.First", { includeDirs: [path.join(ROOTS, "one")] });
const Third = loadService("third.proto", "h2grpc.roots.Third", { includeDirs: [path.join(ROOTS, "one")] });
const Second = loadService("second.proto", "h2grpc.roots.Second", { includeDirs: [path.join(ROOTS, "two")] });

const symbol = (name: string): ServerReflectionRequest => ({ messageRequest: "fileContainingSymbol", fileContainingSymbol: name });
const byFilename = (name: string): ServerReflectionRequest => ({ messageRequest: "fileByFilename", fileByFilename: name });

describe("reflection of services whose files declare the same names in separate Roots", () => {
  it("answers each service with its own file, which rebuilds its own request message", async () => {
    const { server, reflect } = standInServer();
    server.addService(StreamServer, {}).addService(StreamClient, {}).addService(Stream, {});
    const answers = await reflect([symbol("my_lib.StreamServer"), symbol("my_lib.StreamClient"), symbol("my_lib.Stream")]);
    expect(answers.map(fileNames)).toEqual([["tutorial/server_stream.proto"], ["tutorial/client_stream.proto"], ["tutorial/both_stream.proto"]]);
    const requestFields = answers.map((answer, index) => {
      const rebuilt = rebuildRoot(answer.fileDescriptorResponse?.fileDescriptorProto ?? []);
      const service = rebuilt.lookupService(["my_lib.StreamServer", "my_lib.StreamClient", "my_lib.Stream"][index] as string);
      const method = service.methodsArray[0];
      method?.resolve();
      return method?.resolvedRequestType?.fieldsArray.map((field) => field.name);
    });
    expect(requestFields).toEqual([["data"], ["stream_data"], ["question"]]);
  });

  it("answers a message name several Roots declare with the file of the service registered first", async () => {
    const { server, reflect } = standInServer();
    server.addService(Stream, {}).addService(StreamServer, {}).addService(StreamClient, {});
    const answers = await reflect([symbol("my_lib.StreamRequest"), symbol("my_lib.StreamResponse"), symbol("my_lib.SimpleResponse"), symbol("my_lib.StreamRequest.data")]);
    expect(answers.map((answer) => fileNames(answer)[0])).toEqual([
      "tutorial/both_stream.proto",
      "tutorial/both_stream.proto",
      "tutorial/client_stream.proto",
      // a field is looked up by its full name too: my_lib.StreamRequest.data is server_stream.proto's
      "tutorial/server_stream.proto",
    ]);
  });
});

describe("reflection of one file shared by two Roots", () => {
  it("describes both services and sends the shared file once per stream", async () => {
    const { server, reflect } = standInServer();
    server.addService(First, {}).addService(Third, {});
    const answers = await reflect([symbol("h2grpc.roots.First"), symbol("h2grpc.roots.Third")]);
    expect(answers.map(fileNames)).toEqual([["first.proto", "common.proto"], ["third.proto"]]);
  });
});

describe("reflection of two different files with the same name", () => {
  it("serves the file registered first, and refuses to describe the services that need the other", async () => {
    const { server, reflect } = standInServer();
    server.addService(First, {}).addService(Second, {});
    const answers = await reflect([
      symbol("h2grpc.roots.Second"),
      symbol("h2grpc.roots.Receipt"),
      byFilename("common.proto"),
      symbol("h2grpc.roots.Money"),
      symbol("h2grpc.roots.First"),
      { messageRequest: "listServices", listServices: "" },
    ]);
    const clash = 'its file "second.proto" imports "common.proto", which differs from the file of that name registered first';
    expect(answers[0]?.errorResponse).toEqual({ errorCode: Status.NOT_FOUND, errorMessage: expect.stringContaining(clash) });
    expect(answers[1]?.errorResponse?.errorMessage).toContain(clash);
    const common = decodeFile(answers[2]?.fileDescriptorResponse?.fileDescriptorProto?.[0] ?? new Uint8Array()) as {
      messageType?: Array<{ field: Array<{ name: string }> }>;
    };
    expect(common.messageType?.[0]?.field.map((field) => field.name)).toEqual(["units"]);
    expect(fileNames(answers[3])).toEqual(["common.proto"]);
    expect(fileNames(answers[4])).toEqual(["first.proto"]); // common.proto went out on this stream already
    // Second is still served, and listed; only its description is refused.
    expect(answers[5]?.listServicesResponse?.service?.map((service) => service.name)).toContain("h2grpc.roots.Second");
  });

  it("follows registration order: the other service is described when it comes first", async () => {
    const { server, reflect } = standInServer();
    server.addService(Second, {}).addService(First, {});
    const answers = await reflect([symbol("h2grpc.roots.Second"), symbol("h2grpc.roots.First")]);
    expect(fileNames(answers[0])).toEqual(["second.proto", "common.proto"]);
    expect(answers[1]?.errorResponse?.errorMessage).toContain('its file "first.proto" imports "common.proto", which differs');
  });
});
