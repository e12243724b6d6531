// Random and malformed gRPC traffic from a node:http2 client, driven by fast-check: random bytes
// as DATA, frame headers with random flags and huge lengths, random grpc-encoding and
// grpc-timeout, random metadata, END_STREAM or RST_STREAM at odd points. Every call must end with a
// well-formed gRPC status or a reset, the process must see no uncaught error, and the server must
// keep serving.
import fc from "fast-check";
import http2 from "node:http2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertProperty } from "../helpers/property.js";
import { connectRaw } from "../helpers/raw-h2.js";
import { BIDI, CLIENT_STREAM, HEALTH_CHECK, SERVER_STREAM, UNARY, echoFrame, expectServing, failOnProcessErrors, startTargetServer } from "./target-server.js";

failOnProcessErrors();

const RUNS = Number(process.env.FC_NUM_RUNS ?? 150);
// A call the server must answer (or that we reset) can take this long at most, even on a loaded machine.
const CALL_BOUND_MS = 5_000;

/** What to send on one stream, in order. */
type BodyPart =
  | { kind: "message"; text: string; flag: number }
  | { kind: "bytes"; bytes: Uint8Array }
  | { kind: "frameHeader"; flag: number; length: number };
type Ending = "end" | "reset" | "end-then-reset";

interface FuzzCall {
  path: string;
  headers: [string, string][];
  body: BodyPart[];
  ending: Ending;
  /** Reset after this many body parts, when ending is "reset". */
  resetAfter: number;
}

const headerName = fc.stringMatching(/^x-[a-z0-9-]{1,20}(-bin)?$/);
const headerValue = fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 });
const grpcHeader = fc.oneof(
  fc.tuple(fc.constant("grpc-encoding"), fc.oneof(fc.constantFrom("gzip", "deflate", "identity", "br", "snappy", ""), headerValue)),
  fc.tuple(fc.constant("grpc-timeout"), fc.oneof(fc.stringMatching(/^[0-9]{1,10}[HMSmun]$/), headerValue)),
  fc.tuple(fc.constant("grpc-accept-encoding"), fc.oneof(fc.constantFrom("gzip", "deflate,gzip", "identity", ""), headerValue)),
  fc.tuple(fc.constant("content-type"), fc.constantFrom("application/grpc", "application/grpc+proto", "text/plain", "application/grpc+", "")),
  fc.tuple(fc.constantFrom("grpc-status", "grpc-message", "grpc-status-details-bin", "user-agent"), headerValue),
  fc.tuple(headerName, headerValue),
);
const bodyPart: fc.Arbitrary<BodyPart> = fc.oneof(
  fc.record({ kind: fc.constant("message" as const), text: fc.string({ maxLength: 40 }), flag: fc.constantFrom(0, 0, 1, 2, 255) }),
  fc.record({ kind: fc.constant("bytes" as const), bytes: fc.uint8Array({ maxLength: 64 }) }),
  fc.record({
    kind: fc.constant("frameHeader" as const),
    flag: fc.integer({ min: 0, max: 255 }),
    length: fc.oneof(fc.integer({ min: 0, max: 100 }), fc.constantFrom(4 * 1024 * 1024 + 1, 0x7fffffff, 0xffffffff)),
  }),
);
const fuzzCall: fc.Arbitrary<FuzzCall> = fc.record({
  path: fc.constantFrom(UNARY, SERVER_STREAM, CLIENT_STREAM, BIDI, HEALTH_CHECK, "/h2grpc.test.Echo/Nope", "/", "nonsense"),
  headers: fc.array(grpcHeader, { maxLength: 6 }),
  body: fc.array(bodyPart, { maxLength: 5 }),
  ending: fc.constantFrom<Ending>("end", "end", "reset", "end-then-reset"),
  resetAfter: fc.nat({ max: 5 }),
});

function encodePart(part: BodyPart): Uint8Array {
  switch (part.kind) {
    case "message": {
      const frame = echoFrame(part.text, { count: 3 });
      frame[0] = part.flag;
      return frame;
    }
    case "bytes":
      return part.bytes;
    case "frameHeader": {
      const header = Buffer.alloc(5);
      header[0] = part.flag;
      header.writeUInt32BE(part.length, 1);
      return header;
    }
  }
}

interface Outcome {
  status: string | undefined;
  httpStatus: number | undefined;
  rstCode: number;
  isResetByUs: boolean;
}

/** Sends one fuzzed call and resolves when its stream closes, however it ends. */
function sendFuzzCall(session: http2.ClientHttp2Session, call: FuzzCall): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const headers: http2.OutgoingHttpHeaders = { ":method": "POST", ":path": call.path, "content-type": "application/grpc", te: "trailers" };
    for (const [name, value] of call.headers) headers[name] = value;
    const stream = session.request(headers, { endStream: false });
    let status: string | undefined;
    let httpStatus: number | undefined;
    let isResetByUs = false;
    const bound = setTimeout(() => reject(new Error(`call did not end within ${CALL_BOUND_MS} ms: ${JSON.stringify(call)}`)), CALL_BOUND_MS);
    stream.on("response", (h) => {
      httpStatus = Number(h[":status"]);
      if (h["grpc-status"] !== undefined) status = String(h["grpc-status"]);
    });
    stream.on("trailers", (t) => (status = t["grpc-status"] === undefined ? status : String(t["grpc-status"])));
    stream.on("data", () => {}); // read everything: streaming replies must not stall on flow control
    stream.on("error", () => {});
    stream.on("close", () => {
      clearTimeout(bound);
      resolve({ status, httpStatus, rstCode: stream.rstCode ?? 0, isResetByUs });
    });
    const reset = (): void => {
      isResetByUs = true;
      // Deferred: submitted synchronously from this loop, about 1 reset in 1000 never left Node's
      // client (stream closed, not destroyed, no RST sent; the server had answered). Node's
      // SubmitRstStream queues an in-scope CANCEL ("may not get processed ... causing endpoint to
      // hang", src/node_http2.cc), the likely cause; not reproduced in isolation, nor with h2grpc's client.
      setImmediate(() => stream.close(http2.constants.NGHTTP2_CANCEL));
    };
    call.body.forEach((part, i) => {
      if (call.ending === "reset" && i === call.resetAfter) reset();
      if (!isResetByUs && !stream.closed && !stream.destroyed) stream.write(encodePart(part));
    });
    if (call.ending === "reset") {
      if (!isResetByUs) reset();
    } else {
      stream.end();
      if (call.ending === "end-then-reset") reset();
    }
  });
}

describe("random and malformed gRPC calls", () => {
  let port = 0;
  let session: http2.ClientHttp2Session | undefined;
  beforeAll(async () => {
    ({ port } = await startTargetServer());
  });
  afterAll(() => session?.destroy());

  // nghttp2 (≥ 1.57, CVE-2023-44487) answers more than ~1000 client resets on one connection with
  // GOAWAY: the runs that reset their calls wear a connection out, so open a new one then.
  let isGoneAway = false;
  const liveSession = (): http2.ClientHttp2Session => {
    if (session === undefined || session.closed || session.destroyed || isGoneAway) {
      session?.close();
      isGoneAway = false;
      session = connectRaw(port);
      session.once("goaway", () => (isGoneAway = true));
    }
    return session;
  };

  it("ends every call with a well-formed gRPC status or a reset, and the server keeps serving", async () => {
    const outcomes = { status: 0, reset: 0 };
    await assertProperty(
      fc.asyncProperty(fuzzCall, async (call) => {
        const outcome = await sendFuzzCall(liveSession(), call);
        if (outcome.status !== undefined) {
          // PROTOCOL-HTTP2: grpc-status is a decimal status code; ours are 0-16.
          expect(outcome.status).toMatch(/^(?:[0-9]|1[0-6])$/);
          outcomes.status++;
        } else {
          // No status: only a stream that was reset (by us, or by the server mid-call) may end so.
          expect(outcome.isResetByUs || outcome.rstCode !== 0, JSON.stringify({ call, outcome })).toBe(true);
          outcomes.reset++;
        }
      }),
      RUNS,
    );
    expect(outcomes.status).toBeGreaterThan(0);
    await expectServing(port);
  });
});
