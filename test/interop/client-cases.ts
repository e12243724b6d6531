// h2grpc's interop client cases: grpc/grpc doc/interop-test-descriptions.md, written against the
// public API only. client.ts runs them as a program; the vitest interop tests run them in-process.
import { createClient, GrpcError, Metadata, Status, type Channel } from "../../src/index.js";
import { TestService, UnimplementedService, type StreamingOutputCallResponse } from "./interop-messages.js";
import * as spec from "./interop-spec.js";
import { check, type TestCase } from "./interop-spec.js";
import { collect } from "../helpers/collect.js";
import { receivedCompressedFlags, TAP_ID_HEADER } from "./wire-tap.js";

async function expectFailure(call: Promise<unknown>, code: Status, details?: string): Promise<void> {
  try {
    await call;
  } catch (error) {
    check(error instanceof GrpcError, `want a GrpcError, got ${String(error)}`);
    check(error.code === code, `want status ${Status[code]}, got ${error.message}`);
    if (details !== undefined) check(error.details === details, `want details ${JSON.stringify(details)}, got ${JSON.stringify(error.details)}`);
    return;
  }
  throw new Error(`want status ${Status[code]}, but the call succeeded`);
}


function bodyLength(response: { payload: { body: Uint8Array } | null } | undefined): number {
  return response?.payload?.body.length ?? -1;
}

let nextTapId = 0;
function tappedMetadata(): { metadata: Metadata; id: string } {
  const id = `h2grpc-client-${++nextTapId}`;
  return { metadata: new Metadata().set(TAP_ID_HEADER, id), id };
}

function echoMetadata(): Metadata {
  return new Metadata().set(spec.ECHO_INITIAL_KEY, spec.ECHO_INITIAL_VALUE).set(spec.ECHO_TRAILING_KEY, spec.ECHO_TRAILING_VALUE);
}

function checkEcho(headers: Metadata | undefined, trailers: Metadata | undefined): void {
  check(headers?.get(spec.ECHO_INITIAL_KEY) === spec.ECHO_INITIAL_VALUE, "initial metadata echo missing");
  const trailing = trailers?.get(spec.ECHO_TRAILING_KEY);
  check(trailing !== undefined && Buffer.from(trailing).equals(Buffer.from(spec.ECHO_TRAILING_VALUE)), "trailing metadata echo missing");
}

const largeRequest = { responseSize: spec.LARGE_RESPONSE_BYTES, payload: { body: spec.zeros(spec.LARGE_REQUEST_BYTES) } };

/**
 * The interop cases as h2grpc's client runs them, over `channel`; each resolves when the case
 * passed and throws an Error naming what differed. The server_compressed_* cases need
 * installWireTap() (wire-tap.ts) before the channel connects.
 */
export function interopCases(channel: Channel): Record<TestCase, () => Promise<void>> {
  const test = createClient(TestService, { channel, defaultCallOptions: { timeoutMs: 15_000 } });
  const unimplemented = createClient(UnimplementedService, { channel, defaultCallOptions: { timeoutMs: 15_000 } });
  return {
    async empty_unary() {
      const response = await test.emptyCall({});
      check(typeof response === "object" && response !== null, "no response");
    },
    async large_unary() {
      const response = await test.unaryCall(largeRequest);
      check(bodyLength(response) === spec.LARGE_RESPONSE_BYTES, `response body is ${bodyLength(response)} bytes`);
    },
    async client_streaming() {
      const requests = spec.STREAMING_REQUEST_SIZES.map((size) => ({ payload: { body: spec.zeros(size) } }));
      const { aggregatedPayloadSize } = await test.streamingInputCall(requests);
      check(aggregatedPayloadSize === 74_922, `aggregated_payload_size is ${aggregatedPayloadSize}`);
    },
    async server_streaming() {
      const request = { responseParameters: spec.STREAMING_RESPONSE_SIZES.map((size) => ({ size })) };
      const sizes = (await collect(test.streamingOutputCall(request))).map(bodyLength);
      check(sizes.join() === spec.STREAMING_RESPONSE_SIZES.join(), `response sizes ${sizes.join()}`);
    },
    async ping_pong() {
      const call = test.fullDuplexCall();
      const responses = call[Symbol.asyncIterator]();
      for (const [index, size] of spec.STREAMING_REQUEST_SIZES.entries()) {
        const responseSize = spec.STREAMING_RESPONSE_SIZES[index] as number;
        await call.write({ responseParameters: [{ size: responseSize }], payload: { body: spec.zeros(size) } });
        const next = await responses.next();
        check(!next.done && bodyLength(next.value) === responseSize, `response ${index} is ${next.done ? "missing" : bodyLength(next.value)}`);
      }
      call.end();
      check((await responses.next()).done === true, "a response after the last one");
    },
    async empty_stream() {
      const call = test.fullDuplexCall();
      call.end();
      check((await collect(call)).length === 0, "responses on an empty stream");
    },
    async timeout_on_sleeping_server() {
      const call = test.fullDuplexCall({ timeoutMs: 1 });
      // The write may already fail with the call's DEADLINE_EXCEEDED; the iteration reports it either way.
      await call.write({ payload: { body: spec.zeros(27_182) } }).catch(() => {});
      await expectFailure(collect(call), Status.DEADLINE_EXCEEDED);
    },
    async cancel_after_begin() {
      const call = test.streamingInputCall();
      call.cancel();
      await expectFailure(call.response, Status.CANCELLED);
    },
    async cancel_after_first_response() {
      const call = test.fullDuplexCall();
      const responses = call[Symbol.asyncIterator]();
      await call.write({ responseParameters: [{ size: 31_415 }], payload: { body: spec.zeros(27_182) } });
      const first = await responses.next();
      check(!first.done && bodyLength(first.value) === 31_415, "first response has the wrong size");
      call.cancel();
      await expectFailure(responses.next(), Status.CANCELLED);
    },
    async custom_metadata() {
      let headers: Metadata | undefined;
      let trailers: Metadata | undefined;
      const response = await test.unaryCall(largeRequest, {
        metadata: echoMetadata(),
        onHeader: (received) => (headers = received),
        onTrailer: (received) => (trailers = received),
      });
      check(bodyLength(response) === spec.LARGE_RESPONSE_BYTES, "unary response has the wrong size");
      checkEcho(headers, trailers);

      const call = test.fullDuplexCall({ metadata: echoMetadata() });
      await call.write({ responseParameters: [{ size: spec.LARGE_RESPONSE_BYTES }], payload: { body: spec.zeros(spec.LARGE_REQUEST_BYTES) } });
      call.end();
      const responses: StreamingOutputCallResponse[] = await collect(call);
      check(responses.length === 1 && bodyLength(responses[0]) === spec.LARGE_RESPONSE_BYTES, "full duplex response has the wrong size");
      checkEcho(await call.headers, await call.trailers);
    },
    async status_code_and_message() {
      const responseStatus = { code: Status.UNKNOWN, message: spec.STATUS_MESSAGE };
      await expectFailure(test.unaryCall({ responseStatus }), Status.UNKNOWN, spec.STATUS_MESSAGE);
      const call = test.fullDuplexCall();
      await call.write({ responseStatus });
      call.end();
      await expectFailure(collect(call), Status.UNKNOWN, spec.STATUS_MESSAGE);
    },
    async special_status_message() {
      const responseStatus = { code: Status.UNKNOWN, message: spec.SPECIAL_STATUS_MESSAGE };
      await expectFailure(test.unaryCall({ responseStatus }), Status.UNKNOWN, spec.SPECIAL_STATUS_MESSAGE);
    },
    async unimplemented_method() {
      await expectFailure(test.unimplementedCall({}), Status.UNIMPLEMENTED);
    },
    async unimplemented_service() {
      await expectFailure(unimplemented.unimplementedCall({}), Status.UNIMPLEMENTED);
    },
    async client_compressed_unary() {
      const request = (expect: boolean) => ({ ...largeRequest, expectCompressed: { value: expect } });
      await expectFailure(test.unaryCall(request(true)), Status.INVALID_ARGUMENT);
      for (const [compression, expect] of [["gzip", true], ["identity", false]] as const) {
        const response = await test.unaryCall(request(expect), { compression });
        check(bodyLength(response) === spec.LARGE_RESPONSE_BYTES, `${compression}: response has the wrong size`);
      }
    },
    async server_compressed_unary() {
      for (const compressed of [true, false]) {
        const { metadata, id } = tappedMetadata();
        const response = await test.unaryCall({ ...largeRequest, responseCompressed: { value: compressed } }, { metadata });
        check(bodyLength(response) === spec.LARGE_RESPONSE_BYTES, "response has the wrong size");
        const wire = receivedCompressedFlags(id);
        check(wire.length === 1 && wire[0] === compressed, `response_compressed ${compressed}: compressed flags on the wire ${JSON.stringify(wire)}`);
      }
    },
    async client_compressed_streaming() {
      const probe = [{ expectCompressed: { value: true }, payload: { body: spec.zeros(27_182) } }];
      await expectFailure(test.streamingInputCall(probe), Status.INVALID_ARGUMENT);

      const call = test.streamingInputCall({ compression: "gzip" });
      await call.write({ expectCompressed: { value: true }, payload: { body: spec.zeros(27_182) } });
      await call.write({ expectCompressed: { value: false }, payload: { body: spec.zeros(45_904) } }, { compress: false });
      call.end();
      const { aggregatedPayloadSize } = await call.response;
      check(aggregatedPayloadSize === 73_086, `aggregated_payload_size is ${aggregatedPayloadSize}`);
    },
    async server_compressed_streaming() {
      const { metadata, id } = tappedMetadata();
      const request = { responseParameters: [{ compressed: { value: true }, size: 31_415 }, { compressed: { value: false }, size: 92_653 }] };
      const sizes = (await collect(test.streamingOutputCall(request, { metadata }))).map(bodyLength);
      check(sizes.join() === "31415,92653", `response sizes ${sizes.join()}`);
      const wire = receivedCompressedFlags(id);
      check(wire.join() === "true,false", `compressed flags on the wire ${JSON.stringify(wire)}`);
    },
  };
}
