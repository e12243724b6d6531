import protobuf from "protobufjs";
import type { Namespace, Root } from "protobufjs";
import type { ProtoFile } from "./proto-files.js";
import { declaredFields, indexSymbols, resolveTypeReference, type SymbolTable } from "./proto-symbols.js";

/**
 * Describes a Root that was not loaded from .proto files (built from JSON or in code) as one
 * file per package, "pkg/name.proto" for package "pkg.name", importing the files its references
 * lead to; names are kept as the Root has them. Throws nothing.
 */
export function synthesizeProtoFiles(root: Root): ProtoFile[] {
  const drafts = packagesWithDeclarations(root).map(
    ([packageName, declarations]): ProtoFile => ({
      name: `${packageName === "" ? "default" : packageName.replace(/\./g, "/")}.proto`,
      packageName,
      syntax: usesProto2Features(declarations) ? "proto2" : "proto3",
      edition: undefined,
      dependencies: [],
      weakDependencyIndexes: [],
      declarations,
      options: declarations.options,
      isBundledWellKnownType: false,
    }),
  );
  const symbols = indexSymbols(drafts);
  return drafts.map((file) => ({ ...file, dependencies: referencedFiles(file, symbols) }));
}

// Each namespace holding messages, enums, services or extensions is a package of its own.
function packagesWithDeclarations(namespace: Namespace, packageName = ""): Array<[string, Namespace]> {
  const found: Array<[string, Namespace]> = [];
  const isDeclaration = (nested: protobuf.ReflectionObject): boolean =>
    nested instanceof protobuf.Type || nested instanceof protobuf.Enum || nested instanceof protobuf.Service || nested instanceof protobuf.Field;
  if (namespace.nestedArray.some(isDeclaration)) found.push([packageName, namespace]);
  for (const nested of namespace.nestedArray) {
    if (nested instanceof protobuf.Namespace && !(nested instanceof protobuf.Type) && !(nested instanceof protobuf.Service)) {
      found.push(...packagesWithDeclarations(nested, packageName === "" ? nested.name : `${packageName}.${nested.name}`));
    }
  }
  return found;
}

function usesProto2Features(namespace: Namespace): boolean {
  return namespace.nestedArray.some((nested) => {
    if (!(nested instanceof protobuf.Type)) return false;
    const isProto2 =
      (nested.extensions ?? []).length > 0 ||
      declaredFields(nested).some((field) => field.required || field.options?.["default"] !== undefined);
    return isProto2 || usesProto2Features(nested);
  });
}

// The other files whose messages and enums `file` refers to, by name, sorted.
function referencedFiles(file: ProtoFile, symbols: SymbolTable): string[] {
  const names = new Set<string>();
  const note = (reference: string | undefined, scope: string): void => {
    if (reference === undefined) return;
    const fullName = resolveTypeReference(symbols, reference, scope);
    const owner = fullName === undefined ? undefined : symbols.get(fullName)?.file.name;
    if (owner !== undefined && owner !== file.name) names.add(owner);
  };
  const visit = (namespace: Namespace, scope: string): void => {
    for (const nested of namespace.nestedArray) {
      const fullName = scope === "" ? nested.name : `${scope}.${nested.name}`;
      if (nested instanceof protobuf.Type) {
        for (const field of declaredFields(nested)) note(field.type, fullName);
        visit(nested, fullName);
      } else if (nested instanceof protobuf.Service) {
        for (const method of nested.methodsArray) {
          note(method.requestType, fullName);
          note(method.responseType, fullName);
        }
      } else if (nested instanceof protobuf.Field) {
        note(nested.type, scope);
        note(nested.extend, scope);
      }
    }
  };
  visit(file.declarations, file.packageName);
  return [...names].sort();
}
