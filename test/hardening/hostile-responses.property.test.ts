// The client against random responses from a raw node:http2 server, driven by fast-check: random
// :status, content-type, grpc-encoding, DATA bytes and frame headers, random or missing trailers,
// RST_STREAM with random codes, or a dropped connection. Every call settles (well before its
// deadline bound) with a reply or a GrpcError carrying a real status, and nothing escapes.
import fc from "fast-check";
import http2 from "node:http2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeClient, createClient } from "../../src/client/client.js";
import type { ServiceClient } from "../../src/client/service-client.js";
import { GrpcError } from "../../src/grpc-error.js";
import { Status } from "../../src/status.js";
import type { EchoDefinition } from "../protos/gen/echo.js";
import { Echo } from "../helpers/echo.js";
import { assertProperty } from "../helpers/property.js";
import { destroySessionSoon, startRawServer, type RawServer } from "../client/raw-server.js";
import { failOnProcessErrors } from "./target-server.js";

failOnProcessErrors();

const RUNS = Number(process.env.FC_NUM_RUNS ?? 150);
const CALL_TIMEOUT_MS = 3_000;

type Ending =
  | { kind: "trailers"; fields: [string, string][] }
  | { kind: "end" }
  | { kind: "reset"; code: number }
  | { kind: "destroy" };

interface Response {
  headers: [string, string][] | undefined;
  status: number;
  isTrailersOnly: boolean;
  body: Uint8Array[];
  ending: Ending;
}

const text = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 30 });
const statusText = fc.oneof(fc.integer({ min: 0, max: 20 }).map(String), text, fc.constant("-1"), fc.constant("0x1"));
const responseHeader = fc.oneof(
  fc.tuple(fc.constant("content-type"), fc.constantFrom("application/grpc", "application/grpc+proto", "text/html", "application/json", "")),
  fc.tuple(fc.constant("grpc-encoding"), fc.constantFrom("gzip", "deflate", "identity", "br", "x")),
  fc.tuple(fc.constant("grpc-status"), statusText),
  fc.tuple(fc.constant("grpc-message"), text),
  fc.tuple(fc.stringMatching(/^x-[a-z]{1,8}(-bin)?$/), text),
);
const trailer = fc.oneof(
  fc.tuple(fc.constant("grpc-status"), statusText),
  fc.tuple(fc.constant("grpc-message"), text),
  fc.tuple(fc.constant("grpc-status-details-bin"), text),
  fc.tuple(fc.stringMatching(/^x-[a-z]{1,8}(-bin)?$/), text),
);
const frameHeader = fc
  .record({ flag: fc.integer({ min: 0, max: 255 }), length: fc.oneof(fc.integer({ min: 0, max: 40 }), fc.constantFrom(5 * 1024 * 1024, 0xffffffff)) })
  .map(({ flag, length }) => {
    const header = Buffer.alloc(5);
    header[0] = flag;
    header.writeUInt32BE(length, 1);
    return header;
  });
const validReply = text.map((message) => {
  const payload = Echo.methods.unary!.responseSerializer.serialize({ message });
  const frame = Buffer.alloc(5 + payload.length);
  frame.writeUInt32BE(payload.length, 1);
  frame.set(payload, 5);
  return frame;
});
const response: fc.Arbitrary<Response> = fc.record({
  headers: fc.option(fc.array(responseHeader, { maxLength: 4 }), { nil: undefined }),
  status: fc.constantFrom(200, 200, 200, 400, 404, 429, 500, 503, 302),
  isTrailersOnly: fc.boolean(),
  body: fc.array(fc.oneof(validReply, frameHeader, fc.uint8Array({ maxLength: 40 })), { maxLength: 4 }),
  ending: fc.oneof(
    fc.record({ kind: fc.constant("trailers" as const), fields: fc.array(trailer, { maxLength: 4 }) }),
    fc.constant({ kind: "end" as const }),
    fc.record({ kind: fc.constant("reset" as const), code: fc.integer({ min: 0, max: 13 }) }),
    fc.constant({ kind: "destroy" as const }),
  ),
});

/** Plays `plan` on the stream; whatever Node refuses to send ends the stream with a reset instead. */
function play(stream: http2.ServerHttp2Stream, plan: Response): void {
  try {
    const headers: http2.OutgoingHttpHeaders = { ":status": plan.status };
    for (const [name, value] of plan.headers ?? [["content-type", "application/grpc"]]) headers[name] = value;
    if (plan.isTrailersOnly) {
      stream.respond(headers, { endStream: true });
      return;
    }
    const hasTrailers = plan.ending.kind === "trailers";
    stream.respond(headers, { waitForTrailers: hasTrailers });
    for (const chunk of plan.body) stream.write(chunk);
    switch (plan.ending.kind) {
      case "trailers": {
        const trailers: http2.OutgoingHttpHeaders = {};
        for (const [name, value] of plan.ending.fields) trailers[name] = value;
        stream.once("wantTrailers", () => {
          try {
            stream.sendTrailers(trailers);
          } catch {
            stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
          }
        });
        stream.end();
        break;
      }
      case "end":
        stream.end();
        break;
      case "reset":
        stream.close(plan.ending.code);
        break;
      case "destroy":
        destroySessionSoon(stream);
        break;
    }
  } catch {
    if (!stream.destroyed) stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
  }
}

describe("random responses from a hostile server", () => {
  let server: RawServer;
  let plan: Response | undefined;
  let client: ServiceClient<EchoDefinition>;
  beforeAll(async () => {
    server = await startRawServer((stream) => {
      stream.on("data", () => {});
      if (plan !== undefined) play(stream, plan);
    });
    client = createClient(Echo, { address: server.address });
  });
  afterAll(async () => {
    closeClient(client);
    await server.close();
  });

  it("settles every unary and server-streaming call with a reply or a GrpcError with a real status", async () => {
    await assertProperty(
      fc.asyncProperty(response, fc.boolean(), async (next, isStreaming) => {
        plan = next;
        const started = Date.now();
        const outcome = isStreaming
          ? await (async () => {
              for await (const _ of client.serverStream({ message: "hi" }, { timeoutMs: CALL_TIMEOUT_MS }));
            })().then(() => undefined, (error: unknown) => error)
          : await client.unary({ message: "hi" }, { timeoutMs: CALL_TIMEOUT_MS }).then(() => undefined, (error: unknown) => error);
        if (outcome !== undefined) {
          expect(outcome).toBeInstanceOf(GrpcError);
          const code = (outcome as GrpcError).code;
          expect(code >= Status.CANCELLED && code <= Status.UNAUTHENTICATED, `code ${code}`).toBe(true);
        }
        // Every script ends its stream at once: only a call that hangs would run into its deadline.
        expect(Date.now() - started, JSON.stringify(next)).toBeLessThan(CALL_TIMEOUT_MS);
      }),
      RUNS,
    );
  });
});
