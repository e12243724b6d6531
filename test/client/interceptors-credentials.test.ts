import type { ServerCallContext } from "../../src/server/call-context.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { metadataCredentials, type CallCredentials, type CallCredentialsContext } from "../../src/client/credentials/call-credentials.js";
import { closeClient, createClient } from "../../src/client/client.js";
import type { ClientInterceptor } from "../../src/client/client-interceptor.js";
import { Metadata } from "../../src/metadata.js";
import { Status } from "../../src/status.js";
import { rejectionOf } from "../helpers/catch-grpc-error.js";
import { collect, Echo, type EchoRequest } from "../helpers/echo.js";
import { startEchoServer, type StartedServer } from "../helpers/start-server.js";


let peer: StartedServer;
const received: Metadata[] = [];
beforeAll(async () => {
  peer = await startEchoServer({
    async unary(request: EchoRequest, ctx: ServerCallContext) {
      received.push(ctx.metadata);
      return { message: `${request.message}|${ctx.metadata.get("authorization") ?? ""}|${ctx.metadata.getAll("x-order").join(",")}` };
    },
    async *serverStream(request: EchoRequest) {
      for (let i = 0; i < request.count; i++) yield { message: request.message, index: i };
    },
    async clientStream(requests: AsyncIterable<EchoRequest>) {
      let n = 0;
      for await (const _ of requests) n++;
      return { index: n };
    },
    async *bidi(requests: AsyncIterable<EchoRequest>) {
      for await (const request of requests) yield { message: request.message };
    },
  } as never);
});
afterAll(() => peer.close());

describe("client interceptors", () => {
  it("run in order, first outermost, for all four kinds, and can add metadata", async () => {
    const log: string[] = [];
    const named = (name: string): ClientInterceptor => (next) => async (call) => {
      log.push(`${name}>${call.method.localName}`);
      call.metadata.append("x-order", name);
      const response = await next(call);
      log.push(`${name}<`);
      return response;
    };
    const client = createClient(Echo, { address: peer.address, interceptors: [named("a"), named("b")] });
    try {
      expect((await client.unary({ message: "m" })).message).toMatch(/^m\|\|a, ?b$/);
      expect(log).toEqual(["a>unary", "b>unary", "b<", "a<"]);
      log.length = 0;
      expect(await collect(client.serverStream({ message: "s", count: 2 }))).toHaveLength(2);
      expect(await client.clientStream([{}, {}, {}])).toMatchObject({ index: 3 });
      const bidi = client.bidi();
      await bidi.write({ message: "x" });
      bidi.end();
      expect(await collect(bidi)).toEqual([expect.objectContaining({ message: "x" })]);
      expect(log).toEqual(["a>serverStream", "b>serverStream", "b<", "a<", "a>clientStream", "b>clientStream", "b<", "a<", "a>bidi", "b>bidi", "b<", "a<"]);
    } finally {
      closeClient(client);
    }
  });

  it("an interceptor can fail a call without sending it", async () => {
    const deny: ClientInterceptor = () => async () => {
      throw new (await import("../../src/grpc-error.js")).GrpcError(Status.PERMISSION_DENIED, "denied by interceptor");
    };
    const client = createClient(Echo, { address: peer.address, interceptors: [deny] });
    try {
      const before = received.length;
      expect((await rejectionOf(() => client.unary({ message: "m" }))).code).toBe(Status.PERMISSION_DENIED);
      expect(received.length).toBe(before);
    } finally {
      closeClient(client);
    }
  });

  it("an interceptor can map response messages", async () => {
    const upper: ClientInterceptor = (next) => async (call) => {
      const response = await next(call);
      return {
        ...response,
        responses: (async function* () {
          for await (const message of response.responses) yield { ...(message as object), message: String((message as { message: string }).message).toUpperCase() };
        })(),
      };
    };
    const client = createClient(Echo, { address: peer.address, interceptors: [upper] });
    try {
      expect(await client.unary({ message: "m" })).toMatchObject({ message: "M||" });
    } finally {
      closeClient(client);
    }
  });
});

describe("call credentials", () => {
  it("add metadata per call from getRequestMetadata, given the service URL and method name", async () => {
    const contexts: CallCredentialsContext[] = [];
    const credentials: CallCredentials = {
      requireTransportSecurity: false,
      async getRequestMetadata(context) {
        contexts.push(context);
        return new Metadata({ authorization: "Bearer t1" });
      },
    };
    const client = createClient(Echo, { address: peer.address, callCredentials: credentials });
    try {
      expect(await client.unary({ message: "m" })).toMatchObject({ message: "m|Bearer t1|" });
      expect(contexts[0]?.serviceUrl).toBe(`https://${peer.address}/h2grpc.test.Echo`);
      expect(contexts[0]?.methodName).toBe("Unary");
      expect(contexts[0]?.signal).toBeInstanceOf(AbortSignal);
    } finally {
      closeClient(client);
    }
  });

  it("client-level and call-level credentials compose", async () => {
    const client = createClient(Echo, {
      address: peer.address,
      callCredentials: metadataCredentials({ authorization: "Bearer client" }, { requireTransportSecurity: false }),
    });
    try {
      await client.unary({ message: "m" }, { credentials: metadataCredentials({ "x-order": "call" }, { requireTransportSecurity: false }) });
      const metadata = received.at(-1)!;
      expect(metadata.get("authorization")).toBe("Bearer client");
      expect(metadata.get("x-order")).toBe("call");
    } finally {
      closeClient(client);
    }
  });

  it("credentials that require transport security fail UNAUTHENTICATED over an insecure channel, sending nothing", async () => {
    let asked = false;
    const credentials: CallCredentials = {
      requireTransportSecurity: true,
      getRequestMetadata: () => {
        asked = true;
        return new Metadata({ authorization: "Bearer secret" });
      },
    };
    const client = createClient(Echo, { address: peer.address, callCredentials: credentials });
    try {
      const before = received.length;
      expect((await rejectionOf(() => client.unary({ message: "m" }))).code).toBe(Status.UNAUTHENTICATED);
      const stream = client.serverStream({ message: "m", count: 1 });
      expect((await rejectionOf(() => collect(stream))).code).toBe(Status.UNAUTHENTICATED);
      expect(asked).toBe(false);
      expect(received.length).toBe(before);
    } finally {
      closeClient(client);
    }
  });

  it("a getRequestMetadata that throws fails the call UNAVAILABLE with its message", async () => {
    const credentials: CallCredentials = {
      requireTransportSecurity: false,
      getRequestMetadata: () => Promise.reject(new Error("token service down")),
    };
    const client = createClient(Echo, { address: peer.address, callCredentials: credentials });
    try {
      const error = await rejectionOf(() => client.unary({ message: "m" }));
      expect(error.code).toBe(Status.UNAVAILABLE);
      expect(error.details).toContain("token service down");
    } finally {
      closeClient(client);
    }
  });
});
