// A descriptor element as .proto source, the way grpcurl's `describe` prints it: protoreflect's
// protoprint Printer with Compact, SortElements and ForceFullyQualifiedNames (grpcurl.go
// GetDescriptorText). So: no blank lines, type references as ".pkg.Type", options first, fields
// and oneofs by number, then nested messages and enums by name, extension ranges, extensions
// grouped by extendee, reserved ranges and names; methods by name; enum values by number (zero
// first in an open enum). Comments are not printed: reflection descriptors carry none.
import type { DescriptorElement } from "./descriptor-index.js";
import type { DescriptorOptions, DescriptorProto, EnumDescriptorProto, FieldDescriptorProto, FieldType, FileDescriptorProto, MethodDescriptorProto, NumberRange, ServiceDescriptorProto } from "./descriptor-types.js";
import { fieldOptions, optionList, quotedString, rangeList, shortOptions } from "./proto-source-values.js";

/** What `describe` prints for an element: its name, what it is ("a message"), and its source. */
export interface ElementDescription {
  readonly fullName: string;
  /** grpcurl's words: "a service", "a method", "a message", "the entry type for a map field", … */
  readonly what: string;
  readonly text: string;
}

const INDENT = "  ";
// protoprint: field numbers past this print as "max" (internal.MaxNormalTag; enums use MaxInt32).
const MAX_FIELD_NUMBER = 536_870_911;
const MAX_MESSAGE_SET_NUMBER = 2_147_483_646;
const MAX_ENUM_NUMBER = 2_147_483_647;

/** Describes an element as grpcurl's describe verb does; throws nothing. */
export function describeElement(element: DescriptorElement): ElementDescription {
  const printer = new SourcePrinter(element.file);
  const fullName = element.fullName;
  switch (element.kind) {
    case "service":
      printer.service(element.service, 0);
      return { fullName, what: "a service", text: printer.text };
    case "method":
      printer.method(element.method, 0);
      return { fullName, what: "a method", text: printer.text };
    case "enum":
      printer.enumeration(element.enumeration, 0);
      return { fullName, what: "an enum", text: printer.text };
    case "enum_value":
      printer.enumValue(element.enumeration, element.index, 0);
      return { fullName, what: "an enum value", text: printer.text };
    case "oneof":
      printer.oneof(element.message, element.index, 0);
      return { fullName, what: "a one-of", text: printer.text };
    case "extension":
      printer.extensionBlock(element.field.extendee ?? "", [element.field], undefined, 0);
      return { fullName, what: "an extension", text: printer.text };
    case "field":
      printer.field(element.field, element.message, 0);
      return { fullName, what: element.field.type === "TYPE_GROUP" ? "a group field" : "a field", text: printer.text };
    case "message": {
      // grpcurl describes a map entry or a group's type through the field that uses it.
      const user = element.parent?.field.find((field) => field.typeName === `.${fullName}` && (isMapField(field, element.parent) || field.type === "TYPE_GROUP"));
      if (element.parent !== undefined && user !== undefined) {
        printer.field(user, element.parent, 0);
        return { fullName, what: user.type === "TYPE_GROUP" ? "the type of a group field" : "the entry type for a map field", text: printer.text };
      }
      printer.message(element.message, 0);
      return { fullName, what: "a message", text: printer.text };
    }
  }
}

class SourcePrinter {
  readonly #lines: string[] = [];
  readonly #isProto2: boolean;

  constructor(file: FileDescriptorProto) {
    this.#isProto2 = file.syntax === undefined || file.syntax === "" || file.syntax === "proto2";
  }

  get text(): string {
    return this.#lines.join("\n");
  }

  #line(depth: number, text: string): void {
    this.#lines.push(INDENT.repeat(depth) + text);
  }

  #longOptions(options: DescriptorOptions | undefined, depth: number): void {
    for (const [name, value] of optionList(options)) this.#line(depth, `option ${name} = ${value};`);
  }

  service(service: ServiceDescriptorProto, depth: number): void {
    this.#line(depth, `service ${service.name ?? ""} {`);
    this.#longOptions(service.options, depth + 1);
    for (const method of [...service.method].sort(byName)) this.method(method, depth + 1);
    this.#line(depth, "}");
  }

  method(method: MethodDescriptorProto, depth: number): void {
    const input = `${method.clientStreaming === true ? "stream " : ""}${qualified(method.inputType)}`;
    const output = `${method.serverStreaming === true ? "stream " : ""}${qualified(method.outputType)}`;
    const signature = `rpc ${method.name ?? ""} ( ${input} ) returns ( ${output} )`;
    if (optionList(method.options).length === 0) {
      this.#line(depth, `${signature};`);
      return;
    }
    this.#line(depth, `${signature} {`);
    this.#longOptions(method.options, depth + 1);
    this.#line(depth, "}");
  }

  message(message: DescriptorProto, depth: number): void {
    this.#line(depth, `message ${message.name ?? ""} {`);
    this.#messageBody(message, depth + 1);
    this.#line(depth, "}");
  }

  #messageBody(message: DescriptorProto, depth: number): void {
    this.#longOptions(message.options, depth);
    const printedOneofs = new Set<number>();
    for (const field of [...message.field].sort((a, b) => (a.number ?? 0) - (b.number ?? 0))) {
      const oneofIndex = field.oneofIndex;
      if (oneofIndex === undefined || field.proto3Optional === true) {
        this.field(field, message, depth);
      } else if (!printedOneofs.has(oneofIndex)) {
        printedOneofs.add(oneofIndex);
        this.oneof(message, oneofIndex, depth);
      }
    }
    // Map entries and group types are printed through their fields.
    const hidden = new Set(message.field.filter((field) => isMapField(field, message) || field.type === "TYPE_GROUP").map((field) => lastPart(field.typeName)));
    for (const nested of [...message.nestedType].sort(byName)) if (!hidden.has(nested.name ?? "")) this.message(nested, depth);
    for (const enumeration of [...message.enumType].sort(byName)) this.enumeration(enumeration, depth);
    const maxNumber = message.options?.["messageSetWireFormat"] === true ? MAX_MESSAGE_SET_NUMBER : MAX_FIELD_NUMBER;
    const extensionRanges = [...message.extensionRange].sort((a, b) => (a.start ?? 0) - (b.start ?? 0));
    if (extensionRanges.length > 0) this.#line(depth, `extensions ${rangeList(extensionRanges, maxNumber, true)};`);
    this.#extensions(message.extension, message, depth);
    const reserved = [...message.reservedRange].sort((a, b) => (a.start ?? 0) - (b.start ?? 0));
    if (reserved.length > 0) this.#line(depth, `reserved ${rangeList(reserved, maxNumber, true)};`);
    if (message.reservedName.length > 0) this.#line(depth, `reserved ${[...message.reservedName].sort().map(quotedString).join(", ")};`);
  }

  oneof(message: DescriptorProto, index: number, depth: number): void {
    this.#line(depth, `oneof ${message.oneofDecl[index]?.name ?? ""} {`);
    const members = message.field.filter((field) => field.oneofIndex === index).sort((a, b) => (a.number ?? 0) - (b.number ?? 0));
    for (const member of members) this.field(member, message, depth + 1);
    this.#line(depth, "}");
  }

  field(field: FieldDescriptorProto, message: DescriptorProto | undefined, depth: number): void {
    const isMap = message !== undefined && isMapField(field, message);
    const showsLabel = field.proto3Optional === true || (!isMap && field.oneofIndex === undefined && (field.label !== "LABEL_OPTIONAL" || this.#isProto2));
    const label = showsLabel ? `${LABELS[field.label ?? "LABEL_OPTIONAL"]} ` : "";
    const options = fieldOptions(field, this.#isProto2 || field.proto3Optional === true);
    if (field.type === "TYPE_GROUP") {
      const group = message?.nestedType.find((nested) => nested.name === lastPart(field.typeName));
      this.#line(depth, `${label}group ${lastPart(field.typeName)} = ${field.number ?? 0}${shortOptions(options, depth)} {`);
      if (group !== undefined) this.#messageBody(group, depth + 1);
      this.#line(depth, "}");
      return;
    }
    const type = isMap ? mapType(field, message as DescriptorProto) : typeText(field);
    this.#line(depth, `${label}${type} ${field.name ?? ""} = ${field.number ?? 0}${shortOptions(options, depth)};`);
  }

  #extensions(extensions: readonly FieldDescriptorProto[], message: DescriptorProto | undefined, depth: number): void {
    const byExtendee = new Map<string, FieldDescriptorProto[]>();
    for (const extension of extensions) {
      const extendee = extension.extendee ?? "";
      byExtendee.set(extendee, [...(byExtendee.get(extendee) ?? []), extension]);
    }
    for (const extendee of [...byExtendee.keys()].sort()) this.extensionBlock(extendee, byExtendee.get(extendee) ?? [], message, depth);
  }

  extensionBlock(extendee: string, fields: readonly FieldDescriptorProto[], message: DescriptorProto | undefined, depth: number): void {
    this.#line(depth, `extend ${qualified(extendee)} {`);
    for (const field of [...fields].sort((a, b) => (a.number ?? 0) - (b.number ?? 0))) this.field(field, message, depth + 1);
    this.#line(depth, "}");
  }

  enumeration(enumeration: EnumDescriptorProto, depth: number): void {
    this.#line(depth, `enum ${enumeration.name ?? ""} {`);
    this.#longOptions(enumeration.options, depth + 1);
    const isOpen = !this.#isProto2;
    const order = enumeration.value.map((_, index) => index).sort((a, b) => {
      const [x, y] = [enumeration.value[a], enumeration.value[b]];
      const [m, n] = [x?.number ?? 0, y?.number ?? 0];
      if (m === n) return (x?.name ?? "") < (y?.name ?? "") ? -1 : 1;
      if (isOpen && (m === 0 || n === 0)) return m === 0 ? -1 : 1;
      return m - n;
    });
    for (const index of order) this.enumValue(enumeration, index, depth + 1);
    const reserved = [...enumeration.reservedRange].sort((a, b) => (a.start ?? 0) - (b.start ?? 0));
    if (reserved.length > 0) this.#line(depth + 1, `reserved ${rangeList(reserved, MAX_ENUM_NUMBER, false)};`);
    if (enumeration.reservedName.length > 0) this.#line(depth + 1, `reserved ${[...enumeration.reservedName].sort().map(quotedString).join(", ")};`);
    this.#line(depth, "}");
  }

  enumValue(enumeration: EnumDescriptorProto, index: number, depth: number): void {
    const value = enumeration.value[index];
    this.#line(depth, `${value?.name ?? ""} = ${value?.number ?? 0}${shortOptions(optionList(value?.options), depth)};`);
  }
}

const LABELS: Readonly<Record<string, string>> = { LABEL_OPTIONAL: "optional", LABEL_REQUIRED: "required", LABEL_REPEATED: "repeated" };

const SCALAR_NAMES: Partial<Record<FieldType, string>> = {
  TYPE_DOUBLE: "double", TYPE_FLOAT: "float", TYPE_INT64: "int64", TYPE_UINT64: "uint64", TYPE_INT32: "int32",
  TYPE_FIXED64: "fixed64", TYPE_FIXED32: "fixed32", TYPE_BOOL: "bool", TYPE_STRING: "string", TYPE_BYTES: "bytes",
  TYPE_UINT32: "uint32", TYPE_SFIXED32: "sfixed32", TYPE_SFIXED64: "sfixed64", TYPE_SINT32: "sint32", TYPE_SINT64: "sint64",
};

function typeText(field: FieldDescriptorProto): string {
  // protoprint: an unlinked field has a type name but no type; it prints the name as given.
  if (field.type === undefined) return field.typeName ?? "";
  return SCALAR_NAMES[field.type] ?? qualified(field.typeName);
}

function isMapField(field: FieldDescriptorProto, message: DescriptorProto | undefined): boolean {
  if (field.label !== "LABEL_REPEATED" || field.type !== "TYPE_MESSAGE" || message === undefined) return false;
  return message.nestedType.some((nested) => nested.name === lastPart(field.typeName) && nested.options?.["mapEntry"] === true);
}

function mapType(field: FieldDescriptorProto, message: DescriptorProto): string {
  const entry = message.nestedType.find((nested) => nested.name === lastPart(field.typeName));
  const [key, value] = [entry?.field.find((f) => f.number === 1), entry?.field.find((f) => f.number === 2)];
  return `map<${key === undefined ? "" : typeText(key)}, ${value === undefined ? "" : typeText(value)}>`;
}

function qualified(typeName: string | undefined): string {
  const name = typeName ?? "";
  return name.startsWith(".") ? name : `.${name}`;
}

function lastPart(typeName: string | undefined): string {
  const name = typeName ?? "";
  return name.slice(name.lastIndexOf(".") + 1);
}

function byName(a: { readonly name?: string }, b: { readonly name?: string }): number {
  const [x, y] = [a.name ?? "", b.name ?? ""];
  return x < y ? -1 : x > y ? 1 : 0;
}
