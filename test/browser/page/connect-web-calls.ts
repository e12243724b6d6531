// The browser side of the browser tests, bundled by esbuild into the test page: calls an h2grpc
// server with @connectrpc/connect-web, over its gRPC-Web transport or its Connect transport, as a
// web app would. Services are described by a FileDescriptorSet the test passes in (what
// protoc-gen-es would embed in generated code), so the page needs no generated files.
import { Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcWebTransport } from "@connectrpc/connect-web";
import { createFileRegistry, fromBinary, fromJson, toJson, type JsonValue } from "@bufbuild/protobuf";
import { base64Decode, base64Encode } from "@bufbuild/protobuf/wire";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";

/** One call the test asks the page to make. */
export interface PageCall {
  /** A FileDescriptorSet, base64. */
  readonly descriptorSet: string;
  readonly service: string;
  /** The method's local name: "unary", "serverStream". */
  readonly method: string;
  readonly protocol: "connect" | "grpc-web";
  /** Protobuf binary messages, or JSON (Connect's application/json, gRPC-Web's +json). */
  readonly binary: boolean;
  readonly baseUrl: string;
  readonly request: JsonValue;
  readonly timeoutMs?: number;
  readonly headers?: Readonly<Record<string, string>>;
}

/** What the page saw: the replies (as proto3 JSON), and the error the call ended with, if any. */
export interface PageOutcome {
  readonly replies: JsonValue[];
  readonly responseHeaders: Record<string, string>;
  readonly error?: { readonly code: string; readonly message: string; readonly details: readonly { type: string; value: string }[] };
}

interface PageGlobals {
  h2grpcCall?: (call: PageCall) => Promise<PageOutcome>;
  /** Replies of the streaming call in progress, as they arrive. */
  h2grpcReceived?: JsonValue[];
}

async function call(spec: PageCall): Promise<PageOutcome> {
  const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, base64Decode(spec.descriptorSet)));
  const service = registry.getService(spec.service);
  if (service === undefined) throw new Error(`no service ${spec.service} in the descriptor set`);
  const method = service.methods.find((candidate) => candidate.localName === spec.method);
  if (method === undefined) throw new Error(`no method ${spec.method} in ${spec.service}`);
  const options = { baseUrl: spec.baseUrl, useBinaryFormat: spec.binary };
  const transport: Transport = spec.protocol === "connect" ? createConnectTransport(options) : createGrpcWebTransport(options);
  const client = createClient(service, transport) as unknown as Record<string, (request: unknown, options: object) => unknown>;
  const received: JsonValue[] = ((globalThis as PageGlobals).h2grpcReceived = []);
  const responseHeaders: Record<string, string> = {};
  const callOptions = {
    timeoutMs: spec.timeoutMs,
    headers: spec.headers,
    onHeader: (headers: Headers) => headers.forEach((value, name) => (responseHeaders[name] = value)),
  };
  const request = fromJson(method.input, spec.request, { registry });
  const toPlain = (reply: unknown): JsonValue => toJson(method.output, reply as never, { registry });
  try {
    const invoke = client[spec.method] as (request: unknown, options: object) => unknown;
    if (method.methodKind === "unary") {
      received.push(toPlain(await invoke(request, callOptions)));
    } else {
      for await (const reply of invoke(request, callOptions) as AsyncIterable<unknown>) received.push(toPlain(reply));
    }
    return { replies: received, responseHeaders };
  } catch (caught) {
    const error = ConnectError.from(caught);
    const details = error.details.map((detail) => ("desc" in detail ? { type: detail.desc.typeName, value: "" } : { type: detail.type, value: base64Encode(detail.value) }));
    return { replies: received, responseHeaders, error: { code: Code[error.code] ?? String(error.code), message: error.rawMessage, details } };
  }
}

(globalThis as PageGlobals).h2grpcCall = call;
