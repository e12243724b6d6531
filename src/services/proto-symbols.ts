import protobuf from "protobufjs";
import type { Field, Namespace, ReflectionObject } from "protobufjs";
import { mapEntryName } from "../codec/proto-names.js";
import type { ProtoFile } from "./proto-files.js";

/** What a fully qualified name denotes: the declarations grpc-go's FindDescriptorByName finds. */
export type SymbolKind = "message" | "enum" | "enum_value" | "service" | "method" | "field" | "oneof" | "extension";

/** One declaration, by fully qualified name (no leading dot). */
export interface ProtoSymbol {
  readonly kind: SymbolKind;
  readonly file: ProtoFile;
  /** The protobufjs object; undefined for the map entry messages protoc synthesizes. */
  readonly object: ReflectionObject | undefined;
}

/** Every declaration of a set of files that reference each other, by fully qualified name. */
export type SymbolTable = ReadonlyMap<string, ProtoSymbol>;

/** Indexes the declarations of `files`; the first file declaring a name wins. Throws nothing. */
export function indexSymbols(files: readonly ProtoFile[]): SymbolTable {
  const symbols = new Map<string, ProtoSymbol>();
  for (const file of files) indexNamespace(symbols, file, file.declarations, file.packageName);
  return symbols;
}

function indexNamespace(symbols: Map<string, ProtoSymbol>, file: ProtoFile, namespace: Namespace, scope: string): void {
  const add = (name: string, kind: SymbolKind, object?: ReflectionObject): string => {
    const fullName = scope === "" ? name : `${scope}.${name}`;
    if (!symbols.has(fullName)) symbols.set(fullName, { kind, file, object });
    return fullName;
  };
  for (const nested of namespace.nestedArray) {
    if (nested instanceof protobuf.Type) {
      const typeName = add(nested.name, "message", nested);
      for (const field of declaredFields(nested)) {
        symbols.set(`${typeName}.${field.name}`, { kind: "field", file, object: field });
        if ((field as unknown) instanceof protobuf.MapField) {
          symbols.set(`${typeName}.${mapEntryName(field.name)}`, { kind: "message", file, object: undefined });
        }
      }
      for (const oneof of nested.oneofsArray) symbols.set(`${typeName}.${oneof.name}`, { kind: "oneof", file, object: oneof });
      indexNamespace(symbols, file, nested, typeName);
    } else if (nested instanceof protobuf.Enum) {
      add(nested.name, "enum", nested);
      // C++ scoping: enum values are siblings of their enum, not children.
      for (const value of Object.keys(nested.values)) add(value, "enum_value", nested);
    } else if (nested instanceof protobuf.Service) {
      const serviceName = add(nested.name, "service", nested);
      for (const method of nested.methodsArray) {
        symbols.set(`${serviceName}.${method.name}`, { kind: "method", file, object: method });
      }
    } else if (nested instanceof protobuf.Field) {
      add(nested.name, "extension", nested);
    }
    // A plain namespace below a file's package is another package: another file.
  }
}

/** A message's own fields, without the copies protobufjs adds for extensions declared elsewhere. */
export function declaredFields(type: protobuf.Type): Field[] {
  return type.fieldsArray.filter((field) => field.declaringField === null);
}

/**
 * Resolves a type reference as protoc does, from the innermost scope outwards ("Money" inside
 * "pkg.Item" tries "pkg.Item.Money", "pkg.Money", "Money"); a leading dot means fully qualified.
 * Returns the fully qualified name of a message or enum, or undefined.
 */
export function resolveTypeReference(symbols: SymbolTable, reference: string, scope: string): string | undefined {
  const isType = (name: string): boolean => {
    const kind = symbols.get(name)?.kind;
    return kind === "message" || kind === "enum";
  };
  if (reference.startsWith(".")) return isType(reference.slice(1)) ? reference.slice(1) : undefined;
  for (let current = scope; ; current = current.slice(0, Math.max(0, current.lastIndexOf(".")))) {
    const candidate = current === "" ? reference : `${current}.${reference}`;
    if (isType(candidate)) return candidate;
    if (current === "") return undefined;
  }
}
