// Where call, list and describe get descriptors (grpcurl's DescriptorSource): server reflection,
// or .proto files (-proto, -import-path), or descriptor sets (-protoset). Either way the files
// end up in one DescriptorIndex (for list and describe) and one protobufjs Root (for messages).
import { readFileSync } from "node:fs";
import type { Root, Type } from "protobufjs";
import { DescriptorIndex, type DescriptorElement } from "../codec/descriptor-index.js";
import { DESCRIPTOR_ROOT, decodeFileDescriptorProto, type FileDescriptorProto } from "../codec/descriptor-types.js";
import { encodeRootFiles } from "../services/file-descriptors.js";
import { createReflectionClient, GrpcError, loadProto, rootFromFileDescriptors, Status, type Channel, type Metadata } from "../index.js";
import { CommandFailure } from "./connection.js";
import { goErrorText } from "./go-status.js";

/** The descriptors a command works from. */
export interface DescriptorSource {
  /** The services, in the order the source lists them; throws CommandFailure naming why not. */
  listServices(): Promise<string[]>;
  /** The element named `fullName`; throws CommandFailure("Symbol not found: …") or the reflection error. */
  findSymbol(fullName: string): Promise<DescriptorElement>;
  /** A protobufjs Root over every file loaded so far. */
  root(): Root;
  /** The message type an Any's type URL names, among the files loaded so far. */
  resolveAny(typeUrl: string): Type | undefined;
  /** Loads the types these Any type URLs name, where the source has them; unknown ones are skipped. */
  loadTypes(typeUrls: Iterable<string>): Promise<void>;
  close(): void;
}

/** Why a symbol lookup failed when the source simply does not have it (grpcurl: "Symbol not found: x"). */
export class SymbolNotFound extends CommandFailure {
  override readonly name = "SymbolNotFound";
}

/** The message grpcurl prints when reflection is not served (desc_source.go ErrReflectionNotSupported). */
export const REFLECTION_NOT_SUPPORTED = "server does not support the reflection API";

/** Descriptors from files loaded up front; throws CommandFailure as grpcurl words a file it cannot read. */
export function fileSource(protoFiles: readonly string[], importPaths: readonly string[], protosets: readonly string[]): DescriptorSource {
  let files: FileDescriptorProto[];
  if (protosets.length > 0) {
    try {
      files = protosets.flatMap((file) => decodeDescriptorSet(readFileSync(file)));
    } catch (error) {
      throw new CommandFailure(`Failed to process proto descriptor sets.: ${(error as Error).message}`);
    }
  } else {
    try {
      files = encodeRootFiles(loadProto(protoFiles, { includeDirs: importPaths })).map(decodeFileDescriptorProto);
    } catch (error) {
      throw new CommandFailure(`Failed to process proto source files.: could not parse given files: ${(error as Error).message}`);
    }
  }
  return new IndexedSource(files, undefined);
}

/** Descriptors asked from the server as they are needed, over one reflection stream. */
export function reflectionSource(channel: Channel, metadata: Metadata, signal: AbortSignal | undefined): DescriptorSource {
  const client = createReflectionClient(channel, { metadata, ...(signal !== undefined ? { signal } : {}) });
  return new IndexedSource([], client);
}

type Reflection = ReturnType<typeof createReflectionClient>;

class IndexedSource implements DescriptorSource {
  readonly #index: DescriptorIndex;
  readonly #reflection: Reflection | undefined;
  #root: Root | undefined;

  constructor(files: readonly FileDescriptorProto[], reflection: Reflection | undefined) {
    this.#index = new DescriptorIndex(files);
    this.#reflection = reflection;
  }

  async listServices(): Promise<string[]> {
    if (this.#reflection === undefined) return [...new Set(this.#index.serviceNames())];
    try {
      return await this.#reflection.listServices();
    } catch (error) {
      throw reflectionFailure(error);
    }
  }

  async findSymbol(fullName: string): Promise<DescriptorElement> {
    const name = fullName.replace(/^\./, "");
    const known = this.#index.find(name);
    if (known !== undefined || this.#reflection === undefined) return known ?? notFound(name);
    let files: FileDescriptorProto[];
    try {
      files = await this.#reflection.fileContainingSymbol(name);
    } catch (error) {
      if (error instanceof GrpcError && error.code === Status.NOT_FOUND) return notFound(name);
      throw reflectionFailure(error);
    }
    for (const file of files) this.#index.add(file);
    this.#root = undefined;
    return this.#index.find(name) ?? notFound(name);
  }

  root(): Root {
    try {
      this.#root ??= rootFromFileDescriptors(this.#index.files);
    } catch (error) {
      throw new CommandFailure(`cannot build message types from the descriptors: ${(error as Error).message}`);
    }
    return this.#root;
  }

  resolveAny(typeUrl: string): Type | undefined {
    const name = typeUrl.slice(typeUrl.lastIndexOf("/") + 1);
    if (this.#index.find(name)?.kind !== "message") return undefined;
    const found = this.root().lookup(name);
    return found !== null && "fieldsArray" in found ? (found as Type) : undefined;
  }

  async loadTypes(typeUrls: Iterable<string>): Promise<void> {
    for (const url of typeUrls) {
      const name = url.slice(url.lastIndexOf("/") + 1);
      if (this.#index.find(name) !== undefined) continue;
      await this.findSymbol(name).catch(() => undefined); // an Any the source cannot name prints with its raw bytes
    }
  }

  close(): void {
    this.#reflection?.close();
  }
}

function notFound(name: string): never {
  throw new SymbolNotFound(`Symbol not found: ${name}`);
}

// grpcurl (desc_source.go reflectionSupport): UNIMPLEMENTED means the server has no reflection at all.
function reflectionFailure(error: unknown): CommandFailure {
  if (error instanceof GrpcError && error.code === Status.UNIMPLEMENTED) return new CommandFailure(REFLECTION_NOT_SUPPORTED);
  return error instanceof CommandFailure ? error : new CommandFailure(goErrorText(error));
}

const FILE_DESCRIPTOR_SET = DESCRIPTOR_ROOT.lookupType("google.protobuf.FileDescriptorSet");

// A protoset (protoc --descriptor_set_out) is a FileDescriptorSet: field 1, repeated FileDescriptorProto.
function decodeDescriptorSet(bytes: Uint8Array): FileDescriptorProto[] {
  const set = FILE_DESCRIPTOR_SET.toObject(FILE_DESCRIPTOR_SET.decode(bytes), { enums: String, longs: String, arrays: true });
  return (set as { file: FileDescriptorProto[] }).file;
}
