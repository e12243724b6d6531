import protobuf from "protobufjs";
import type { Root } from "protobufjs";
import type { ServiceDefinition } from "../definition.js";
import { encodeFileDescriptor } from "./file-descriptors.js";
import { readProtoFiles, type ProtoFile } from "./proto-files.js";
import { indexSymbols, resolveTypeReference, type SymbolTable } from "./proto-symbols.js";

/** Where reflection finds the services to describe: a Server, or anything listing definitions. */
export interface ServiceSource {
  readonly services: readonly ServiceDefinition[];
}

/**
 * A file, the symbols of the Root it came from (to resolve its references), the registered files
 * its imports name in that same Root, and its bytes once built.
 */
export interface RegisteredFile {
  readonly file: ProtoFile;
  readonly symbols: SymbolTable;
  readonly dependencies: readonly RegisteredFile[];
  encoded?: Uint8Array;
}

/**
 * The descriptors of every file behind the services of a ServiceSource, indexed by file name,
 * symbol and extension, like grpc-go's protoregistry; services added later are picked up on the
 * next lookup. Services may come from several protobufjs Roots, whose files need not fit in one
 * pool: a symbol declared in several Roots (the tutorial's three `my_lib.StreamRequest`s) belongs
 * to the first file registered, and each file's imports resolve within its own Root. A file name
 * stands for one content: a Root whose file has a registered name but different content cannot be
 * described (file names are unique in protoc and in protobuf-go's registry, which panics on a clash),
 * and neither can the files importing it; lookups of their symbols explain why.
 */
export class DescriptorRegistry {
  readonly #source: ServiceSource;
  readonly #indexedRoots = new WeakSet<Root>();
  readonly #files = new Map<string, RegisteredFile>();
  readonly #fileBySymbol = new Map<string, RegisteredFile>();
  // A symbol whose only declarations are in files that clash with registered ones → why.
  readonly #clashes = new Map<string, string>();
  // extendee full name → extension number → declaring file
  readonly #extensions = new Map<string, Map<number, RegisteredFile>>();
  #indexedServiceCount = 0;

  constructor(source: ServiceSource) {
    this.#source = source;
  }

  /** The fully qualified names of the registered services, sorted (as grpc-go lists them). */
  serviceNames(): string[] {
    return this.#source.services.map((service) => service.typeName).sort();
  }

  /** The file named `name` ("pkg/file.proto"), or undefined. */
  fileByName(name: string): RegisteredFile | undefined {
    this.#indexNewServices();
    return this.#files.get(name);
  }

  /** The file declaring a message, enum, enum value, service, method, field, oneof or extension, or undefined. */
  fileContainingSymbol(fullName: string): RegisteredFile | undefined {
    this.#indexNewServices();
    return this.#fileBySymbol.get(fullName.replace(/^\./, ""));
  }

  /** Why `fullName` has no file although a service's Root declares it (its file clashes with a registered one), or undefined. */
  explainMissingSymbol(fullName: string): string | undefined {
    this.#indexNewServices();
    return this.#clashes.get(fullName.replace(/^\./, ""));
  }

  /** The file declaring extension `number` of `extendee`, or undefined. */
  fileContainingExtension(extendee: string, number: number): RegisteredFile | undefined {
    this.#indexNewServices();
    return this.#extensions.get(extendee.replace(/^\./, ""))?.get(number);
  }

  /** The extension numbers of `typeName`, ascending; undefined if no file declares that name. */
  extensionNumbersOf(typeName: string): number[] | undefined {
    this.#indexNewServices();
    const name = typeName.replace(/^\./, "");
    const numbers = [...(this.#extensions.get(name)?.keys() ?? [])].sort((a, b) => a - b);
    return numbers.length > 0 || this.fileContainingSymbol(name) !== undefined ? numbers : undefined;
  }

  /**
   * The serialized FileDescriptorProtos of `start` and its transitive dependencies, leaving out
   * dependencies already in `sent` and adding the rest to it; `start` itself is always included
   * (grpc-go's FileDescWithDependencies). Imports of files that could not be read are skipped.
   */
  encodeWithDependencies(start: RegisteredFile, sent: Set<string>): Uint8Array[] {
    const encoded: Uint8Array[] = [];
    const visited = new Set<string>();
    const queue = [start];
    for (let current = queue.shift(); current !== undefined; current = queue.shift()) {
      const name = current.file.name;
      if (visited.has(name)) continue;
      visited.add(name);
      if (current === start || !sent.has(name)) {
        sent.add(name);
        current.encoded ??= encodeFileDescriptor(current.file, current.symbols);
        encoded.push(current.encoded);
      }
      queue.push(...current.dependencies);
    }
    return encoded;
  }

  #indexNewServices(): void {
    const services = this.#source.services;
    for (; this.#indexedServiceCount < services.length; this.#indexedServiceCount++) {
      const root = services[this.#indexedServiceCount]?.root;
      if (root === undefined || this.#indexedRoots.has(root)) continue;
      this.#indexedRoots.add(root);
      this.#indexRoot(root);
    }
  }

  #indexRoot(root: Root): void {
    const files = readProtoFiles(root);
    const symbols = indexSymbols(files);
    const fileByName = new Map(files.map((file) => [file.name, file]));
    // name → the registered file this Root's file of that name is, or why it cannot be one.
    const outcomes = new Map<string, RegisteredFile | string>();
    const register = (file: ProtoFile): RegisteredFile | string => {
      const known = outcomes.get(file.name);
      if (known !== undefined) return known;
      outcomes.set(file.name, `imports itself`); // protoc rejects import cycles; so does this
      const dependencies: RegisteredFile[] = [];
      for (const name of file.dependencies) {
        const dependency = fileByName.get(name);
        if (dependency === undefined) continue;
        const outcome = register(dependency);
        if (typeof outcome === "string") return settle(file.name, `imports "${name}", which ${outcome}`);
        dependencies.push(outcome);
      }
      const candidate: RegisteredFile = { file, symbols, dependencies };
      const registered = this.#files.get(file.name);
      if (registered === undefined) {
        this.#files.set(file.name, candidate);
        return settle(file.name, candidate);
      }
      if (isSameFile(registered, candidate)) return settle(file.name, registered);
      return settle(file.name, `differs from the file of that name registered first (file names must be unique, as in protoc)`);
    };
    const settle = (name: string, outcome: RegisteredFile | string): RegisteredFile | string => {
      outcomes.set(name, outcome);
      return outcome;
    };
    for (const file of files) register(file);

    for (const [fullName, symbol] of symbols) {
      if (this.#fileBySymbol.has(fullName)) continue;
      const outcome = outcomes.get(symbol.file.name);
      if (outcome === undefined) continue;
      if (typeof outcome === "string") {
        if (!this.#clashes.has(fullName)) this.#clashes.set(fullName, `its file "${symbol.file.name}" ${outcome}`);
        continue;
      }
      this.#fileBySymbol.set(fullName, outcome);
      this.#clashes.delete(fullName);
      if (symbol.kind === "extension" && symbol.object instanceof protobuf.Field && symbol.object.extend !== undefined) {
        const scope = fullName.slice(0, Math.max(0, fullName.lastIndexOf(".")));
        const extendee = resolveTypeReference(symbols, symbol.object.extend, scope);
        if (extendee === undefined) continue;
        const numbers = this.#extensions.get(extendee) ?? new Map<number, RegisteredFile>();
        this.#extensions.set(extendee, numbers);
        if (!numbers.has(symbol.object.id)) numbers.set(symbol.object.id, outcome);
      }
    }
  }
}

// Two files of one name are the same file when they describe the same declarations and import the
// same registered files; a descriptor that cannot be built matches nothing.
function isSameFile(registered: RegisteredFile, candidate: RegisteredFile): boolean {
  if (registered.dependencies.length !== candidate.dependencies.length) return false;
  if (registered.dependencies.some((dependency, index) => dependency !== candidate.dependencies[index])) return false;
  try {
    registered.encoded ??= encodeFileDescriptor(registered.file, registered.symbols);
    candidate.encoded = encodeFileDescriptor(candidate.file, candidate.symbols);
  } catch {
    return false;
  }
  return Buffer.compare(registered.encoded, candidate.encoded) === 0;
}
