import protobuf from "protobufjs";
import type { Enum, Field, Method, OneOf, Root, Service, Type } from "protobufjs";
import { readProtoFiles, type ProtoFile } from "./proto-files.js";
import { DESCRIPTOR_ROOT } from "../codec/descriptor-types.js";
import { jsonNameOf, mapEntryName } from "../codec/proto-names.js";
import { declaredFields, indexSymbols, resolveTypeReference, type SymbolTable } from "./proto-symbols.js";

const FILE_DESCRIPTOR_PROTO = DESCRIPTOR_ROOT.lookupType("google.protobuf.FileDescriptorProto");

/** A google.protobuf.*DescriptorProto as a plain object with camelCase keys (protobufjs fromObject form). */
export type DescriptorObject = { readonly [key: string]: unknown };

// FieldDescriptorProto.Type by .proto scalar type name.
const SCALAR_TYPES: Readonly<Record<string, string>> = {
  double: "TYPE_DOUBLE",
  float: "TYPE_FLOAT",
  int64: "TYPE_INT64",
  uint64: "TYPE_UINT64",
  int32: "TYPE_INT32",
  fixed64: "TYPE_FIXED64",
  fixed32: "TYPE_FIXED32",
  bool: "TYPE_BOOL",
  string: "TYPE_STRING",
  bytes: "TYPE_BYTES",
  uint32: "TYPE_UINT32",
  sfixed32: "TYPE_SFIXED32",
  sfixed64: "TYPE_SFIXED64",
  sint32: "TYPE_SINT32",
  sint64: "TYPE_SINT64",
};

// Options protobufjs keeps beside the real ones; each has its own FieldDescriptorProto field.
const FIELD_PSEUDO_OPTIONS = ["default", "json_name", "proto3_optional"];

/** Serializes the FileDescriptorProto of `file`; throws Error if protobufjs rejects the descriptor (a bug). */
export function encodeFileDescriptor(file: ProtoFile, symbols: SymbolTable): Uint8Array {
  const descriptor = describeFile(file, symbols);
  return FILE_DESCRIPTOR_PROTO.encode(FILE_DESCRIPTOR_PROTO.fromObject(descriptor)).finish();
}

/**
 * The serialized FileDescriptorProtos of every file `root` was loaded from (as reflection serves
 * them), in load order; throws Error if protobufjs rejects a descriptor (a bug).
 */
export function encodeRootFiles(root: Root): Uint8Array[] {
  const files = readProtoFiles(root);
  const symbols = indexSymbols(files);
  return files.map((file) => encodeFileDescriptor(file, symbols));
}

/**
 * Builds the FileDescriptorProto of `file` as protoc would: fully qualified type names, json_name
 * on every field, map fields as nested `…Entry` messages with map_entry, synthetic oneofs for
 * proto3 optional after the real ones, inclusive protobufjs ranges made end-exclusive; throws nothing.
 */
export function describeFile(file: ProtoFile, symbols: SymbolTable): DescriptorObject {
  const describer = new FileDescriber(file, symbols);
  const scope = file.packageName;
  const nested = file.declarations.nestedArray;
  return {
    name: file.name,
    package: scope === "" ? undefined : scope,
    dependency: file.dependencies,
    weakDependency: file.weakDependencyIndexes,
    messageType: nested.filter(isType).map((type) => describer.message(type, scope)),
    enumType: nested.filter(isEnum).map((enumeration) => describer.enumeration(enumeration)),
    service: nested.filter(isService).map((service) => describer.service(service, scope)),
    extension: nested.filter(isField).map((field) => describer.field(field, scope, [])),
    options: describeOptions(file.options, "FileOptions"),
    // protoc leaves syntax unset for proto2.
    syntax: file.syntax === "proto2" ? undefined : file.syntax,
    edition: file.edition === undefined ? undefined : `EDITION_${file.edition}`,
  };
}

class FileDescriber {
  constructor(
    private readonly file: ProtoFile,
    private readonly symbols: SymbolTable,
  ) {}

  message(type: Type, scope: string): DescriptorObject {
    const fullName = scope === "" ? type.name : `${scope}.${type.name}`;
    // protoc lists proto3 optional's synthetic oneofs after every real one.
    const oneofs = [...type.oneofsArray.filter((o) => !isSynthetic(o)), ...type.oneofsArray.filter(isSynthetic)];
    const fields = declaredFields(type);
    const nested = type.nestedArray;
    return {
      name: type.name,
      field: fields.map((field) => this.field(field, fullName, oneofs)),
      nestedType: [
        ...nested.filter(isType).map((child) => this.message(child, fullName)),
        ...fields.flatMap((field) => {
          const map = asMapField(field);
          return map === undefined ? [] : [this.mapEntry(map, fullName)];
        }),
      ],
      enumType: nested.filter(isEnum).map((enumeration) => this.enumeration(enumeration)),
      extension: nested.filter(isField).map((field) => this.field(field, fullName, [])),
      extensionRange: numberRanges(type.extensions).map(([start, end]) => ({ start, end: end + 1 })),
      oneofDecl: oneofs.map((oneof) => ({ name: oneof.name })),
      options: describeOptions(type.options, "MessageOptions"),
      reservedRange: numberRanges(type.reserved).map(([start, end]) => ({ start, end: end + 1 })),
      reservedName: (type.reserved ?? []).filter((entry): entry is string => typeof entry === "string"),
    };
  }

  field(field: Field, scope: string, oneofs: readonly OneOf[]): DescriptorObject {
    const name = this.fieldName(field);
    const options = field.options ?? {};
    const isMap = asMapField(field) !== undefined;
    return {
      name,
      number: field.id,
      label: field.repeated || isMap ? "LABEL_REPEATED" : isRequired(field) ? "LABEL_REQUIRED" : "LABEL_OPTIONAL",
      ...(isMap ? { type: "TYPE_MESSAGE", typeName: `.${scope}.${mapEntryName(name)}` } : this.typeOf(field.type, scope)),
      extendee: field.extend === undefined ? undefined : this.qualify(field.extend, scope),
      defaultValue: formatDefault(options["default"]),
      oneofIndex: field.partOf === null ? undefined : oneofs.indexOf(field.partOf),
      jsonName: typeof options["json_name"] === "string" ? options["json_name"] : jsonNameOf(name),
      options: describeOptions(options, "FieldOptions", FIELD_PSEUDO_OPTIONS),
      proto3Optional: options["proto3_optional"] === true ? true : undefined,
    };
  }

  enumeration(enumeration: Enum): DescriptorObject {
    return {
      name: enumeration.name,
      value: Object.entries(enumeration.values).map(([name, number]) => ({
        name,
        number,
        options: describeOptions(enumeration.valuesOptions?.[name], "EnumValueOptions"),
      })),
      options: describeOptions(enumeration.options, "EnumOptions"),
      // EnumReservedRange is the one inclusive range in descriptor.proto.
      reservedRange: numberRanges(enumeration.reserved).map(([start, end]) => ({ start, end })),
      reservedName: (enumeration.reserved ?? []).filter((entry): entry is string => typeof entry === "string"),
    };
  }

  service(service: Service, scope: string): DescriptorObject {
    const fullName = scope === "" ? service.name : `${scope}.${service.name}`;
    return {
      name: service.name,
      method: service.methodsArray.map((method: Method) => ({
        name: method.name,
        inputType: this.qualify(method.requestType, fullName),
        outputType: this.qualify(method.responseType, fullName),
        options: describeOptions(method.options, "MethodOptions"),
        clientStreaming: method.requestStream === true ? true : undefined,
        serverStreaming: method.responseStream === true ? true : undefined,
      })),
      options: describeOptions(service.options, "ServiceOptions"),
    };
  }

  private mapEntry(field: protobuf.MapField, scope: string): DescriptorObject {
    const entry = (number: number, name: string, type: string): DescriptorObject => ({
      name,
      number,
      label: "LABEL_OPTIONAL",
      ...this.typeOf(type, scope),
      jsonName: name,
    });
    return {
      name: mapEntryName(this.fieldName(field)),
      field: [entry(1, "key", field.keyType), entry(2, "value", field.type)],
      options: { mapEntry: true },
    };
  }

  private typeOf(typeName: string, scope: string): DescriptorObject {
    const scalar = SCALAR_TYPES[typeName];
    if (scalar !== undefined) return { type: scalar };
    const fullName = resolveTypeReference(this.symbols, typeName, scope);
    // Unresolved (a file that could not be re-read): protoc's unlinked form, a bare name and no type.
    if (fullName === undefined) return { typeName };
    const symbol = this.symbols.get(fullName);
    // proto2 groups: protobufjs marks the group's message type.
    const isGroup = symbol?.object instanceof protobuf.Type && (symbol.object as { group?: boolean }).group === true;
    const type = symbol?.kind === "enum" ? "TYPE_ENUM" : isGroup ? "TYPE_GROUP" : "TYPE_MESSAGE";
    return { type, typeName: `.${fullName}` };
  }

  private qualify(reference: string, scope: string): string {
    const fullName = resolveTypeReference(this.symbols, reference, scope);
    return fullName === undefined ? reference : `.${fullName}`;
  }

  // protobufjs' bundled well-known types spell a few fields in camelCase ("nullValue"); the
  // canonical .proto files use snake_case throughout.
  private fieldName(field: Field | protobuf.MapField): string {
    if (!this.file.isBundledWellKnownType) return field.name;
    return field.name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
  }
}

/**
 * Maps protobufjs' flat options ({ deprecated: true, go_package: "…" }) onto a google.protobuf
 * *Options message; custom "(pkg.option)" options are left out, as encoding them needs their
 * extension's own descriptor.
 */
function describeOptions(
  options: { readonly [key: string]: unknown } | undefined,
  optionsType: string,
  pseudoOptions: readonly string[] = [],
): DescriptorObject | undefined {
  if (options === undefined) return undefined;
  const fields = DESCRIPTOR_ROOT.lookupType(`google.protobuf.${optionsType}`).fields;
  const described: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    const fieldName = jsonNameOf(key);
    if (pseudoOptions.includes(key) || fields[fieldName] === undefined) continue;
    described[fieldName] = value;
  }
  return Object.keys(described).length === 0 ? undefined : described;
}

// FieldDescriptorProto.default_value is text, with protoc's spellings of the float specials.
function formatDefault(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "nan";
    if (value === Infinity) return "inf";
    if (value === -Infinity) return "-inf";
  }
  return String(value);
}

// protobufjs keeps reserved and extension ranges inclusive, as written: [20, 25] for "20 to 25".
function numberRanges(reserved: ReadonlyArray<number[] | string> | undefined): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (const entry of reserved ?? []) {
    if (typeof entry !== "string" && entry[0] !== undefined) ranges.push([entry[0], entry[1] ?? entry[0]]);
  }
  return ranges;
}

function isSynthetic(oneof: OneOf): boolean {
  return oneof.fieldsArray.length === 1 && oneof.fieldsArray[0]?.options?.["proto3_optional"] === true;
}

function isType(object: protobuf.ReflectionObject): object is Type {
  return object instanceof protobuf.Type;
}

function isEnum(object: protobuf.ReflectionObject): object is Enum {
  return object instanceof protobuf.Enum;
}

function isService(object: protobuf.ReflectionObject): object is Service {
  return object instanceof protobuf.Service;
}

// Extensions declared in a scope: protobufjs keeps them among the scope's nested objects.
function isField(object: protobuf.ReflectionObject): object is Field {
  return object instanceof protobuf.Field;
}

// Field#required needs a resolved Root (it reads editions features); the parsed rule does not.
function isRequired(field: Field): boolean {
  return (field as { rule?: string }).rule === "required";
}

// protobufjs' typings derive MapField from FieldBase; at run time it is a Field.
function asMapField(field: Field): protobuf.MapField | undefined {
  const candidate: unknown = field;
  return candidate instanceof protobuf.MapField ? candidate : undefined;
}
