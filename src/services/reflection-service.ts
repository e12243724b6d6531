import type { MethodDefinition, ServiceDefinition } from "../definition.js";
import { GrpcError } from "../grpc-error.js";
import type { Server } from "../server/server-options.js";
import type { ServiceImpl } from "../server/service-impl.js";
import { Status } from "../status.js";
import { DescriptorRegistry, type RegisteredFile } from "./descriptor-registry.js";
import { loadStandardService } from "./standard-protos.js";

/** grpc.reflection.v1.ExtensionRequest. */
export interface ExtensionRequest {
  containingType?: string;
  extensionNumber?: number;
}

/** grpc.reflection.v1.ServerReflectionRequest; `messageRequest` names the member of the oneof that is set. */
export interface ServerReflectionRequest {
  host?: string;
  messageRequest?: "fileByFilename" | "fileContainingSymbol" | "fileContainingExtension" | "allExtensionNumbersOfType" | "listServices";
  fileByFilename?: string;
  fileContainingSymbol?: string;
  fileContainingExtension?: ExtensionRequest;
  allExtensionNumbersOfType?: string;
  listServices?: string;
}

/** grpc.reflection.v1.ServerReflectionResponse; exactly one of the last four is set. */
export interface ServerReflectionResponse {
  validHost?: string;
  originalRequest?: ServerReflectionRequest;
  fileDescriptorResponse?: { fileDescriptorProto?: Uint8Array[] };
  allExtensionNumbersResponse?: { baseTypeName?: string; extensionNumber?: number[] };
  listServicesResponse?: { service?: Array<{ name?: string }> };
  errorResponse?: { errorCode?: number; errorMessage?: string };
}

/** The typed ServerReflection definition (v1 and v1alpha share it: same messages, same field numbers). */
export type ReflectionDefinition = ServiceDefinition<{
  serverReflectionInfo: MethodDefinition<
    ServerReflectionRequest,
    ServerReflectionResponse,
    ServerReflectionRequest,
    ServerReflectionResponse,
    "bidi_streaming"
  >;
}>;

/**
 * Registers grpc.reflection.v1.ServerReflection and grpc.reflection.v1alpha.ServerReflection
 * (grpcurl 1.8 speaks only v1alpha) on `server`, describing every service registered on it,
 * before or after this call, itself included; returns the server. Throws TypeError if reflection
 * is registered already, and Error if h2grpc's reflection protos are missing.
 */
export function addReflection<S extends Server>(server: S): S {
  const registry = new DescriptorRegistry(server);
  const implementation: ServiceImpl<ReflectionDefinition> = {
    serverReflectionInfo: (requests) => answerRequests(requests, registry),
  };
  server.addService(
    loadStandardService<ReflectionDefinition>("grpc/reflection/v1/reflection.proto", "grpc.reflection.v1.ServerReflection"),
    implementation,
  );
  server.addService(
    loadStandardService<ReflectionDefinition>(
      "grpc/reflection/v1alpha/reflection.proto",
      "grpc.reflection.v1alpha.ServerReflection",
    ),
    implementation,
  );
  return server;
}

/**
 * Answers each request of one reflection stream in order (doc/server-reflection.md). Lookups that
 * fail are answered with an error_response of NOT_FOUND, and the stream goes on, as in grpc-go; a
 * request with no message_request ends the stream with INVALID_ARGUMENT.
 */
export async function* answerRequests(
  requests: AsyncIterable<ServerReflectionRequest>,
  registry: DescriptorRegistry,
): AsyncGenerator<ServerReflectionResponse> {
  // A file goes out once per stream, apart from the one each request asks for (grpc-go).
  const sentFiles = new Set<string>();
  for await (const request of requests) yield answer(request, registry, sentFiles);
}

function answer(request: ServerReflectionRequest, registry: DescriptorRegistry, sentFiles: Set<string>): ServerReflectionResponse {
  const kind = request.messageRequest;
  if (kind === undefined) throw new GrpcError(Status.INVALID_ARGUMENT, "invalid reflection request: no message_request is set");
  const host = request.host ?? "";
  const response: ServerReflectionResponse = { validHost: host, originalRequest: { host, [kind]: request[kind] } };
  const withFile = (file: RegisteredFile | undefined, missing: string): ServerReflectionResponse => {
    if (file === undefined) return { ...response, errorResponse: notFound(missing) };
    try {
      return { ...response, fileDescriptorResponse: { fileDescriptorProto: registry.encodeWithDependencies(file, sentFiles) } };
    } catch (error) {
      // grpc-go answers every failure to describe a file, marshalling included, with NOT_FOUND.
      const reason = error instanceof Error ? error.message : String(error);
      return { ...response, errorResponse: notFound(`cannot describe "${file.file.name}": ${reason}`) };
    }
  };

  switch (kind) {
    case "fileByFilename": {
      const name = request.fileByFilename ?? "";
      return withFile(registry.fileByName(name), `file "${name}" not found`);
    }
    case "fileContainingSymbol": {
      const symbol = request.fileContainingSymbol ?? "";
      const clash = registry.explainMissingSymbol(symbol);
      return withFile(registry.fileContainingSymbol(symbol), `symbol "${symbol}" not found${clash === undefined ? "" : `: ${clash}`}`);
    }
    case "fileContainingExtension": {
      const type = request.fileContainingExtension?.containingType ?? "";
      const number = request.fileContainingExtension?.extensionNumber ?? 0;
      return withFile(registry.fileContainingExtension(type, number), `extension ${number} of "${type}" not found`);
    }
    case "allExtensionNumbersOfType": {
      const type = request.allExtensionNumbersOfType ?? "";
      const numbers = registry.extensionNumbersOf(type);
      return numbers === undefined
        ? { ...response, errorResponse: notFound(`type "${type}" not found`) }
        : { ...response, allExtensionNumbersResponse: { baseTypeName: type, extensionNumber: numbers } };
    }
    case "listServices":
      return { ...response, listServicesResponse: { service: registry.serviceNames().map((name) => ({ name })) } };
  }
}

function notFound(message: string): { errorCode: number; errorMessage: string } {
  return { errorCode: Status.NOT_FOUND, errorMessage: message };
}
