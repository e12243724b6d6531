import { describe, expect, it } from "vitest";
import * as grpc from "@grpc/grpc-js";
import http2 from "node:http2";
import { Status } from "../../src/status.js";
import { Echo } from "../helpers/echo.js";
import { EchoClient, collectStream } from "../helpers/grpc-js-peer.js";
import { connectRaw, grpcHeaders, rawFrame, sendRaw, statusOf } from "../helpers/raw-h2.js";
import { startServer } from "../helpers/start-server.js";

const echoPayload = {
  async unary(r: { payload: Uint8Array }) {
    return { payload: r.payload };
  },
};

describe("message and header limits", () => {
  it("rejects a request over the default 4 MiB with RESOURCE_EXHAUSTED", async () => {
    const { address } = await startServer((s) => s.addService(Echo, echoPayload));
    const client = new EchoClient(address, undefined, { "grpc.max_send_message_length": -1 });
    const error = (await client.unary({ payload: new Uint8Array(4 * 1024 * 1024 + 1) }).catch((e: unknown) => e)) as grpc.ServiceError;
    expect(error.code).toBe(Status.RESOURCE_EXHAUSTED);
    expect((await client.unary({ payload: new Uint8Array(4 * 1024 * 1024 - 100) })).reply.payload.length).toBe(4 * 1024 * 1024 - 100);
    client.close();
  });

  it("rejects a request over maxReceiveMessageBytes with RESOURCE_EXHAUSTED", async () => {
    const { address } = await startServer((s) => s.addService(Echo, echoPayload), { maxReceiveMessageBytes: 1000 });
    const client = new EchoClient(address);
    const error = (await client.unary({ payload: new Uint8Array(2000) }).catch((e: unknown) => e)) as grpc.ServiceError;
    client.close();
    expect(error.code).toBe(Status.RESOURCE_EXHAUSTED);
    expect(error.details).toMatch(/limit is 1000/);
  });

  it("ends a streaming call whose request passes maxReceiveMessageBytes with RESOURCE_EXHAUSTED", async () => {
    const { address } = await startServer(
      (s) =>
        s.addService(Echo, {
          async clientStream(requests) {
            for await (const _ of requests);
            return {};
          },
        }),
      { maxReceiveMessageBytes: 1000 },
    );
    const client = new EchoClient(address);
    const error = await new Promise<grpc.ServiceError | null>((resolve) => {
      const call = client.clientStream((e) => resolve(e));
      call.write({ payload: new Uint8Array(10) });
      call.write({ payload: new Uint8Array(5000) });
      call.end();
    });
    client.close();
    expect(error?.code).toBe(Status.RESOURCE_EXHAUSTED);
  });

  it("does not send a response over maxSendMessageBytes: RESOURCE_EXHAUSTED instead", async () => {
    const { address } = await startServer(
      (s) =>
        s.addService(Echo, {
          async *serverStream() {
            yield { payload: new Uint8Array(10) };
            yield { payload: new Uint8Array(5000) };
          },
        }),
      { maxSendMessageBytes: 1000 },
    );
    const client = new EchoClient(address);
    const stream = client.serverStream({});
    const received: number[] = [];
    stream.on("data", (r: { payload: Uint8Array }) => received.push(r.payload.length));
    const error = await new Promise<grpc.ServiceError>((resolve) => stream.on("error", resolve));
    client.close();
    expect(received).toEqual([10]);
    expect(error.code).toBe(Status.RESOURCE_EXHAUSTED);
    expect(error.details).toBe("sent message of 5003 bytes, limit is 1000");
  });

  it("answers metadata over maxHeaderListBytes with HTTP 431 and RESOURCE_EXHAUSTED, and keeps serving", async () => {
    const { port, address } = await startServer((s) => s.addService(Echo, echoPayload), { maxHeaderListBytes: 4096 });
    const session = connectRaw(port);
    const response = await sendRaw(session, grpcHeaders("/h2grpc.test.Echo/Unary", { "x-big": "a".repeat(8000) }), [rawFrame(new Uint8Array())]);
    session.close();
    expect(response.headers[":status"]).toBe(431);
    expect(statusOf(response)).toEqual({ code: Status.RESOURCE_EXHAUSTED, message: expect.stringMatching(/limit of 4096 bytes/) });
    const client = new EchoClient(address);
    const md = new grpc.Metadata();
    md.set("x-big", "a".repeat(8000));
    const error = (await client.unary({}, { metadata: md }).catch((e: unknown) => e)) as grpc.ServiceError;
    expect(error.code).toBe(Status.RESOURCE_EXHAUSTED);
    expect((await client.unary({})).reply).toBeDefined();
    client.close();
  });

  it("streams many responses larger than the flow-control window intact", async () => {
    const payload = new Uint8Array(300_000).map((_, i) => i % 251);
    const { address } = await startServer((s) =>
      s.addService(Echo, {
        async *serverStream() {
          for (let i = 0; i < 20; i++) yield { index: i, payload };
        },
      }),
    );
    const client = new EchoClient(address);
    const replies = await collectStream(client.serverStream({}));
    client.close();
    expect(replies).toHaveLength(20);
    expect(replies.every((r) => Buffer.from(r.payload).equals(Buffer.from(payload)))).toBe(true);
  });
});

describe("header blocks past node's own limit", () => {
  it("refuses a header block past node's hard limit with RST_STREAM instead of hanging, and serves new connections", async () => {
    const { port } = await startServer((s) => s.addService(Echo, echoPayload));
    const session = connectRaw(port);
    const response = await sendRaw(session, grpcHeaders("/h2grpc.test.Echo/Unary", { "x-huge": "a".repeat(100_000) }), [rawFrame(new Uint8Array())]);
    session.close();
    // Node refuses the stream (REFUSED_STREAM → UNAVAILABLE on clients) and then GOAWAYs that connection.
    expect(response.rstCode).toBe(http2.constants.NGHTTP2_REFUSED_STREAM);
    const fresh = connectRaw(port);
    const next = await sendRaw(fresh, grpcHeaders("/h2grpc.test.Echo/Unary"), [rawFrame(new Uint8Array())]);
    fresh.close();
    expect(statusOf(next).code).toBe(Status.OK);
  });
});
