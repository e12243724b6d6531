// The reflection handler called directly on a stand-in server (grpc-go reflection/serverreflection_test.go's cases).
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadService } from "../../src/codec/load-service.js";
import type { ServiceDefinition } from "../../src/definition.js";
import { createHealthService } from "../../src/services/health.js";
import type { ReflectionDefinition, ServerReflectionRequest } from "../../src/services/reflection-service.js";
import { Status } from "../../src/status.js";
import { declarationsOf, expectSameDeclaration, rebuildRoot } from "./descriptor-helpers.js";
import { fileNames, standInServer } from "./stand-in-server.js";

const FIXTURES = path.resolve("test/services/protos");
const load = (file: string, name: string): ServiceDefinition => loadService(file, name, { includeDirs: [FIXTURES] });
const Catalog = load("shop/v1/catalog.proto", "h2grpc.shop.v1.Catalog");
const Orders = load("legacy/orders.proto", "h2grpc.legacy.Orders");
const WellKnown = load("wkt/well_known.proto", "h2grpc.wkt.WellKnown");

describe("reflection list_services", () => {
  it("lists every registered service sorted, itself included, also those added after it", async () => {
    const { server, reflect } = standInServer();
    server.addService(Catalog, {});
    const health = createHealthService();
    server.addService(health.definition, {});
    const [response] = await reflect([{ host: "h", messageRequest: "listServices", listServices: "*" }]);
    expect(response?.listServicesResponse?.service?.map((s) => s.name)).toEqual([
      "grpc.health.v1.Health",
      "grpc.reflection.v1.ServerReflection",
      "grpc.reflection.v1alpha.ServerReflection",
      "h2grpc.shop.v1.Catalog",
    ]);
    expect(response?.validHost).toBe("h");
    expect(response?.originalRequest).toEqual({ host: "h", listServices: "*" });
  });
});

describe("reflection file requests", () => {
  it("answers file_by_filename with the file, then each dependency not yet sent on the stream", async () => {
    const { server, reflect } = standInServer();
    server.addService(Catalog, {});
    const responses = await reflect([
      { messageRequest: "fileByFilename", fileByFilename: "shop/v1/catalog.proto" },
      { messageRequest: "fileByFilename", fileByFilename: "shop/v1/money.proto" },
      { messageRequest: "fileByFilename", fileByFilename: "shop/v1/catalog.proto" },
    ]);
    expect(fileNames(responses[0])).toEqual([
      "shop/v1/catalog.proto",
      "google/protobuf/empty.proto",
      "google/protobuf/timestamp.proto",
      "shop/v1/money.proto",
    ]);
    // grpc-go: the file asked for is always sent, its dependencies only once per stream.
    expect(fileNames(responses[1])).toEqual(["shop/v1/money.proto"]);
    expect(fileNames(responses[2])).toEqual(["shop/v1/catalog.proto"]);
  });

  it.each([
    ["h2grpc.shop.v1.Catalog", "shop/v1/catalog.proto"],
    ["h2grpc.shop.v1.Catalog.GetItem", "shop/v1/catalog.proto"],
    ["h2grpc.shop.v1.Item", "shop/v1/catalog.proto"],
    ["h2grpc.shop.v1.Item.Variant", "shop/v1/catalog.proto"],
    ["h2grpc.shop.v1.Item.Kind", "shop/v1/catalog.proto"],
    ["h2grpc.shop.v1.Item.KIND_BOOK", "shop/v1/catalog.proto"],
    ["h2grpc.shop.v1.Item.item_id", "shop/v1/catalog.proto"],
    ["h2grpc.shop.v1.Item.pricing", "shop/v1/catalog.proto"],
    ["h2grpc.shop.v1.Item.StockByStoreEntry", "shop/v1/catalog.proto"],
    [".h2grpc.shop.v1.Money", "shop/v1/money.proto"],
    ["h2grpc.shop.v1.CURRENCY_EUR", "shop/v1/money.proto"],
    ["google.protobuf.Timestamp", "google/protobuf/timestamp.proto"],
    ["h2grpc.legacy.gift_note", "legacy/orders.proto"],
    ["h2grpc.legacy.Courier.courier_rank", "legacy/orders.proto"],
    ["grpc.reflection.v1alpha.ServerReflection", "grpc/reflection/v1alpha/reflection.proto"],
  ])("answers file_containing_symbol %s with %s first", async (symbol, file) => {
    const { server, reflect } = standInServer();
    server.addService(Catalog, {}).addService(Orders, {});
    const [response] = await reflect([{ messageRequest: "fileContainingSymbol", fileContainingSymbol: symbol }]);
    expect(fileNames(response)[0]).toBe(file);
  });

  it("answers file_containing_extension with the file declaring it", async () => {
    const { server, reflect } = standInServer();
    server.addService(Orders, {});
    const extension = (containingType: string, extensionNumber: number): ServerReflectionRequest => ({
      messageRequest: "fileContainingExtension",
      fileContainingExtension: { containingType, extensionNumber },
    });
    const responses = await reflect([extension("h2grpc.legacy.Order", 100), extension("h2grpc.legacy.Order", 101)]);
    expect(fileNames(responses[0])).toEqual(["legacy/orders.proto"]);
    expect(fileNames(responses[1])).toEqual(["legacy/orders.proto"]);
  });
});

describe("reflection extension numbers", () => {
  it("lists the extension numbers of a type in ascending order, and none for a type without", async () => {
    const { server, reflect } = standInServer();
    server.addService(Orders, {}).addService(Catalog, {});
    const responses = await reflect([
      { messageRequest: "allExtensionNumbersOfType", allExtensionNumbersOfType: "h2grpc.legacy.Order" },
      { messageRequest: "allExtensionNumbersOfType", allExtensionNumbersOfType: "h2grpc.shop.v1.Item" },
    ]);
    expect(responses[0]?.allExtensionNumbersResponse).toEqual({ baseTypeName: "h2grpc.legacy.Order", extensionNumber: [100, 101] });
    expect(responses[1]?.allExtensionNumbersResponse).toEqual({ baseTypeName: "h2grpc.shop.v1.Item", extensionNumber: [] });
  });
});

describe("reflection errors", () => {
  it.each<[string, ServerReflectionRequest]>([
    ["an unknown file", { messageRequest: "fileByFilename", fileByFilename: "nope.proto" }],
    ["an unknown symbol", { messageRequest: "fileContainingSymbol", fileContainingSymbol: "h2grpc.shop.v1.Nope" }],
    ["a package name", { messageRequest: "fileContainingSymbol", fileContainingSymbol: "h2grpc.shop.v1" }],
    [
      "an unknown extension number",
      { messageRequest: "fileContainingExtension", fileContainingExtension: { containingType: "h2grpc.legacy.Order", extensionNumber: 150 } },
    ],
    ["an unknown type's extensions", { messageRequest: "allExtensionNumbersOfType", allExtensionNumbersOfType: "h2grpc.Nope" }],
  ])("answers %s with an error_response NOT_FOUND and keeps the stream open", async (_case, request) => {
    const { server, reflect } = standInServer();
    server.addService(Catalog, {}).addService(Orders, {});
    const responses = await reflect([request, { messageRequest: "listServices", listServices: "" }]);
    expect(responses[0]?.errorResponse?.errorCode).toBe(Status.NOT_FOUND);
    expect(responses[0]?.errorResponse?.errorMessage).toMatch(/not found/);
    expect(responses[1]?.listServicesResponse).toBeDefined();
  });

  it("ends the stream with INVALID_ARGUMENT for a request without message_request", async () => {
    const { reflect } = standInServer();
    await expect(reflect([{ host: "" }])).rejects.toMatchObject({ code: Status.INVALID_ARGUMENT });
  });
});

describe("reflection descriptors, v1 and v1alpha", () => {
  it.each(["v1", "v1alpha"])("%s: the files of every listed service rebuild every service, method and message", async (version) => {
    const { server, reflect } = standInServer();
    server.addService(Catalog, {}).addService(Orders, {}).addService(WellKnown, {});
    server.addService(createHealthService().definition, {});
    const [list] = await reflect([{ messageRequest: "listServices", listServices: "" }], version);
    const names = list?.listServicesResponse?.service?.map((s) => s.name ?? "") ?? [];
    const requests = names.map((name): ServerReflectionRequest => ({ messageRequest: "fileContainingSymbol", fileContainingSymbol: name }));
    const files = (await reflect(requests, version)).flatMap((r) => r.fileDescriptorResponse?.fileDescriptorProto ?? []);
    const rebuilt = rebuildRoot(files);
    for (const definition of server.services) {
      expect(rebuilt.lookupService(definition.typeName).fullName).toBe(`.${definition.typeName}`);
      for (const declaration of declarationsOf(definition.root as NonNullable<ReflectionDefinition["root"]>)) {
        expectSameDeclaration(declaration, rebuilt);
      }
    }
  });
});
