import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeClient, createClient } from "../../src/client/client.js";
import { Status } from "../../src/status.js";
import { rejectionOf } from "../helpers/catch-grpc-error.js";
import { collect, Echo, type EchoRequest } from "../helpers/echo.js";
import { startEchoServer, type StartedServer } from "../helpers/start-server.js";
import { startRawServer } from "./raw-server.js";


let peer: StartedServer;
beforeAll(async () => {
  peer = await startEchoServer(
    {
      async unary(request: EchoRequest, ctx: { setCompression(name: string): void }) {
        if (request.message === "compress-reply") ctx.setCompression("gzip");
        return { message: request.message, payload: request.payload };
      },
      async *serverStream(request: EchoRequest) {
        for (let i = 0; i < request.count; i++) yield { index: i, payload: request.payload };
      },
      async clientStream(requests: AsyncIterable<EchoRequest>) {
        let bytes = 0;
        for await (const request of requests) bytes += request.payload.length;
        return { index: bytes };
      },
    } as never,
    { server: { maxReceiveMessageBytes: 64 * 1024 * 1024, maxSendMessageBytes: 64 * 1024 * 1024 } },
  );
});
afterAll(() => peer.close());

describe("message size limits", () => {
  it("a response over maxReceiveMessageBytes fails RESOURCE_EXHAUSTED", async () => {
    const client = createClient(Echo, { address: peer.address, maxReceiveMessageBytes: 1024 });
    try {
      const error = await rejectionOf(() => client.unary({ payload: new Uint8Array(2048) }));
      expect(error.code).toBe(Status.RESOURCE_EXHAUSTED);
      expect(error.details).toContain("limit is 1024");
      expect(await client.unary({ payload: new Uint8Array(100) })).toMatchObject({ payload: expect.any(Uint8Array) });
    } finally {
      closeClient(client);
    }
  });

  it("a request over maxSendMessageBytes fails RESOURCE_EXHAUSTED without being sent", async () => {
    const raw = await startRawServer((stream) => stream.close());
    const client = createClient(Echo, { address: raw.address, maxSendMessageBytes: 1024 });
    try {
      const error = await rejectionOf(() => client.unary({ payload: new Uint8Array(2048) }));
      expect(error.code).toBe(Status.RESOURCE_EXHAUSTED);
      expect(raw.requests).toHaveLength(0);
    } finally {
      closeClient(client);
      await raw.close();
    }
  });

  it("a streamed request over maxSendMessageBytes fails the call RESOURCE_EXHAUSTED", async () => {
    const client = createClient(Echo, { address: peer.address, maxSendMessageBytes: 1024 });
    try {
      const call = client.clientStream();
      await call.write({ payload: new Uint8Array(10) });
      await expect(call.write({ payload: new Uint8Array(4096) })).rejects.toMatchObject({ code: Status.RESOURCE_EXHAUSTED });
      expect((await rejectionOf(() => call.response)).code).toBe(Status.RESOURCE_EXHAUSTED);
    } finally {
      closeClient(client);
    }
  });

  it("the default receive limit is 4 MiB; a larger limit admits larger messages", async () => {
    const small = createClient(Echo, { address: peer.address });
    const large = createClient(Echo, { address: peer.address, maxReceiveMessageBytes: 8 * 1024 * 1024 });
    try {
      const payload = new Uint8Array(5 * 1024 * 1024);
      expect((await rejectionOf(() => small.unary({ payload }))).code).toBe(Status.RESOURCE_EXHAUSTED);
      expect((await large.unary({ payload })).payload).toHaveLength(payload.length);
    } finally {
      closeClient(small);
      closeClient(large);
    }
  });
});

describe("compression", () => {
  it("gzip-compressed requests and responses round-trip", async () => {
    const client = createClient(Echo, { address: peer.address });
    try {
      const payload = new Uint8Array(100_000).fill(7);
      const reply = await client.unary({ message: "compress-reply", payload }, { compression: "gzip" });
      expect(new Uint8Array(reply.payload)).toEqual(payload);
      const replies = await collect(client.serverStream({ count: 3, payload }, { compression: "deflate" }));
      expect(replies).toHaveLength(3);
    } finally {
      closeClient(client);
    }
  });

  it("write({compress: false}) sends one message uncompressed on a compressed call", async () => {
    const client = createClient(Echo, { address: peer.address });
    try {
      const call = client.clientStream({ compression: "gzip" });
      await call.write({ payload: new Uint8Array(1000) }, { compress: false });
      await call.write({ payload: new Uint8Array(500) });
      call.end();
      expect(await call.response).toMatchObject({ index: 1500 });
    } finally {
      closeClient(client);
    }
  });

  it("an unknown compression fails the call with UNIMPLEMENTED before sending", async () => {
    const client = createClient(Echo, { address: peer.address });
    try {
      expect((await rejectionOf(() => client.unary({}, { compression: "snappy" }))).code).toBe(Status.UNIMPLEMENTED);
    } finally {
      closeClient(client);
    }
  });
});
