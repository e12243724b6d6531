// Test helpers: decode FileDescriptorProtos with protobufjs and compare what they rebuild with the
// protobufjs definitions they were built from.
import { createRequire } from "node:module";
import protobuf from "protobufjs";
import type { INamespace, Root } from "protobufjs";
import { expect } from "vitest";

const require = createRequire(import.meta.url);
// ext/descriptor adds Root.fromDescriptor (protobufjs' own descriptor reader) to protobufjs.
require("protobufjs/ext/descriptor/index.js");
const DESCRIPTORS = protobuf.Root.fromJSON(require("protobufjs/google/protobuf/descriptor.json") as INamespace);
const FILE = DESCRIPTORS.lookupType("google.protobuf.FileDescriptorProto");
const SET = DESCRIPTORS.lookupType("google.protobuf.FileDescriptorSet");
const AS_JSON = { enums: String, longs: String } as const;

/** A FileDescriptorProto as a plain object (enum names, camelCase keys). */
export type FileJson = { name: string; dependency?: string[]; [key: string]: unknown };

/** Decodes one serialized FileDescriptorProto. */
export function decodeFile(bytes: Uint8Array): FileJson {
  return FILE.toObject(FILE.decode(bytes), AS_JSON) as FileJson;
}

/** Decodes a serialized FileDescriptorSet (protoc --descriptor_set_out). */
export function decodeSet(bytes: Uint8Array): FileJson[] {
  return (SET.toObject(SET.decode(bytes), AS_JSON) as { file: FileJson[] }).file;
}

/** Builds a protobufjs Root from serialized FileDescriptorProtos; resolveAll throws if a type a file references is missing. */
export function rebuildRoot(files: readonly Uint8Array[]): Root {
  const set = SET.create({ file: files.map((bytes) => FILE.decode(bytes)) });
  const fromDescriptor = (protobuf.Root as unknown as { fromDescriptor(set: unknown): Root }).fromDescriptor;
  const root = fromDescriptor(set);
  root.resolveAll();
  return root;
}

/** Every message type and service declared under a namespace, recursively. */
export function declarationsOf(namespace: protobuf.NamespaceBase): Array<protobuf.Type | protobuf.Service> {
  return namespace.nestedArray.flatMap((nested) => {
    const own = nested instanceof protobuf.Type || nested instanceof protobuf.Service ? [nested] : [];
    return nested instanceof protobuf.Namespace ? [...own, ...declarationsOf(nested)] : own;
  });
}

/**
 * Asserts that `rebuilt` declares the service or message `original` with the same methods (types,
 * streaming) or fields (numbers, names, types, labels, maps), as reflection promises.
 */
export function expectSameDeclaration(original: protobuf.Type | protobuf.Service, rebuilt: Root): void {
  const name = original.fullName;
  if (original instanceof protobuf.Service) {
    const service = rebuilt.lookupService(name);
    for (const method of original.methodsArray) {
      const copy = service.methods[method.name];
      expect(copy, `${name}.${method.name}`).toBeDefined();
      copy?.resolve();
      expect(copy?.resolvedRequestType?.fullName).toBe(method.resolvedRequestType?.fullName);
      expect(copy?.resolvedResponseType?.fullName).toBe(method.resolvedResponseType?.fullName);
      expect(Boolean(copy?.requestStream)).toBe(Boolean(method.requestStream));
      expect(Boolean(copy?.responseStream)).toBe(Boolean(method.responseStream));
    }
    return;
  }
  const type = rebuilt.lookupType(name);
  for (const field of original.fieldsArray.filter((f) => f.declaringField === null)) {
    const copy = type.fieldsById[field.id];
    const where = `${name} field ${field.id}`;
    expect(copy, where).toBeDefined();
    if (copy === undefined) continue;
    expect(protobuf.util.camelCase(copy.name), where).toBe(protobuf.util.camelCase(field.name));
    const originalMap: unknown = field;
    if (originalMap instanceof protobuf.MapField) {
      // protobufjs reads a map back as a repeated …Entry message with map_entry set.
      const entry = copy.resolvedType as protobuf.Type;
      expect(entry.options?.["map_entry"], where).toBe(true);
      expect(entry.fieldsById[1]?.type, where).toBe(originalMap.keyType);
      expect(typeNameOf(entry.fieldsById[2]), where).toBe(typeNameOf(field));
      continue;
    }
    expect(typeNameOf(copy), where).toBe(typeNameOf(field));
    expect(copy.repeated, where).toBe(field.repeated);
    expect(copy.required, where).toBe(field.required);
  }
}

function typeNameOf(field: protobuf.Field | undefined): string | undefined {
  field?.resolve();
  return field?.resolvedType?.fullName ?? field?.type;
}
