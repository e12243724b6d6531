import path from "node:path";
import { fileURLToPath } from "node:url";
import { existsSync } from "node:fs";
import protobuf from "protobufjs";
import type { Method, Root } from "protobufjs";
import type { AnyMethodDefinition, MethodDefinition, MethodKind, ServiceDefinition } from "../definition.js";
import { createProtobufSerializer } from "./protobuf-serializer.js";

/** Where and how .proto files are read. */
export interface LoadProtoOptions {
  /** Directories searched, in order, for imports (and for the files themselves when relative). */
  readonly includeDirs?: readonly string[];
}

// protobufjs bundles the common well-known types; descriptor.proto (needed for custom options)
// ships beside them as a file, so imports of google/protobuf/* fall back to this directory.
const PROTOBUFJS_DIR = path.dirname(fileURLToPath(import.meta.resolve("protobufjs/package.json")));

const rootCache = new Map<string, Root>();

/**
 * Loads .proto files (imports, include paths, proto2 and proto3, the well-known types) into one
 * protobufjs Root, cached by files and include paths; throws the parser's Error for a missing or
 * invalid file, and Error naming the fix when files loaded together declare the same name.
 */
export function loadProto(protoPaths: string | readonly string[], options: LoadProtoOptions = {}): Root {
  const files = typeof protoPaths === "string" ? [protoPaths] : [...protoPaths];
  const includeDirs = [...(options.includeDirs ?? []), PROTOBUFJS_DIR];
  const key = JSON.stringify([files, includeDirs]);
  const cached = rootCache.get(key);
  if (cached !== undefined) return cached;

  const root = new protobuf.Root();
  root.resolvePath = (origin, target) => resolveImport(origin, target, includeDirs);
  try {
    root.loadSync(files, { keepCase: false, alternateCommentMode: true });
  } catch (error) {
    throw explainDuplicateName(error, files);
  }
  root.resolveAll();
  rootCache.set(key, root);
  return root;
}

// protobufjs' "duplicate name 'StreamRequest' in Namespace .my_lib", when several files were
// loaded together, usually means files that each declare that name (the tutorial's my_lib files):
// say how to load them instead.
function explainDuplicateName(error: unknown, files: readonly string[]): unknown {
  if (files.length < 2 || !(error instanceof Error) || !error.message.startsWith("duplicate name")) return error;
  return new Error(
    `${error.message}: ${files.join(", ")} (or their imports) declare the same name, so they cannot share one protobufjs Root; ` +
      "load each with its own loadService() call (a server hosts services from any number of Roots, and reflection describes them all)",
    { cause: error },
  );
}

function resolveImport(origin: string, target: string, includeDirs: readonly string[]): string {
  if (path.isAbsolute(target)) return target;
  const candidates = [origin === "" ? target : path.resolve(path.dirname(origin), target)];
  for (const dir of includeDirs) candidates.push(path.resolve(dir, target));
  return candidates.find((candidate) => existsSync(candidate)) ?? (candidates[0] as string);
}

/**
 * Loads the service `serviceName` ("pkg.Service") from .proto files, as a definition with one
 * method per RPC and protobufjs serializers; throws TypeError if the files define no such service.
 */
export function loadService<D extends ServiceDefinition = ServiceDefinition>(
  protoPaths: string | readonly string[],
  serviceName: string,
  options: LoadProtoOptions = {},
): D {
  return serviceFromRoot<D>(loadProto(protoPaths, options), serviceName);
}

/** Builds the definition of `serviceName` from an already loaded Root; throws TypeError if it is absent. */
export function serviceFromRoot<D extends ServiceDefinition = ServiceDefinition>(root: Root, serviceName: string): D {
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
  };
  return definition;
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
