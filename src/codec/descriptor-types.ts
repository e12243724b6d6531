// google.protobuf.FileDescriptorProto and the messages inside it, as plain objects: what server
// reflection sends (and protoc writes into a descriptor set), decoded with protobufjs' own copy
// of descriptor.proto. Keys are protobufjs' camelCase field names; enums are their names.
import { createRequire } from "node:module";
import protobuf from "protobufjs";
import type { INamespace } from "protobufjs";

/** The options message of a descriptor (FileOptions, FieldOptions, …): known fields by camelCase name. */
export type DescriptorOptions = { readonly [name: string]: unknown };

/** google.protobuf.FieldDescriptorProto.Type, by name. */
export type FieldType =
  | "TYPE_DOUBLE"
  | "TYPE_FLOAT"
  | "TYPE_INT64"
  | "TYPE_UINT64"
  | "TYPE_INT32"
  | "TYPE_FIXED64"
  | "TYPE_FIXED32"
  | "TYPE_BOOL"
  | "TYPE_STRING"
  | "TYPE_GROUP"
  | "TYPE_MESSAGE"
  | "TYPE_BYTES"
  | "TYPE_UINT32"
  | "TYPE_ENUM"
  | "TYPE_SFIXED32"
  | "TYPE_SFIXED64"
  | "TYPE_SINT32"
  | "TYPE_SINT64";

/** google.protobuf.FieldDescriptorProto. */
export interface FieldDescriptorProto {
  readonly name?: string;
  readonly number?: number;
  readonly label?: "LABEL_OPTIONAL" | "LABEL_REQUIRED" | "LABEL_REPEATED";
  /** Absent in unlinked descriptors, where only typeName is known. */
  readonly type?: FieldType;
  /** Fully qualified with a leading dot (".pkg.Message") in linked descriptors. */
  readonly typeName?: string;
  readonly extendee?: string;
  /** The proto2 default as text: "inf", an enum value name, C-escaped bytes. */
  readonly defaultValue?: string;
  readonly oneofIndex?: number;
  readonly jsonName?: string;
  readonly options?: DescriptorOptions;
  readonly proto3Optional?: boolean;
}

/** A [start, end) range of field numbers (extension and reserved ranges of a message). */
export interface NumberRange {
  readonly start?: number;
  readonly end?: number;
  readonly options?: DescriptorOptions;
}

/** google.protobuf.DescriptorProto: a message type. */
export interface DescriptorProto {
  readonly name?: string;
  readonly field: readonly FieldDescriptorProto[];
  readonly extension: readonly FieldDescriptorProto[];
  readonly nestedType: readonly DescriptorProto[];
  readonly enumType: readonly EnumDescriptorProto[];
  readonly extensionRange: readonly NumberRange[];
  readonly oneofDecl: ReadonlyArray<{ readonly name?: string; readonly options?: DescriptorOptions }>;
  readonly options?: DescriptorOptions;
  readonly reservedRange: readonly NumberRange[];
  readonly reservedName: readonly string[];
}

/** google.protobuf.EnumDescriptorProto; its reserved ranges are inclusive, unlike a message's. */
export interface EnumDescriptorProto {
  readonly name?: string;
  readonly value: ReadonlyArray<{ readonly name?: string; readonly number?: number; readonly options?: DescriptorOptions }>;
  readonly options?: DescriptorOptions;
  readonly reservedRange: readonly NumberRange[];
  readonly reservedName: readonly string[];
}

/** google.protobuf.MethodDescriptorProto. */
export interface MethodDescriptorProto {
  readonly name?: string;
  readonly inputType?: string;
  readonly outputType?: string;
  readonly options?: DescriptorOptions;
  readonly clientStreaming?: boolean;
  readonly serverStreaming?: boolean;
}

/** google.protobuf.ServiceDescriptorProto. */
export interface ServiceDescriptorProto {
  readonly name?: string;
  readonly method: readonly MethodDescriptorProto[];
  readonly options?: DescriptorOptions;
}

/** google.protobuf.FileDescriptorProto: one .proto file. */
export interface FileDescriptorProto {
  readonly name?: string;
  readonly package?: string;
  readonly dependency: readonly string[];
  readonly messageType: readonly DescriptorProto[];
  readonly enumType: readonly EnumDescriptorProto[];
  readonly service: readonly ServiceDescriptorProto[];
  readonly extension: readonly FieldDescriptorProto[];
  readonly options?: DescriptorOptions;
  /** "proto3", "editions", or absent for proto2 (protoc leaves it unset). */
  readonly syntax?: string;
  readonly edition?: string;
}

// protobufjs ships descriptor.proto as JSON, kept current with protoc's.
const require = createRequire(import.meta.url);
/** The google.protobuf descriptor messages, as a protobufjs Root. */
export const DESCRIPTOR_ROOT = protobuf.Root.fromJSON(require("protobufjs/google/protobuf/descriptor.json") as INamespace);
const FILE_DESCRIPTOR_PROTO = DESCRIPTOR_ROOT.lookupType("google.protobuf.FileDescriptorProto");

/** Decodes one serialized FileDescriptorProto; throws Error for bytes that are not one. */
export function decodeFileDescriptorProto(bytes: Uint8Array): FileDescriptorProto {
  const message = FILE_DESCRIPTOR_PROTO.decode(bytes);
  return FILE_DESCRIPTOR_PROTO.toObject(message, { enums: String, longs: String, arrays: true }) as FileDescriptorProto;
}

/** The syntax of a file as protobufjs names editions: "proto2", "proto3", or the edition ("2023"). */
export function syntaxOf(file: FileDescriptorProto): string {
  if (file.syntax === "proto3") return "proto3";
  if (file.syntax === "editions") return (file.edition ?? "EDITION_2023").replace(/^EDITION_/, "");
  return "proto2";
}
