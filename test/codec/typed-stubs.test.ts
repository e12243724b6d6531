import { describe, expect, expectTypeOf, it } from "vitest";
import { loadService } from "../../src/codec/load-service.js";
import type {
  BidiStreamingCall,
  ClientStreamingCall,
  RequestSource,
  ServerCallContext,
  ServerStreamingCall,
  ServiceClient,
  ServiceImpl,
} from "../../src/index.js";
import type { EchoDefinition, EchoReply, EchoReply__Output, EchoRequest, EchoRequest__Output } from "../protos/gen/echo.js";
import type { Shape__Output, ShapesDefinition } from "./protos/gen/shapes.js";

// The expectTypeOf assertions are checked by `npm run typecheck` (tsconfig covers test/); the
// runtime assertions check that the generated types describe what loadService really produces.

const Echo = loadService<EchoDefinition>("test/protos/echo.proto", "h2grpc.test.Echo");

describe("typed stubs for echo.proto", () => {
  it("give a client one method per RPC with sender input and receiver output types", () => {
    type Client = ServiceClient<EchoDefinition>;
    expectTypeOf<Parameters<Client["unary"]>[0]>().toEqualTypeOf<EchoRequest>();
    expectTypeOf<ReturnType<Client["unary"]>>().toEqualTypeOf<Promise<EchoReply__Output>>();
    expectTypeOf<ReturnType<Client["serverStream"]>>().toEqualTypeOf<ServerStreamingCall<EchoReply__Output>>();
    // Never called: its body only has to typecheck, picking the overload for each call shape.
    const overloads = (client: Client): void => {
      expectTypeOf(client.clientStream([{ message: "a", id: 1 }, { id: "9007199254740993" }])).toEqualTypeOf<
        Promise<EchoReply__Output>
      >();
      expectTypeOf(client.clientStream({ timeoutMs: 5 })).toEqualTypeOf<ClientStreamingCall<EchoRequest, EchoReply__Output>>();
      expectTypeOf(client.bidi([{ message: "b" }])).toEqualTypeOf<BidiStreamingCall<EchoRequest, EchoReply__Output>>();
    };
    expect(overloads).toBeTypeOf("function");
    expectTypeOf<ReturnType<Client["bidi"]>>().toEqualTypeOf<BidiStreamingCall<EchoRequest, EchoReply__Output>>();
    expect(Object.keys(Echo.methods)).toEqual(["unary", "serverStream", "clientStream", "bidi"]);
  });

  it("give an implementation receiver types in and sender types out for each of the four kinds", () => {
    const impl: ServiceImpl<EchoDefinition> = {
      async unary(request, context) {
        expectTypeOf(request).toEqualTypeOf<EchoRequest__Output>();
        expectTypeOf(context).toEqualTypeOf<ServerCallContext>();
        return { message: request.message, id: request.id };
      },
      *serverStream(request) {
        expectTypeOf(request.id).toEqualTypeOf<string>();
        yield { index: 0 } satisfies EchoReply;
      },
      async clientStream(requests) {
        expectTypeOf(requests).toEqualTypeOf<AsyncIterable<EchoRequest__Output>>();
        let count = 0;
        for await (const _ of requests) count++;
        return { index: count };
      },
      async *bidi(requests) {
        // A received message is a valid message to send: __Output is assignable to the input type.
        for await (const request of requests) yield request;
      },
    };
    // @ts-expect-error a reply field of the wrong type is a compile error
    const wrong: ServiceImpl<EchoDefinition> = { unary: async () => ({ message: 5 }) };
    expect(Object.keys(impl)).toEqual(["unary", "serverStream", "clientStream", "bidi"]);
    expect(wrong.unary).toBeTypeOf("function");
  });

  it("match the runtime definition: kinds and the decoded shape of an empty reply", () => {
    expectTypeOf(Echo.methods.unary.kind).toEqualTypeOf<"unary">();
    expectTypeOf(Echo.methods.bidi.kind).toEqualTypeOf<"bidi_streaming">();
    expect(Object.values(Echo.methods).map((method) => method.kind)).toEqual([
      "unary",
      "server_streaming",
      "client_streaming",
      "bidi_streaming",
    ]);
    const reply: EchoReply__Output = Echo.methods.unary.responseSerializer.deserialize(new Uint8Array());
    expect(Object.keys(reply).sort()).toEqual(["id", "index", "message", "payload"]);
    expect(reply).toMatchObject({ message: "", index: 0, id: "0" });
    expect(reply.payload).toBeInstanceOf(Uint8Array);
    expectTypeOf<RequestSource<EchoRequest>>().toEqualTypeOf<Iterable<EchoRequest> | AsyncIterable<EchoRequest>>();
  });
});

describe("typed stubs for a proto with imports, well-known types, oneofs and maps", () => {
  const Shapes = loadService<ShapesDefinition>("test/codec/protos/shapes.proto", "h2grpc.fixture.Shapes", {
    includeDirs: ["test/codec/protos/include"],
  });

  it("type a decoded message exactly as protobufjs produces it", () => {
    const serializer = Shapes.methods.getShape.responseSerializer;
    const bytes = serializer.serialize({
      name: "disc",
      kind: "CIRCLE",
      color: 2,
      radius: 1.5,
      label: "",
      anchors: { north: { x: 1 } },
      ids: [1, "9007199254740993"],
      created: { seconds: "1700000000", nanos: 5 },
    });
    const shape: Shape__Output = serializer.deserialize(bytes);
    expect(shape.kind).toBe("CIRCLE");
    expect(shape.color).toBe("GREEN");
    expect(shape.size).toBe("radius");
    expect(shape.radius).toBe(1.5);
    expect(shape.extent).toBeUndefined();
    expect(shape._label).toBe("label");
    expect(shape.ids).toEqual(["1", "9007199254740993"]);
    expect(shape.created).toEqual({ seconds: "1700000000", nanos: 5 });
    expect(shape.anchors.north).toEqual({ x: 1, y: 0 });
    expect(shape.center).toBeNull();
    expectTypeOf(shape.created).toEqualTypeOf<{ seconds: string; nanos: number } | null>();
  });
});
