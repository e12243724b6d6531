// FileDescriptorProtos (from server reflection or a descriptor set) → one protobufjs Root.
//
// protobufjs ships a converter (protobufjs/ext/descriptor, Root.fromDescriptor), but it loses
// what a client needs to read and write messages as grpc-go does: map fields stay repeated
// `…Entry` messages (so their JSON is a list, not an object), proto3 `optional` is dropped (it
// reads `proto3_optional`, the descriptor object has `proto3Optional`), groups lose their
// delimited encoding, and float and bytes defaults are misparsed. So the descriptors are turned
// into protobufjs' JSON form here instead, where each of those has its own spelling.
import protobuf from "protobufjs";
import type { INamespace, Root } from "protobufjs";
import type { DescriptorProto, EnumDescriptorProto, FieldDescriptorProto, FieldType, FileDescriptorProto, ServiceDescriptorProto } from "./descriptor-types.js";
import { syntaxOf } from "./descriptor-types.js";
import { jsonNameOf } from "./proto-names.js";

// FieldDescriptorProto.Type → protobufjs scalar type name (messages, enums and groups use typeName).
const SCALAR_TYPES: Partial<Record<FieldType, string>> = {
  TYPE_DOUBLE: "double",
  TYPE_FLOAT: "float",
  TYPE_INT64: "int64",
  TYPE_UINT64: "uint64",
  TYPE_INT32: "int32",
  TYPE_FIXED64: "fixed64",
  TYPE_FIXED32: "fixed32",
  TYPE_BOOL: "bool",
  TYPE_STRING: "string",
  TYPE_BYTES: "bytes",
  TYPE_UINT32: "uint32",
  TYPE_SFIXED32: "sfixed32",
  TYPE_SFIXED64: "sfixed64",
  TYPE_SINT32: "sint32",
  TYPE_SINT64: "sint64",
};

type JsonObject = Record<string, unknown>;

/**
 * Builds one resolved protobufjs Root from FileDescriptorProtos: every file's packages, messages
 * (maps as map fields, oneofs, proto3 optional, proto2 groups, json_name), enums, services and
 * extensions. A file that appears twice is read once. Throws Error naming the type when a
 * reference cannot be resolved (a dependency missing from `files`).
 */
export function rootFromFileDescriptors(files: readonly FileDescriptorProto[]): Root {
  const json: { nested: Record<string, JsonObject> } = { nested: {} };
  const seen = new Set<string>();
  for (const file of files) {
    const name = file.name ?? "";
    if (seen.has(name)) continue;
    seen.add(name);
    addFile(json, file);
  }
  const root = protobuf.Root.fromJSON(json as INamespace);
  root.resolveAll();
  return root;
}

function addFile(json: { nested: Record<string, JsonObject> }, file: FileDescriptorProto): void {
  let scope = json as JsonObject;
  for (const part of (file.package ?? "").split(".").filter(Boolean)) {
    const nested = (scope["nested"] ??= {}) as Record<string, JsonObject>;
    scope = nested[part] ??= {};
  }
  const nested = (scope["nested"] ??= {}) as Record<string, JsonObject>;
  const edition = syntaxOf(file);
  // protobufjs takes an unmarked object as proto3 (its default, for backward compatibility).
  const marked = edition === "proto3" ? {} : { edition };
  for (const message of file.messageType) nested[message.name ?? ""] = { ...messageJson(message), ...marked };
  for (const enumeration of file.enumType) nested[enumeration.name ?? ""] = { ...enumJson(enumeration), ...marked };
  for (const service of file.service) nested[service.name ?? ""] = serviceJson(service);
  for (const extension of file.extension) nested[extension.name ?? ""] = { ...fieldJson(extension), ...marked };
}

function messageJson(message: DescriptorProto): JsonObject {
  const entries = new Map(message.nestedType.filter((nested) => nested.options?.["mapEntry"] === true).map((entry) => [entry.name ?? "", entry]));
  const groups = new Set(message.field.filter((field) => field.type === "TYPE_GROUP").map((field) => lastPart(field.typeName ?? "")));
  const fields: Record<string, JsonObject> = {};
  for (const field of message.field) {
    const entry = field.label === "LABEL_REPEATED" && field.type === "TYPE_MESSAGE" ? entries.get(lastPart(field.typeName ?? "")) : undefined;
    fields[field.name ?? ""] = entry === undefined ? fieldJson(field) : mapFieldJson(field, entry);
  }
  const oneofs: Record<string, { oneof: string[] }> = {};
  message.oneofDecl.forEach((oneof, index) => {
    oneofs[oneof.name ?? `oneof${index}`] = { oneof: message.field.filter((field) => field.oneofIndex === index).map((field) => field.name ?? "") };
  });
  const nested: Record<string, unknown> = {};
  for (const type of message.nestedType) {
    if (entries.has(type.name ?? "")) continue;
    nested[type.name ?? ""] = { ...messageJson(type), ...(groups.has(type.name ?? "") ? { group: true } : {}) };
  }
  for (const enumeration of message.enumType) nested[enumeration.name ?? ""] = enumJson(enumeration);
  for (const extension of message.extension) nested[extension.name ?? ""] = fieldJson(extension);
  const reserved = [
    ...message.reservedRange.map((range) => [range.start ?? 0, (range.end ?? 1) - 1]),
    ...message.reservedName,
  ];
  return {
    fields,
    ...(Object.keys(oneofs).length > 0 ? { oneofs } : {}),
    ...(Object.keys(nested).length > 0 ? { nested } : {}),
    ...(message.extensionRange.length > 0 ? { extensions: message.extensionRange.map((range) => [range.start ?? 0, (range.end ?? 1) - 1]) } : {}),
    ...(reserved.length > 0 ? { reserved } : {}),
  };
}

function fieldJson(field: FieldDescriptorProto): JsonObject {
  const options: JsonObject = {};
  const name = field.name ?? "";
  // json_name is kept on every field, so a reader never has to recompute it.
  options["json_name"] = field.jsonName !== undefined && field.jsonName !== "" ? field.jsonName : jsonNameOf(name);
  if (field.proto3Optional === true) options["proto3_optional"] = true;
  if (field.options?.["deprecated"] === true) options["deprecated"] = true;
  const packed = field.options?.["packed"];
  if (typeof packed === "boolean") options["packed"] = packed;
  const type = field.typeName !== undefined && field.typeName !== "" ? field.typeName : (SCALAR_TYPES[field.type ?? "TYPE_STRING"] ?? "string");
  const defaultValue = field.defaultValue === undefined ? undefined : parseDefault(field.defaultValue, field.type);
  if (defaultValue !== undefined) options["default"] = defaultValue;
  return {
    type,
    id: field.number ?? 0,
    ...(field.label === "LABEL_REPEATED" ? { rule: "repeated" } : field.label === "LABEL_REQUIRED" ? { rule: "required" } : {}),
    ...(field.extendee !== undefined && field.extendee !== "" ? { extend: field.extendee } : {}),
    options,
  };
}

function mapFieldJson(field: FieldDescriptorProto, entry: DescriptorProto): JsonObject {
  const [key, value] = [entry.field.find((f) => f.number === 1), entry.field.find((f) => f.number === 2)];
  const valueType = value?.typeName !== undefined && value.typeName !== "" ? value.typeName : SCALAR_TYPES[value?.type ?? "TYPE_STRING"];
  return {
    keyType: SCALAR_TYPES[key?.type ?? "TYPE_STRING"] ?? "string",
    type: valueType ?? "string",
    id: field.number ?? 0,
    options: { json_name: field.jsonName !== undefined && field.jsonName !== "" ? field.jsonName : jsonNameOf(field.name ?? "") },
  };
}

function enumJson(enumeration: EnumDescriptorProto): JsonObject {
  const values: Record<string, number> = {};
  for (const value of enumeration.value) values[value.name ?? ""] = value.number ?? 0;
  const allowAlias = enumeration.options?.["allowAlias"] === true;
  return { values, ...(allowAlias ? { options: { allow_alias: true } } : {}) };
}

function serviceJson(service: ServiceDescriptorProto): JsonObject {
  const methods: Record<string, JsonObject> = {};
  for (const method of service.method) {
    methods[method.name ?? ""] = {
      requestType: method.inputType ?? "",
      responseType: method.outputType ?? "",
      ...(method.clientStreaming === true ? { requestStream: true } : {}),
      ...(method.serverStreaming === true ? { responseStream: true } : {}),
    };
  }
  return { methods };
}

/** A proto2 default as protobufjs keeps it: numbers, booleans, enum value names and strings. */
function parseDefault(text: string, type: FieldType | undefined): unknown {
  switch (type) {
    case "TYPE_BOOL":
      return text === "true";
    case "TYPE_STRING":
    case "TYPE_ENUM":
      return text;
    case "TYPE_BYTES":
      return undefined; // C-escaped bytes; protobufjs would read the text as base64 or UTF-8, so leave the empty default
    case "TYPE_DOUBLE":
    case "TYPE_FLOAT":
      return text === "inf" ? Infinity : text === "-inf" ? -Infinity : text === "nan" ? NaN : Number(text);
    default:
      return Number(text);
  }
}

function lastPart(typeName: string): string {
  return typeName.slice(typeName.lastIndexOf(".") + 1);
}
