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

/** A file, the symbols of the Root it came from (to resolve its references), and its bytes once built. */
export interface RegisteredFile {
  readonly file: ProtoFile;
  readonly symbols: SymbolTable;
  encoded?: Uint8Array;
}

/**
 * The descriptors of every file behind the services of a ServiceSource, indexed by file name,
 * symbol and extension, like grpc-go's protoregistry; services added later are picked up on the
 * next lookup. When two Roots hold a file of the same name, the first registered wins.
 */
export class DescriptorRegistry {
  readonly #source: ServiceSource;
  readonly #indexedRoots = new WeakSet<Root>();
  readonly #files = new Map<string, RegisteredFile>();
  readonly #fileBySymbol = new Map<string, RegisteredFile>();
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
   * (grpc-go's FileDescWithDependencies). Dependencies not registered are skipped.
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
      for (const dependency of current.file.dependencies) {
        const registered = this.#files.get(dependency);
        if (registered !== undefined) queue.push(registered);
      }
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
    const registeredByName = new Map<string, RegisteredFile>();
    for (const file of files) {
      if (this.#files.has(file.name)) continue;
      const registered: RegisteredFile = { file, symbols };
      this.#files.set(file.name, registered);
      registeredByName.set(file.name, registered);
    }
    for (const [fullName, symbol] of symbols) {
      const registered = registeredByName.get(symbol.file.name);
      if (registered === undefined || this.#fileBySymbol.has(fullName)) continue;
      this.#fileBySymbol.set(fullName, registered);
      if (symbol.kind === "extension" && symbol.object instanceof protobuf.Field && symbol.object.extend !== undefined) {
        const scope = fullName.slice(0, Math.max(0, fullName.lastIndexOf(".")));
        const extendee = resolveTypeReference(symbols, symbol.object.extend, scope);
        if (extendee === undefined) continue;
        const numbers = this.#extensions.get(extendee) ?? new Map<number, RegisteredFile>();
        this.#extensions.set(extendee, numbers);
        if (!numbers.has(symbol.object.id)) numbers.set(symbol.object.id, registered);
      }
    }
  }
}
