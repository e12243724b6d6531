// How call prints messages and errors: grpcurl's JSON formatter (jsonpb, then json.Indent) or
// text formatter (record separators between messages unless -v), and PrintStatus for an error.
import protobuf from "protobufjs";
import type { INamespace, Type } from "protobufjs";
import { indentGoJson } from "../codec/go-json.js";
import { isFieldSet, messageTypeOf, ownFields, wellKnownName, type MessageObject } from "../codec/message-fields.js";
import { toProtoText } from "../codec/proto-text-write.js";
import { toProtoJson, type GrpcError } from "../index.js";
import type { DescriptorSource } from "./descriptor-source.js";
import { goCodeName } from "./go-status.js";

/** Formats messages of a call in one of grpcurl's two formats. */
export class MessagePrinter {
  #formatted = 0;

  constructor(
    private readonly textFormat: "json" | "text",
    private readonly emitDefaults: boolean,
    private readonly separateRecords: boolean,
    private readonly source: DescriptorSource,
  ) {}

  /** The text of one message; loads the types its Any fields name first. Throws Error when JSON cannot hold a value. */
  async format(type: Type, message: MessageObject): Promise<string> {
    await this.#loadAnyTypes(type, message);
    if (this.textFormat === "text") {
      // format.go textFormatter: every message after the first starts with the record separator.
      const separator = this.separateRecords && this.#formatted++ > 0 ? "\x1e" : "";
      return separator + toProtoText(type, message);
    }
    return indentGoJson(toProtoJson(type, message, { emitDefaults: this.emitDefaults, resolveAny: (url) => this.source.resolveAny(url) }));
  }

  /** format.go PrintStatus: "ERROR:", the code and message, then each detail formatted like a reply. */
  async status(error: GrpcError, message: string): Promise<string> {
    let text = `ERROR:\n  Code: ${goCodeName(error.code)}\n  Message: ${message}\n`;
    const details = error.statusDetails;
    if (details.length === 0) return text;
    text += "  Details:\n";
    const anyType = (this.source.root().lookup(".google.protobuf.Any") as Type | null) ?? BUNDLED_ANY;
    for (const [index, detail] of details.entries()) {
      const prefix = `  ${index + 1})`;
      let formatted: string;
      try {
        formatted = await this.format(anyType, { [fieldName(anyType, 1)]: detail.typeUrl, [fieldName(anyType, 2)]: detail.value });
      } catch (cause) {
        text += `${prefix}\tError parsing detail message: ${(cause as Error).message}\n`;
        continue;
      }
      const [first = "", ...rest] = formatted.split("\n");
      text += `${prefix}\t${first}\n${rest.map((line) => `${" ".repeat(prefix.length)}\t${line}\n`).join("")}`;
    }
    return text;
  }

  async #loadAnyTypes(type: Type, message: MessageObject): Promise<void> {
    // An Any inside an Any only shows up once the outer one can be decoded: a few rounds at most.
    for (let round = 0; round < 4; round++) {
      const missing = [...anyTypeUrls(type, message, this.source)].filter((url) => this.source.resolveAny(url) === undefined);
      if (missing.length === 0) return;
      await this.source.loadTypes(missing);
    }
  }
}

// For status details when the server's descriptors do not include any.proto.
const BUNDLED_ANY = protobuf.Root.fromJSON(protobuf.common.get("google/protobuf/any.proto") as INamespace).lookupType("google.protobuf.Any");

function fieldName(type: Type, id: number): string {
  return type.fieldsById[id]?.name ?? "";
}

/** The type URL of every Any in a decoded message, decoding the ones whose type is already known to look inside. */
function anyTypeUrls(type: Type, message: MessageObject, source: DescriptorSource, found = new Set<string>()): Set<string> {
  if (wellKnownName(type) === "Any") {
    const url = String(message[fieldName(type, 1)] ?? "");
    if (url === "") return found;
    found.add(url);
    const inner = source.resolveAny(url);
    const bytes = message[fieldName(type, 2)];
    if (inner !== undefined && bytes instanceof Uint8Array) {
      try {
        anyTypeUrls(inner, inner.decode(bytes) as unknown as MessageObject, source, found);
      } catch {
        // bytes that do not decode: the formatter reports them
      }
    }
    return found;
  }
  for (const field of ownFields(type)) {
    const fieldType = messageTypeOf(field);
    if (fieldType === undefined || !isFieldSet(message, field)) continue;
    const value = message[field.name];
    const values = field.map ? Object.values(value as object) : field.repeated ? (value as unknown[]) : [value];
    for (const element of values) if (element !== null && typeof element === "object") anyTypeUrls(fieldType, element as MessageObject, source, found);
  }
  return found;
}
