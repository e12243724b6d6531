// grpcurl's -d: the request messages, from the flag's text or, with "@", from stdin as it
// arrives (so a bidi call can be driven by hand). JSON input is a stream of concatenated values
// (Go's json.Decoder); text input is messages separated by the record separator 0x1E.
import type { Type } from "protobufjs";
import { JsonStreamSplitter, parseJson, type JsonValue } from "../codec/json-values.js";
import { fromProtoText } from "../codec/proto-text-read.js";
import type { MessageObject } from "../codec/message-fields.js";
import { fromProtoJson } from "../index.js";
import type { DescriptorSource } from "./descriptor-source.js";

const RECORD_SEPARATOR = "\x1e";

/** Where the request text comes from and how it is read. */
export interface RequestInput {
  /** -d: the text, or "@" for stdin; undefined for none. */
  readonly data: string | undefined;
  readonly format: "json" | "text";
  readonly allowUnknownFields: boolean;
  readonly stdin: () => AsyncIterable<string>;
}

/**
 * The request messages of `type`, parsed one at a time as their text completes; counts them in
 * `counter.count`. Throws Error with the parser's reason for a message that does not parse.
 */
export async function* readRequests(type: Type, input: RequestInput, source: DescriptorSource, counter: { count: number }): AsyncGenerator<MessageObject> {
  const chunks = input.data === "@" ? input.stdin() : [input.data ?? ""];
  if (input.format === "text") {
    // grpcurl's text parser reads everything up to each separator; empty input is one empty message.
    let pending = "";
    for await (const chunk of chunks) {
      const parts = (pending + chunk).split(RECORD_SEPARATOR);
      pending = parts.pop() ?? "";
      for (const part of parts) yield countedText(type, part, counter);
    }
    yield countedText(type, pending, counter);
    return;
  }
  const splitter = new JsonStreamSplitter();
  for await (const chunk of chunks) {
    for (const text of splitter.push(chunk)) yield await countedJson(type, text, input, source, counter);
  }
  for (const text of splitter.end()) yield await countedJson(type, text, input, source, counter);
}

function countedText(type: Type, text: string, counter: { count: number }): MessageObject {
  counter.count++;
  return fromProtoText(type, text);
}

async function countedJson(type: Type, text: string, input: RequestInput, source: DescriptorSource, counter: { count: number }): Promise<MessageObject> {
  counter.count++;
  const value = parseJson(text);
  await source.loadTypes(anyTypeUrls(value)); // an Any's "@type" must be known before it can be read
  return fromProtoJson(type, value, { allowUnknownFields: input.allowUnknownFields, resolveAny: (url) => source.resolveAny(url) });
}

/** Every "@type" string of a JSON value, at any depth. */
function anyTypeUrls(value: JsonValue, found = new Set<string>()): Set<string> {
  if (value instanceof Map) {
    const typeUrl = value.get("@type");
    if (typeof typeUrl === "string") found.add(typeUrl);
    for (const member of value.values()) anyTypeUrls(member, found);
  } else if (Array.isArray(value)) {
    for (const element of value) anyTypeUrls(element, found);
  }
  return found;
}
