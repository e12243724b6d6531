// #12: without generated stubs, strict TypeScript can use loadService("greeter.proto", ...) as
// proto-loader users do: object literals in, typed handler parameters, streaming calls that are
// async-iterable, replies with accessible fields. `npm run typecheck` compiles this file in
// strict mode, so the lines without a cast are the test; the @ts-expect-error lines must fail.
// This repository also sets noUncheckedIndexedAccess, under which a loose client's methods are
// possibly undefined (rightly: a misspelt name is undefined at run time), hence the `!`s; plain
// `strict`, as in the packed-tarball test (test/package), needs none.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { closeClient, createClient, createServer, loadService, type ServiceClient } from "../../src/index.js";
import { Echo } from "../helpers/echo.js";

const dir = mkdtempSync(path.join(tmpdir(), "h2grpc-loose-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const protoPath = path.join(dir, "greeter.proto");
writeFileSync(
  protoPath,
  `syntax = "proto3";
package demo.v1;
message HelloRequest { string name = 1; int32 times = 2; }
message HelloReply { string message = 1; }
service Greeter {
  rpc SayHello(HelloRequest) returns (HelloReply);
  rpc LotsOfReplies(HelloRequest) returns (stream HelloReply);
  rpc LotsOfGreetings(stream HelloRequest) returns (HelloReply);
  rpc BidiHello(stream HelloRequest) returns (stream HelloReply);
}
`,
);

describe("a service loaded without typed stubs", () => {
  it("serves and calls all four kinds in strict TypeScript with loose message types", async () => {
    const Greeter = loadService(protoPath, "demo.v1.Greeter");
    const server = createServer().addService(Greeter, {
      async sayHello(request) {
        return { message: `Hello ${String(request.name)}` };
      },
      async *lotsOfReplies(request) {
        for (let i = 0; i < Number(request.times); i++) yield { message: `${String(request.name)} ${i}` };
      },
      async lotsOfGreetings(requests) {
        const names: string[] = [];
        for await (const request of requests) names.push(String(request.name));
        return { message: names.join(",") };
      },
      async *bidiHello(requests) {
        for await (const request of requests) yield { message: `hi ${String(request.name)}` };
      },
    });
    const port = await server.listen({ host: "127.0.0.1", port: 0 });
    const client = createClient(Greeter, { address: `127.0.0.1:${port}` });
    try {
      const reply = await client.sayHello!({ name: "ada" }, { timeoutMs: 10_000 });
      expect(reply.message).toBe("Hello ada");
      const replies: string[] = [];
      for await (const each of client.lotsOfReplies!({ name: "bob", times: 2 })) replies.push(String(each.message));
      expect(replies).toEqual(["bob 0", "bob 1"]);
      expect((await client.lotsOfGreetings!([{ name: "a" }, { name: "b" }])).message).toBe("a,b");
      const chat = client.bidiHello!();
      await chat.write({ name: "cy" });
      chat.end();
      const answers: string[] = [];
      for await (const answer of chat) answers.push(String(answer.message));
      expect(answers).toEqual(["hi cy"]);
    } finally {
      closeClient(client);
      await server.close();
    }
  });

  it("still refuses what is not a message at compile time, and keeps typed stubs exact", () => {
    const Greeter = loadService(protoPath, "demo.v1.Greeter");
    const checkOnly = (loose: ServiceClient<typeof Greeter>, typed: ServiceClient<typeof Echo>): void => {
      // @ts-expect-error a number is not a message
      void loose.sayHello?.(5);
      // @ts-expect-error a function is not a field value
      void loose.sayHello?.({ name: () => "x" });
      // @ts-expect-error typed stubs know EchoRequest has no field `nope`
      void typed.unary({ nope: 1 });
      // @ts-expect-error typed stubs know a unary call is a Promise, not an iterable
      for (const _ of typed.unary({})) void _;
    };
    expect(typeof checkOnly).toBe("function");
  });
});
