// Every tutorial method called with h2grpc's own client over plaintext, and the lessons'
// client programs run in-process, printing what the tutorial's Go clients print.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeClient, createClient } from "../../src/index.js";
import { bidiLesson } from "../../examples/tutorial/lessons/bidi.js";
import { clientStreamLesson } from "../../examples/tutorial/lessons/client-stream.js";
import { serverStreamLesson } from "../../examples/tutorial/lessons/server-stream.js";
import { unaryLesson } from "../../examples/tutorial/lessons/unary.js";
import { loadTutorialServices } from "../../examples/tutorial/tutorial-services.js";
import { startTutorialForTest, type TutorialFixture } from "./tutorial-fixture.js";

const services = loadTutorialServices();
const GO_LOG_PREFIX = /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d /;

describe("h2grpc client against the tutorial server, plaintext", () => {
  let fixture: TutorialFixture;
  beforeAll(async () => {
    fixture = await startTutorialForTest();
  });
  afterAll(async () => {
    await fixture?.tutorial.close();
  });

  it("calls every method of every tutorial service", async () => {
    const address = fixture.tutorial.address;
    const test = createClient(services.test, { address });
    const streamServer = createClient(services.streamServer, { address });
    const streamClient = createClient(services.streamClient, { address });
    const bothStream = createClient(services.bothStream, { address });
    const hello = createClient(services.hello, { address });
    try {
      expect(await test.firstRpc({ name: "gsh", id: "9007199254740993" })).toEqual({ status: "200", value: "Hello gsh, id 9007199254740993" });

      const values: string[] = [];
      for await (const reply of streamServer.listValue({ data: "v" })) values.push(reply.streamValue);
      expect(values).toEqual(["v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9"]);

      expect(await streamClient.routeList([{ streamData: "a" }, { streamData: "b" }])).toEqual({ status: "200", value: "OK" });
      expect(fixture.logs).toEqual(expect.arrayContaining(["RouteList: a", "RouteList: b"]));

      const answers: string[] = [];
      for await (const reply of bothStream.conversations([{ question: "q1" }, { question: "q2" }, { question: "q3" }])) {
        answers.push(reply.answer);
      }
      expect(answers).toEqual([1, 2, 3].map((n) => `from client stream, server answer: the ${n} question is q${n}`));

      expect(await hello.sayHello({ greeting: "ada" })).toEqual({ reply: "Hello ada" });
      const replies: string[] = [];
      for await (const reply of hello.lotsOfReplies({ greeting: "ada" })) replies.push(reply.reply);
      expect(replies).toEqual(["Hello ada (1 of 3)", "Hello ada (2 of 3)", "Hello ada (3 of 3)"]);
      expect(await hello.lotsOfGreetings([{ greeting: "ada" }, { greeting: "bob" }])).toEqual({ reply: "Hello ada, bob (2 greetings)" });
      const bidi: string[] = [];
      for await (const reply of hello.bidiHello([{ greeting: "x" }, { greeting: "y" }])) bidi.push(reply.reply);
      expect(bidi).toEqual(["Hello x", "Hello y"]);
    } finally {
      for (const client of [test, streamServer, streamClient, bothStream, hello]) closeClient(client);
    }
  });

  it("the unary lesson prints the response as Go's log.Println does", async () => {
    const lines: string[] = [];
    await unaryLesson({ address: fixture.tutorial.address, print: (line) => lines.push(line) });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(GO_LOG_PREFIX);
    expect(lines[0]?.replace(GO_LOG_PREFIX, "")).toBe('status:200 value:"Hello gsh, id 1"');
  });

  it("the server-stream lesson prints the ten stream values", async () => {
    const lines: string[] = [];
    await serverStreamLesson({ address: fixture.tutorial.address, print: (line) => lines.push(line) });
    expect(lines).toEqual(Array.from({ length: 10 }, (_, i) => `Stream Server grpc ${i}`));
  });

  it("the client-stream lesson sends ten requests and prints the single response", async () => {
    const lines: string[] = [];
    await clientStreamLesson({ address: fixture.tutorial.address, print: (line) => lines.push(line), pauseMs: 0 });
    expect(lines.map((line) => line.replace(GO_LOG_PREFIX, ""))).toEqual(['status:200 value:"OK"']);
    expect(fixture.logs).toContain("RouteList: stream client rpc: 9");
  });

  it("the bidi lesson prints one numbered answer per question", async () => {
    const lines: string[] = [];
    await bidiLesson({ address: fixture.tutorial.address, print: (line) => lines.push(line), pauseMs: 0 });
    expect(lines.map((line) => line.replace(GO_LOG_PREFIX, ""))).toEqual(
      Array.from({ length: 10 }, (_, i) => `from client stream, server answer: the ${i + 1} question is stream client rpc: ${i}`),
    );
  });
});
