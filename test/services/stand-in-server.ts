// Test helper: just enough of a Server for addReflection (it records the services and their
// implementations), and a way to send one reflection stream's requests to it without a network.
import type { ServiceDefinition } from "../../src/definition.js";
import type { Server } from "../../src/server/server-options.js";
import { addReflection, type ServerReflectionRequest, type ServerReflectionResponse } from "../../src/services/reflection-service.js";
import { decodeFile } from "./descriptor-helpers.js";
import { fakeContext, streamOf } from "./fake-context.js";

/** What standInServer returns: the stand-in, and `reflect`, which answers one stream of requests. */
export interface StandIn {
  readonly server: { readonly services: ServiceDefinition[]; addService(definition: ServiceDefinition, implementation: unknown): StandIn["server"] };
  reflect(requests: ServerReflectionRequest[], version?: string): Promise<ServerReflectionResponse[]>;
}

/** A stand-in server with reflection added. */
export function standInServer(): StandIn {
  const services: ServiceDefinition[] = [];
  const implementations = new Map<string, unknown>();
  const server = {
    services,
    addService(definition: ServiceDefinition, implementation: unknown) {
      services.push(definition);
      implementations.set(definition.typeName, implementation);
      return server;
    },
  };
  addReflection(server as unknown as Server);
  const reflect = async (requests: ServerReflectionRequest[], version = "v1"): Promise<ServerReflectionResponse[]> => {
    const implementation = implementations.get(`grpc.reflection.${version}.ServerReflection`) as {
      serverReflectionInfo: (requests: AsyncIterable<ServerReflectionRequest>, context: unknown) => AsyncIterable<ServerReflectionResponse>;
    };
    const responses: ServerReflectionResponse[] = [];
    for await (const response of implementation.serverReflectionInfo(streamOf(...requests), fakeContext().context)) {
      responses.push(response);
    }
    return responses;
  };
  return { server, reflect };
}

/** The names of the files a reflection answer carries, in order. */
export const fileNames = (response: ServerReflectionResponse | undefined): string[] =>
  (response?.fileDescriptorResponse?.fileDescriptorProto ?? []).map((bytes) => decodeFile(bytes).name);
