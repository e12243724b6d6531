// The interop cases on @grpc/grpc-js, the peer h2grpc's interop server is checked against:
// grpc-js's generic client API with h2grpc's serializers.
import * as grpc from "@grpc/grpc-js";
import type { ServiceDefinition } from "../../../src/index.js";
import type { SimpleResponse, StreamingInputCallResponse, StreamingOutputCallResponse } from "../interop-messages.js";
import { TestService, UnimplementedService } from "../interop-messages.js";
import * as spec from "../interop-spec.js";
import { check, type TestCase } from "../interop-spec.js";
import { receivedCompressedFlags, TAP_ID_HEADER } from "../wire-tap.js";

type Method = { path: string; requestSerializer: { serialize(v: unknown): Uint8Array }; responseSerializer: { deserialize(b: Uint8Array): unknown } };
const method = (name: string, service: ServiceDefinition = TestService): Method => service.methods[name] as Method;
const serialize = (m: Method) => (value: unknown) => Buffer.from(m.requestSerializer.serialize(value));
const deserialize = <T>(m: Method) => (bytes: Buffer) => m.responseSerializer.deserialize(bytes) as T;

let nextTapId = 0;
function tapped(metadata = new grpc.Metadata()): { metadata: grpc.Metadata; id: string } {
  const id = `grpc-js-client-${++nextTapId}`;
  metadata.set(TAP_ID_HEADER, id);
  return { metadata, id };
}

interface UnaryResult<T> { response: T; headers: grpc.Metadata; trailers: grpc.Metadata }

function unary<T>(client: grpc.Client, name: string, request: unknown, options: { metadata?: grpc.Metadata; service?: ServiceDefinition } = {}): Promise<UnaryResult<T>> {
  const m = method(name, options.service);
  return new Promise((resolve, reject) => {
    let headers = new grpc.Metadata();
    const call = client.makeUnaryRequest<unknown, T>(m.path, serialize(m), deserialize<T>(m), request,
      options.metadata ?? new grpc.Metadata(), { deadline: Date.now() + 15_000 }, (error, response) => {
        if (error !== null) return reject(error);
        call.once("status", (status: grpc.StatusObject) => resolve({ response: response as T, headers, trailers: status.metadata }));
      });
    call.once("metadata", (received: grpc.Metadata) => (headers = received));
  });
}

function expectStatus(error: unknown, code: grpc.status, details?: string): void {
  const status = error as Partial<grpc.ServiceError>;
  check(status.code === code, `want status ${grpc.status[code]}, got ${status.code === undefined ? String(error) : `${grpc.status[status.code]}: ${status.details}`}`);
  if (details !== undefined) check(status.details === details, `want details ${JSON.stringify(details)}, got ${JSON.stringify(status.details)}`);
}

async function expectFailure(call: Promise<unknown>, code: grpc.status, details?: string): Promise<void> {
  try {
    await call;
  } catch (error) {
    return expectStatus(error, code, details);
  }
  throw new Error(`want status ${grpc.status[code]}, but the call succeeded`);
}

function bidi(client: grpc.Client, name: string, options: { metadata?: grpc.Metadata; deadline?: number } = {}): grpc.ClientDuplexStream<unknown, StreamingOutputCallResponse> {
  const m = method(name);
  return client.makeBidiStreamRequest(m.path, serialize(m), deserialize<StreamingOutputCallResponse>(m),
    options.metadata ?? new grpc.Metadata(), { deadline: options.deadline ?? Date.now() + 15_000 });
}

// Reads the next response, or null at the end of the stream; rejects with the call's error.
function nextResponse<T>(stream: grpc.ClientReadableStream<T> | grpc.ClientDuplexStream<unknown, T>): Promise<T | null> {
  return new Promise((resolve, reject) => {
    const onData = (value: T) => { cleanup(); resolve(value); };
    const onEnd = () => { cleanup(); resolve(null); };
    const onError = (error: unknown) => { cleanup(); reject(error); };
    const cleanup = () => { stream.off("data", onData); stream.off("end", onEnd); stream.off("error", onError); stream.pause(); };
    stream.on("data", onData).once("end", onEnd).once("error", onError);
    stream.resume();
  });
}

function readAll<T>(stream: grpc.ClientReadableStream<T> | grpc.ClientDuplexStream<unknown, T>): Promise<T[]> {
  const responses: T[] = [];
  return new Promise((resolve, reject) => {
    stream.on("data", (response: T) => responses.push(response));
    stream.once("end", () => resolve(responses)).once("error", reject);
    stream.resume();
  });
}

function statusOf(stream: grpc.ClientReadableStream<unknown> | grpc.ClientDuplexStream<unknown, unknown>): Promise<grpc.StatusObject> {
  return new Promise((resolve) => stream.once("status", resolve));
}

function clientStream(client: grpc.Client): { call: grpc.ClientWritableStream<unknown>; response: Promise<StreamingInputCallResponse> } {
  const m = method("streamingInputCall");
  let call!: grpc.ClientWritableStream<unknown>;
  const response = new Promise<StreamingInputCallResponse>((resolve, reject) => {
    call = client.makeClientStreamRequest<unknown, StreamingInputCallResponse>(m.path, serialize(m),
      deserialize<StreamingInputCallResponse>(m), new grpc.Metadata(), { deadline: Date.now() + 15_000 },
      (error, value) => (error !== null ? reject(error) : resolve(value as StreamingInputCallResponse)));
  });
  return { call, response };
}

function bodyLength(response: { payload: { body: Uint8Array } | null } | null): number {
  return response?.payload?.body.length ?? -1;
}

function checkMetadata(headers: grpc.Metadata, trailers: grpc.Metadata): void {
  check(headers.get(spec.ECHO_INITIAL_KEY)[0] === spec.ECHO_INITIAL_VALUE, `initial metadata echo missing: ${JSON.stringify(headers.getMap())}`);
  const trailing = trailers.get(spec.ECHO_TRAILING_KEY)[0];
  check(Buffer.isBuffer(trailing) && trailing.equals(Buffer.from(spec.ECHO_TRAILING_VALUE)), "trailing metadata echo missing");
}

const largeRequest = { responseSize: spec.LARGE_RESPONSE_BYTES, payload: { body: spec.zeros(spec.LARGE_REQUEST_BYTES) } };

/**
 * The interop cases as grpc-js runs them against `address`; `close` closes its channels. Every
 * case is expressible with grpc-js: its write flags skip compression per message, and the wire
 * tap (installWireTap(), before any call) shows the compressed flag of responses.
 */
export function grpcJsInteropCases(
  address: string,
  credentials: grpc.ChannelCredentials,
  channelOptions: grpc.ChannelOptions,
): { cases: Record<TestCase, () => Promise<void>>; close(): void } {
  const plain = new grpc.Client(address, credentials, channelOptions);
  // grpc-js compresses per channel, not per call: compressed requests go through a second client.
  const gzipped = new grpc.Client(address, credentials, { ...channelOptions, "grpc.default_compression_algorithm": 2 });
  const cases: Record<TestCase, () => Promise<void>> = {
    async empty_unary() {
      const { response } = await unary<object>(plain, "emptyCall", {});
      check(response !== null && typeof response === "object", "no response");
    },
    async large_unary() {
      const { response } = await unary<SimpleResponse>(plain, "unaryCall", largeRequest);
      check(bodyLength(response) === spec.LARGE_RESPONSE_BYTES, `response body is ${bodyLength(response)} bytes`);
    },
    async client_streaming() {
      const { call, response } = clientStream(plain);
      for (const size of spec.STREAMING_REQUEST_SIZES) call.write({ payload: { body: spec.zeros(size) } });
      call.end();
      const { aggregatedPayloadSize } = await response;
      check(aggregatedPayloadSize === 74_922, `aggregated_payload_size is ${aggregatedPayloadSize}`);
    },
    async server_streaming() {
      const m = method("streamingOutputCall");
      const request = { responseParameters: spec.STREAMING_RESPONSE_SIZES.map((size) => ({ size })) };
      const stream = plain.makeServerStreamRequest(m.path, serialize(m), deserialize<StreamingOutputCallResponse>(m), request, new grpc.Metadata(), { deadline: Date.now() + 15_000 });
      const sizes = (await readAll(stream)).map(bodyLength);
      check(sizes.join() === spec.STREAMING_RESPONSE_SIZES.join(), `response sizes ${sizes.join()}`);
    },
    async ping_pong() {
      const stream = bidi(plain, "fullDuplexCall");
      stream.pause();
      for (const [index, size] of spec.STREAMING_REQUEST_SIZES.entries()) {
        const responseSize = spec.STREAMING_RESPONSE_SIZES[index] as number;
        stream.write({ responseParameters: [{ size: responseSize }], payload: { body: spec.zeros(size) } });
        const response = await nextResponse(stream);
        check(bodyLength(response) === responseSize, `response ${index} is ${bodyLength(response)} bytes`);
      }
      stream.end();
      check((await nextResponse(stream)) === null, "a response after the last one");
    },
    async empty_stream() {
      const stream = bidi(plain, "fullDuplexCall");
      stream.end();
      check((await readAll(stream)).length === 0, "responses on an empty stream");
    },
    async timeout_on_sleeping_server() {
      const stream = bidi(plain, "fullDuplexCall", { deadline: Date.now() + 1 });
      stream.write({ payload: { body: spec.zeros(27_182) } });
      await expectFailure(readAll(stream), grpc.status.DEADLINE_EXCEEDED);
    },
    async cancel_after_begin() {
      const { call, response } = clientStream(plain);
      call.cancel();
      await expectFailure(response, grpc.status.CANCELLED);
    },
    async cancel_after_first_response() {
      const stream = bidi(plain, "fullDuplexCall");
      stream.pause();
      stream.write({ responseParameters: [{ size: 31_415 }], payload: { body: spec.zeros(27_182) } });
      check(bodyLength(await nextResponse(stream)) === 31_415, "first response has the wrong size");
      const status = statusOf(stream);
      stream.on("error", () => {}); // the CANCELLED status is checked below
      stream.cancel();
      check((await status).code === grpc.status.CANCELLED, `status ${grpc.status[(await status).code]}`);
    },
    async custom_metadata() {
      const metadata = (): grpc.Metadata => {
        const m = new grpc.Metadata();
        m.set(spec.ECHO_INITIAL_KEY, spec.ECHO_INITIAL_VALUE);
        m.set(spec.ECHO_TRAILING_KEY, Buffer.from(spec.ECHO_TRAILING_VALUE));
        return m;
      };
      const { response, headers, trailers } = await unary<SimpleResponse>(plain, "unaryCall", largeRequest, { metadata: metadata() });
      check(bodyLength(response) === spec.LARGE_RESPONSE_BYTES, "unary response has the wrong size");
      checkMetadata(headers, trailers);

      const stream = bidi(plain, "fullDuplexCall", { metadata: metadata() });
      const streamHeaders = new Promise<grpc.Metadata>((resolve) => stream.once("metadata", resolve));
      const status = statusOf(stream);
      stream.write({ responseParameters: [{ size: spec.LARGE_RESPONSE_BYTES }], payload: { body: spec.zeros(spec.LARGE_REQUEST_BYTES) } });
      stream.end();
      const responses = await readAll(stream);
      check(responses.length === 1 && bodyLength(responses[0] ?? null) === spec.LARGE_RESPONSE_BYTES, "full duplex response has the wrong size");
      checkMetadata(await streamHeaders, (await status).metadata);
    },
    async status_code_and_message() {
      const responseStatus = { code: 2, message: spec.STATUS_MESSAGE };
      await expectFailure(unary(plain, "unaryCall", { responseStatus }), grpc.status.UNKNOWN, spec.STATUS_MESSAGE);
      const stream = bidi(plain, "fullDuplexCall");
      stream.write({ responseStatus });
      stream.end();
      await expectFailure(readAll(stream), grpc.status.UNKNOWN, spec.STATUS_MESSAGE);
    },
    async special_status_message() {
      const responseStatus = { code: 2, message: spec.SPECIAL_STATUS_MESSAGE };
      await expectFailure(unary(plain, "unaryCall", { responseStatus }), grpc.status.UNKNOWN, spec.SPECIAL_STATUS_MESSAGE);
    },
    async unimplemented_method() {
      await expectFailure(unary(plain, "unimplementedCall", {}), grpc.status.UNIMPLEMENTED);
    },
    async unimplemented_service() {
      await expectFailure(unary(plain, "unimplementedCall", {}, { service: UnimplementedService }), grpc.status.UNIMPLEMENTED);
    },
    async client_compressed_unary() {
      const request = (expect: boolean) => ({ ...largeRequest, expectCompressed: { value: expect } });
      await expectFailure(unary(plain, "unaryCall", request(true)), grpc.status.INVALID_ARGUMENT);
      for (const [client, expect] of [[gzipped, true], [plain, false]] as const) {
        const { response } = await unary<SimpleResponse>(client, "unaryCall", request(expect));
        check(bodyLength(response) === spec.LARGE_RESPONSE_BYTES, "response has the wrong size");
      }
    },
    async server_compressed_unary() {
      for (const compressed of [true, false]) {
        const { metadata, id } = tapped();
        const { response } = await unary<SimpleResponse>(plain, "unaryCall", { ...largeRequest, responseCompressed: { value: compressed } }, { metadata });
        check(bodyLength(response) === spec.LARGE_RESPONSE_BYTES, "response has the wrong size");
        const flags = receivedCompressedFlags(id);
        check(flags.length === 1 && flags[0] === compressed, `response_compressed ${compressed}: compressed flags on the wire ${JSON.stringify(flags)}`);
      }
    },
    async client_compressed_streaming() {
      const probe = clientStream(plain);
      probe.call.write({ expectCompressed: { value: true }, payload: { body: spec.zeros(27_182) } });
      probe.call.end();
      await expectFailure(probe.response, grpc.status.INVALID_ARGUMENT);

      const { call, response } = clientStream(gzipped);
      call.write({ expectCompressed: { value: true }, payload: { body: spec.zeros(27_182) } });
      // grpc-js takes per-message write flags in the encoding argument; 2 is WriteFlags.NoCompress.
      call.write({ expectCompressed: { value: false }, payload: { body: spec.zeros(45_904) } }, "2" as BufferEncoding);
      call.end();
      const { aggregatedPayloadSize } = await response;
      check(aggregatedPayloadSize === 73_086, `aggregated_payload_size is ${aggregatedPayloadSize}`);
    },
    async server_compressed_streaming() {
      const m = method("streamingOutputCall");
      const { metadata, id } = tapped();
      const request = { responseParameters: [{ compressed: { value: true }, size: 31_415 }, { compressed: { value: false }, size: 92_653 }] };
      const stream = plain.makeServerStreamRequest(m.path, serialize(m), deserialize<StreamingOutputCallResponse>(m), request, metadata, { deadline: Date.now() + 15_000 });
      const sizes = (await readAll(stream)).map(bodyLength);
      check(sizes.join() === "31415,92653", `response sizes ${sizes.join()}`);
      const flags = receivedCompressedFlags(id);
      check(flags.join() === "true,false", `compressed flags on the wire ${JSON.stringify(flags)}`);
    },
  };
  return {
    cases,
    close() {
      plain.close();
      gzipped.close();
    },
  };
}
