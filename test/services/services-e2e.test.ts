// Health and reflection on a real server, called by @grpc/grpc-js and by h2grpc's client: what
// grpcurl does (list, describe, a JSON-bodied call from reflected descriptors alone) and health
// through a graceful shutdown.
import path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { closeClient, createClient } from "../../src/client/client.js";
import { loadService } from "../../src/codec/load-service.js";
import type { AnyMethodDefinition, ServiceDefinition } from "../../src/definition.js";
import type { Server } from "../../src/server/server-options.js";
import { createHealthService, type HealthService } from "../../src/services/health.js";
import { addReflection, type ReflectionDefinition, type ServerReflectionResponse } from "../../src/services/reflection-service.js";
import { Status } from "../../src/status.js";
import { startServer } from "../helpers/start-server.js";
import { rebuildRoot } from "./descriptor-helpers.js";

const Catalog = loadService("shop/v1/catalog.proto", "h2grpc.shop.v1.Catalog", { includeDirs: [path.resolve("test/services/protos")] });
const reflectionDefinition = (version: string): ReflectionDefinition =>
  loadService<ReflectionDefinition>(`protos/grpc/reflection/${version}/reflection.proto`, `grpc.reflection.${version}.ServerReflection`);

const ITEM = {
  itemId: "42",
  displayName: "The Book",
  kind: "KIND_BOOK",
  unitPrice: { currency: "CURRENCY_EUR", units: "12", nanos: 500_000_000 },
  stockByStore: { paris: 3 },
};

function setUp(server: Server, health: HealthService): void {
  server.addService(Catalog, {
    getItem: (request: unknown) => ({ ...ITEM, itemId: (request as { itemId: string }).itemId }),
  } as never);
  server.addService(health.definition, health.implementation);
  addReflection(server);
}

function method(definition: ServiceDefinition, name: string): AnyMethodDefinition {
  return definition.methods[name] as AnyMethodDefinition;
}

async function grpcJsReflect(address: string, version: string, requests: readonly unknown[]): Promise<ServerReflectionResponse[]> {
  const info = method(reflectionDefinition(version), "serverReflectionInfo");
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  try {
    const call = client.makeBidiStreamRequest(
      info.path,
      (value: unknown) => Buffer.from(info.requestSerializer.serialize(value)),
      (bytes: Buffer) => info.responseSerializer.deserialize(bytes),
    );
    for (const request of requests) call.write(request);
    call.end();
    const responses: ServerReflectionResponse[] = [];
    for await (const response of call) responses.push(response as ServerReflectionResponse);
    return responses;
  } finally {
    client.close();
  }
}

describe("reflection over the wire", () => {
  it.each(["v1alpha", "v1"])("%s with grpc-js: list, describe, then a JSON-bodied call from the reflected descriptors alone", async (version) => {
    const { address } = await startServer((server) => setUp(server, createHealthService()));
    const [list] = await grpcJsReflect(address, version, [{ listServices: "" }]);
    const services = list?.listServicesResponse?.service?.map((s) => s.name ?? "") ?? [];
    expect(services).toEqual([
      "grpc.health.v1.Health",
      "grpc.reflection.v1.ServerReflection",
      "grpc.reflection.v1alpha.ServerReflection",
      "h2grpc.shop.v1.Catalog",
    ]);
    const described = await grpcJsReflect(address, version, services.map((name) => ({ fileContainingSymbol: name })));
    const rebuilt = rebuildRoot(described.flatMap((r) => r.fileDescriptorResponse?.fileDescriptorProto ?? []));

    // What grpcurl -d '{"item_id": "7"}' does: JSON → message with the reflected types, and back.
    const getItem = rebuilt.lookupService("h2grpc.shop.v1.Catalog").methods["GetItem"];
    const requestType = rebuilt.lookupType(getItem?.requestType ?? "");
    const responseType = rebuilt.lookupType("h2grpc.shop.v1.Item");
    const client = new grpc.Client(address, grpc.credentials.createInsecure());
    try {
      const reply = await new Promise<unknown>((resolve, reject) => {
        client.makeUnaryRequest(
          "/h2grpc.shop.v1.Catalog/GetItem",
          (json: Record<string, unknown>) => Buffer.from(requestType.encode(requestType.fromObject(json)).finish()),
          (bytes: Buffer) => responseType.toObject(responseType.decode(bytes), { enums: String, longs: String }),
          JSON.parse('{"item_id": "7"}') as Record<string, unknown>,
          (error, value) => (error ? reject(error) : resolve(value)),
        );
      });
      expect(reply).toMatchObject({
        item_id: "7",
        display_name: "The Book",
        kind: "KIND_BOOK",
        unit_price: { currency: "CURRENCY_EUR", units: "12", nanos: 500_000_000 },
        stock_by_store: [{ key: "paris", value: 3 }],
      });
    } finally {
      client.close();
    }
  });

  it("answers h2grpc's own client on v1, file by file, with each dependency sent once", async () => {
    const { address } = await startServer((server) => setUp(server, createHealthService()));
    const client = createClient(reflectionDefinition("v1"), { address });
    try {
      const responses: ServerReflectionResponse[] = [];
      const requests = [
        { fileContainingSymbol: "h2grpc.shop.v1.Catalog.GetItem" },
        { fileByFilename: "google/protobuf/timestamp.proto" },
        { fileByFilename: "missing.proto" },
      ];
      for await (const response of client.serverReflectionInfo(requests, { timeoutMs: 5_000 })) responses.push(response);
      expect(responses.map((r) => r.fileDescriptorResponse?.fileDescriptorProto?.length)).toEqual([4, 1, undefined]);
      expect(responses[2]?.errorResponse?.errorCode).toBe(Status.NOT_FOUND);
    } finally {
      closeClient(client);
    }
  });
});

describe("health over the wire", () => {
  it("answers Check from h2grpc's client: SERVING for the server, NOT_FOUND for an unknown service", async () => {
    const health = createHealthService();
    const { address } = await startServer((server) => setUp(server, health));
    const client = createClient(health.definition, { address });
    try {
      expect(await client.check({ service: "" }, { timeoutMs: 5_000 })).toEqual({ status: "SERVING" });
      await expect(client.check({ service: "pkg.Nope" }, { timeoutMs: 5_000 })).rejects.toMatchObject({ code: Status.NOT_FOUND });
    } finally {
      closeClient(client);
    }
  });

  it("streams Watch to grpc-js through shutdown(): SERVICE_UNKNOWN, SERVING, then NOT_SERVING before the server closes", async () => {
    const health = createHealthService();
    const { server, address } = await startServer((s) => setUp(s, health));
    const watch = method(health.definition, "watch");
    const client = new grpc.Client(address, grpc.credentials.createInsecure());
    try {
      const call = client.makeServerStreamRequest(
        watch.path,
        (value: unknown) => Buffer.from(watch.requestSerializer.serialize(value)),
        (bytes: Buffer) => watch.responseSerializer.deserialize(bytes),
        { service: "h2grpc.shop.v1.Catalog" },
      );
      const statuses: string[] = [];
      const ended = new Promise<grpc.StatusObject>((resolve) => call.on("status", resolve));
      call.on("error", () => undefined);
      call.on("data", (response: { status: string }) => {
        statuses.push(response.status);
        if (response.status === "SERVICE_UNKNOWN") health.setStatus("h2grpc.shop.v1.Catalog", "SERVING");
        if (response.status === "SERVING") health.shutdown();
        if (response.status === "NOT_SERVING") void server.close({ graceMs: 100 });
      });
      const status = await ended;
      expect(statuses).toEqual(["SERVICE_UNKNOWN", "SERVING", "NOT_SERVING"]);
      expect(status.code).not.toBe(grpc.status.OK);
    } finally {
      client.close();
    }
  });
});
