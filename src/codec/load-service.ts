import path from "node:path";
import { fileURLToPath } from "node:url";
import protobuf from "protobufjs";
import type { Method, Root } from "protobufjs";
import type { AnyMethodDefinition, IdempotencyLevel, LooseServiceDefinition, MethodDefinition, MethodKind, ServiceDefinition } from "../definition.js";
import { registerMessageTypes } from "./json-serializer.js";
import { createProtobufSerializer } from "./protobuf-serializer.js";
import { ProtoFilesResolver, resolveAllNamingFile, toFilePath, type ProtoPath } from "./proto-files-resolver.js";

export type { ProtoPath } from "./proto-files-resolver.js";

/** Where and how .proto files are read. */
export interface LoadProtoOptions {
  /** Directories searched, in order, for imports (and for the files themselves when relative): paths or file: URLs. */
  readonly includeDirs?: readonly ProtoPath[];
}

// protobufjs bundles the common well-known types; descriptor.proto (needed for custom options)
// ships beside them as a file, so imports of google/protobuf/* fall back to this directory.
const PROTOBUFJS_DIR = path.dirname(fileURLToPath(import.meta.resolve("protobufjs/package.json")));

const rootCache = new Map<string, Root>();

/**
 * Loads .proto files (imports, include paths, proto2 and proto3, the well-known types) into one
 * protobufjs Root, cached by files and include paths. Paths are absolute, file: URLs
 * (`new URL("./greeter.proto", import.meta.url)`), or relative to process.cwd() or an include dir.
 * Throws Error naming the file for a syntax error or an unresolved type, for a missing file the
 * paths tried and the include dirs, and naming the fix when files loaded together declare the same name.
 */
export function loadProto(protoPaths: ProtoPath | readonly ProtoPath[], options: LoadProtoOptions = {}): Root {
  const files = (Array.isArray(protoPaths) ? (protoPaths as readonly ProtoPath[]) : [protoPaths as ProtoPath]).map(toFilePath);
  const includeDirs = (options.includeDirs ?? []).map(toFilePath);
  const key = JSON.stringify([files, includeDirs]);
  const cached = rootCache.get(key);
  if (cached !== undefined) return cached;

  const root = new protobuf.Root();
  const resolver = new ProtoFilesResolver(includeDirs, [PROTOBUFJS_DIR]);
  root.resolvePath = (origin, target) => resolver.resolve(origin, target);
  try {
    root.loadSync(files, { keepCase: false, alternateCommentMode: true });
  } catch (error) {
    throw explainDuplicateName(error, files) ?? resolver.describeLoadError(error);
  }
  resolveAllNamingFile(root);
  rootCache.set(key, root);
  return root;
}

// protobufjs' "duplicate name 'StreamRequest' in Namespace .my_lib", when several files were
// loaded together, usually means files that each declare that name (the tutorial's my_lib files):
// say how to load them instead.
function explainDuplicateName(error: unknown, files: readonly string[]): Error | undefined {
  if (files.length < 2 || !(error instanceof Error) || !error.message.startsWith("duplicate name")) return undefined;
  return new Error(
    `${error.message}: ${files.join(", ")} (or their imports) declare the same name, so they cannot share one protobufjs Root; ` +
      "load each with its own loadService() call (a server hosts services from any number of Roots, and reflection describes them all)",
    { cause: error },
  );
}

/**
 * Loads the service `serviceName` ("pkg.Service") from .proto files, as a definition with one
 * method per RPC and protobufjs serializers; throws TypeError if the files define no such service.
 */
export function loadService<D extends ServiceDefinition = LooseServiceDefinition>(
  protoPaths: ProtoPath | readonly ProtoPath[],
  serviceName: string,
  options: LoadProtoOptions = {},
): D {
  return serviceFromRoot<D>(loadProto(protoPaths, options), serviceName);
}

/** Builds the definition of `serviceName` from an already loaded Root; throws TypeError if it is absent. */
export function serviceFromRoot<D extends ServiceDefinition = LooseServiceDefinition>(root: Root, serviceName: string): D {
  const found = root.lookup(serviceName);
  if (!(found instanceof protobuf.Service)) {
    throw new TypeError(`service "${serviceName}" is not defined in the loaded .proto files`);
  }
  const typeName = found.fullName.replace(/^\./, "");
  const methods: Record<string, AnyMethodDefinition> = {};
  for (const method of found.methodsArray) {
    const definition = methodDefinition(typeName, method);
    methods[definition.localName] = definition;
  }
  const definition: ServiceDefinition = { typeName, methods, root };
  return definition as D;
}

function methodDefinition(typeName: string, method: Method): AnyMethodDefinition {
  method.resolve();
  const requestType = method.resolvedRequestType;
  const responseType = method.resolvedResponseType;
  if (requestType === null || responseType === null) {
    throw new TypeError(`method ${typeName}.${method.name} has unresolved message types`);
  }
  const definition: MethodDefinition<unknown, unknown> = {
    name: method.name,
    localName: lowerCamel(method.name),
    path: `/${typeName}/${method.name}`,
    kind: methodKind(method.requestStream === true, method.responseStream === true),
    requestSerializer: createProtobufSerializer(requestType),
    responseSerializer: createProtobufSerializer(responseType),
    requestType: requestType.fullName.replace(/^\./, ""),
    responseType: responseType.fullName.replace(/^\./, ""),
    ...idempotencyOf(method),
  };
  registerMessageTypes(definition, requestType, responseType);
  return definition;
}

function idempotencyOf(method: Method): { idempotency?: IdempotencyLevel } {
  // protobufjs keeps `option idempotency_level = NO_SIDE_EFFECTS;` as the enum value's name.
  const level: unknown = method.options?.["idempotency_level"];
  return level === "NO_SIDE_EFFECTS" || level === "IDEMPOTENT" ? { idempotency: level } : {};
}

/** The RPC kind the `stream` keywords of a method's request and response give. */
export function methodKind(requestStream: boolean, responseStream: boolean): MethodKind {
  if (requestStream) return responseStream ? "bidi_streaming" : "client_streaming";
  return responseStream ? "server_streaming" : "unary";
}

/** "SayHello" → "sayHello", as protobufjs and grpc-js name methods. */
export function lowerCamel(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}
