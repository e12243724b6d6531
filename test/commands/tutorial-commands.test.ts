// h2grpc call, list and describe against the tutorial server print what grpcurl prints for the
// same commands (expected texts from grpcurl's format.go, protoprint and jsonpb; grpcurl itself
// cannot be installed here), and fail with grpcurl's messages and exit statuses.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTutorialForTest, tutorialCertificateForTest, type TutorialFixture } from "../tutorial/tutorial-fixture.js";
import { runCli, startCli } from "./run-cli.js";


describe("h2grpc against the tutorial server", () => {
  let plaintext: TutorialFixture;
  let tls: TutorialFixture;
  let at: string;
  let tlsAt: string;
  const { dir, certificate } = tutorialCertificateForTest();
  const certFile = `${dir}/server.pem`;

  beforeAll(async () => {
    plaintext = await startTutorialForTest({ slowWorkMs: 60_000 });
    tls = await startTutorialForTest({ tls: true, certificateDir: dir });
    at = plaintext.tutorial.address;
    tlsAt = tls.tutorial.address;
    void certificate;
  });
  afterAll(async () => {
    await plaintext?.tutorial.close();
    await tls?.tutorial.close();
  });

  describe("list and describe", () => {
    it("lists every service, sorted as Go sorts strings", async () => {
      const expected = ["HelloService", "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection", "grpc.test", "my_lib.Stream", "my_lib.StreamClient", "my_lib.StreamServer"].sort((a, b) => (a < b ? -1 : 1));
      expect(await runCli(["list", "-plaintext", at])).toEqual({ code: 0, stdout: expected.map((name) => `${name}\n`).join(""), stderr: "" });
    });

    it("lists the methods of a service by their full names", async () => {
      expect(await runCli(["list", "-plaintext", at, "my_lib.Stream"])).toEqual({ code: 0, stdout: `my_lib.Stream.Conversations\n`, stderr: "" });
      expect((await runCli(["list", "-plaintext", at, "HelloService"])).stdout).toBe("HelloService.BidiHello\nHelloService.LotsOfGreetings\nHelloService.LotsOfReplies\nHelloService.SayHello\n");
    });

    it("describes services and messages as .proto source with fully qualified type names", async () => {
      expect((await runCli(["describe", "-plaintext", at, "grpc.test"])).stdout).toBe(
        "grpc.test is a service:\nservice test {\n  rpc FirstRpc ( .grpc.testRequest ) returns ( .grpc.testResponse );\n}\n",
      );
      expect((await runCli(["describe", "-plaintext", at, "grpc.testRequest"])).stdout).toBe("grpc.testRequest is a message:\nmessage testRequest {\n  string name = 1;\n  int64 id = 2;\n}\n");
      expect((await runCli(["describe", "-plaintext", at, ".HelloRequest"])).stdout).toBe("HelloRequest is a message:\nmessage HelloRequest {\n  required string greeting = 1;\n}\n");
      expect((await runCli(["describe", "-plaintext", at, "my_lib.StreamServer"])).stdout).toBe(
        `my_lib.StreamServer is a service:\nservice StreamServer {\n  rpc ListValue ( .my_lib.StreamRequest ) returns ( stream .my_lib.StreamResponse );\n}\n`,
      );
      expect((await runCli(["describe", "-plaintext", at, `my_lib.Stream.Conversations`])).stdout).toBe(
        `my_lib.Stream.Conversations is a method:\nrpc Conversations ( stream .my_lib.StreamRequest ) returns ( stream .my_lib.StreamResponse );\n`,
      );
    });

    it("describes every service when given no symbol", async () => {
      const { code, stdout } = await runCli(["describe", "-plaintext", at]);
      expect(code).toBe(0);
      expect(stdout.match(/^\S+ is a service:$/gm)).toHaveLength(8);
    });

    it("fails with grpcurl's messages and status 1 for an unknown symbol or service", async () => {
      expect(await runCli(["describe", "-plaintext", at, "no.Such"])).toEqual({ code: 1, stdout: "", stderr: 'Failed to resolve symbol "no.Such": Symbol not found: no.Such\n' });
      expect(await runCli(["list", "-plaintext", at, "no.Such"])).toEqual({ code: 1, stdout: "", stderr: 'Failed to list methods for service "no.Such": Symbol not found: no.Such\n' });
      expect((await runCli(["list", "-plaintext", at, "grpc.testRequest"])).stderr).toBe('Failed to list methods for service "grpc.testRequest": Service not found: grpc.testRequest\n');
    });
  });

  describe("call", () => {
    it("prints a unary reply as grpcurl does: lowerCamel names, int64 as a string, two-space indent", async () => {
      expect(await runCli(["call", "-plaintext", "-d", '{"name": "gsh", "id": 1}', at, "grpc.test/FirstRpc"])).toEqual({
        code: 0,
        stdout: '{\n  "status": "200",\n  "value": "Hello gsh, id 1"\n}\n',
        stderr: "",
      });
      expect((await runCli(["call", "-plaintext", "-d", '{"name": "gsh", "id": 1}', at, "grpc.test.FirstRpc"])).stdout).toContain('"value": "Hello gsh, id 1"');
    });

    it("prints each reply of a server stream, and sends several requests of a client stream", async () => {
      const stream = await runCli(["call", "-plaintext", "-d", '{"data": "Stream Server grpc "}', at, `my_lib.StreamServer/ListValue`]);
      expect(stream.code).toBe(0);
      expect(stream.stdout).toBe(Array.from({ length: 10 }, (_, i) => `{\n  "streamValue": "Stream Server grpc ${i}"\n}\n`).join(""));
      const upload = await runCli(["call", "-plaintext", "-d", '{"stream_data": "a"} {"streamData": "b"}{"stream_data": "c"}', at, `my_lib.StreamClient/RouteList`]);
      expect(upload).toEqual({ code: 0, stdout: '{\n  "status": "200",\n  "value": "OK"\n}\n', stderr: "" });
      expect(plaintext.logs).toEqual(expect.arrayContaining(["RouteList: a", "RouteList: b", "RouteList: c"]));
    });

    it("prints each reply as it arrives: a bidi answer before the next question is read from stdin", async () => {
      const chat = startCli(["call", "-plaintext", "-d", "@", at, `my_lib.Stream/Conversations`]);
      chat.write('{"question": "why?"}\n');
      await chat.waitForStdout("the 1 question is why?");
      expect(chat.isDone).toBe(false);
      chat.write('{"question": "how?"}');
      await chat.waitForStdout("the 2 question is how?");
      chat.end();
      expect(await chat.result).toEqual({
        code: 0,
        stdout: '{\n  "answer": "from client stream, server answer: the 1 question is why?"\n}\n{\n  "answer": "from client stream, server answer: the 2 question is how?"\n}\n',
        stderr: "",
      });
    });

    it("prints a server stream's first reply while the stream is still open", async () => {
      const slowStream = await startTutorialForTest({ streamIntervalMs: 60_000 });
      try {
        const call = startCli(["call", "-plaintext", "-max-time", "30", "-d", '{"data": "x"}', slowStream.tutorial.address, `my_lib.StreamServer/ListValue`]);
        await call.waitForStdout('"streamValue": "x0"');
        expect(call.isDone).toBe(false);
        await slowStream.tutorial.close(); // GOAWAY, then the stream is cancelled at the grace period
        expect((await call.result).code).not.toBe(0);
      } finally {
        await slowStream.tutorial.close();
      }
    });

    it("calls all four kinds of HelloService, and refuses a proto2 request without its required field before sending", async () => {
      expect((await runCli(["call", "-plaintext", "-d", '{"greeting": "ada"}', at, "HelloService/SayHello"])).stdout).toBe('{\n  "reply": "Hello ada"\n}\n');
      expect((await runCli(["call", "-plaintext", "-d", '{"greeting": "ada"}', at, "HelloService/LotsOfReplies"])).stdout.match(/"reply"/g)).toHaveLength(3);
      expect((await runCli(["call", "-plaintext", "-d", '{"greeting": "ada"} {"greeting": "bob"}', at, "HelloService/LotsOfGreetings"])).stdout).toBe('{\n  "reply": "Hello ada, bob (2 greetings)"\n}\n');
      expect((await runCli(["call", "-plaintext", "-d", '{"greeting": "ada"} {"greeting": "bob"}', at, "HelloService/BidiHello"])).stdout).toBe('{\n  "reply": "Hello ada"\n}\n{\n  "reply": "Hello bob"\n}\n');
      expect(await runCli(["call", "-plaintext", "-d", "{}", at, "HelloService/SayHello"])).toEqual({
        code: 1,
        stdout: "",
        stderr: 'Error invoking method "HelloService/SayHello": error getting request data: proto: required field HelloRequest.greeting not set\n',
      });
    });

    it("prints the protobuf text format with -format text, records separated by 0x1E", async () => {
      expect((await runCli(["call", "-plaintext", "-format", "text", "-d", 'name: "gsh" id: 1', at, "grpc.test/FirstRpc"])).stdout).toBe('status: 200\nvalue: "Hello gsh, id 1"\n');
      expect((await runCli(["call", "-plaintext", "-format", "text", "-d", 'greeting: "a"', at, "HelloService/LotsOfReplies"])).stdout).toBe(
        'reply: "Hello a (1 of 3)"\n\x1ereply: "Hello a (2 of 3)"\n\x1ereply: "Hello a (3 of 3)"\n',
      );
    });

    it("prints the method, the metadata both ways and the counts with -v", async () => {
      const { code, stdout } = await runCli(["call", "-plaintext", "-v", "-H", "X-Who: ada", "-d", '{"name": "gsh", "id": 1}', at, "grpc.test/FirstRpc"]);
      expect(code).toBe(0);
      expect(stdout).toMatch(
        /^\nResolved method descriptor:\nrpc FirstRpc \( \.grpc\.testRequest \) returns \( \.grpc\.testResponse \);\n\nRequest metadata to send:\nx-who: ada\n\nResponse headers received:\n(\S+: .*\n)+\nResponse contents:\n\{\n {2}"status": "200",\n {2}"value": "Hello gsh, id 1"\n\}\n\nResponse trailers received:\n\(empty\)\nSent 1 request and received 1 response\n$/,
      );
    });

    it("gives up at -max-time with grpc-go's DeadlineExceeded and status 64 + 4", async () => {
      expect(await runCli(["call", "-plaintext", "-max-time", "0.3", "-d", '{"name": "slow", "id": 2}', at, "grpc.test/FirstRpc"])).toEqual({
        code: 68,
        stdout: "",
        stderr: "ERROR:\n  Code: DeadlineExceeded\n  Message: context deadline exceeded\n",
      });
      await plaintext.waitForLog(/FirstRpc: stopped working for "slow"/);
    });

    it("prints a status from the server as ERROR with 64 + its code", async () => {
      // A proto2 request without its required field, sent empty (no -d), is refused by the server.
      const { code, stderr } = await runCli(["call", "-plaintext", at, "HelloService/SayHello"]);
      expect(code).toBe(64 + 13);
      expect(stderr).toMatch(/^ERROR:\n {2}Code: Internal\n {2}Message: .+\n$/);
    });

    it.each([
      [["nope.Service/Method"], 'Error invoking method "nope.Service/Method": target server does not expose service "nope.Service"\n'],
      [["grpc.test/Nope"], 'Error invoking method "grpc.test/Nope": service "grpc.test" does not include a method named "Nope"\n'],
      [["grpc.testRequest/Nope"], 'Error invoking method "grpc.testRequest/Nope": target server does not expose service "grpc.testRequest"\n'],
      [["FirstRpc"], "Error invoking method \"FirstRpc\": given method name \"FirstRpc\" is not in expected format: 'service/method' or 'service.method'\n"],
      [["-d", '{"nope": 1}', "grpc.test/FirstRpc"], 'Error invoking method "grpc.test/FirstRpc": error getting request data: unknown field "nope" in grpc.testRequest\n'],
      [["-d", "{} {}", "grpc.test/FirstRpc"], 'Error invoking method "grpc.test/FirstRpc": method "grpc.test.FirstRpc" is a unary RPC, but request data contained more than 1 message\n'],
      [["-d", "{", "grpc.test/FirstRpc"], 'Error invoking method "grpc.test/FirstRpc": error getting request data: unexpected end of JSON input at offset 1\n'],
    ])("fails with status 1 for %j", async (args, stderr) => {
      const [method, ...flags] = [args[args.length - 1] as string, ...args.slice(0, -1)];
      expect(await runCli(["call", "-plaintext", ...flags, at, method])).toEqual({ code: 1, stdout: "", stderr });
    });

    it.each([
      [["call"], "No host:port specified."],
      [["call", "-plaintext", "127.0.0.1:1"], "Too few arguments."],
      [["call", "-plaintext", "-insecure", "127.0.0.1:1", "a.B/C"], "The -insecure argument can only be used with TLS."],
      [["call", "-cert", "c.pem", "127.0.0.1:1", "a.B/C"], "The -cert and -key arguments must be used together and both be present."],
      [["call", "-plaintext", "-format", "xml", "127.0.0.1:1", "a.B/C"], "The -format option must be 'json' or 'text'."],
      [["list", "-plaintext", "-nope", "127.0.0.1:1"], "flag provided but not defined: -nope"],
    ])("refuses the command line %j with status 2", async (argv, message) => {
      const verb = argv[0] as string;
      expect(await runCli(argv)).toEqual({ code: 2, stdout: "", stderr: `${message}\nTry 'h2grpc ${verb} -help' for more details.\n` });
    });

    it("fails with status 1 when it cannot connect", async () => {
      const { code, stderr } = await runCli(["call", "-plaintext", "127.0.0.1:1", "grpc.test/FirstRpc"]);
      expect(code).toBe(1);
      expect(stderr).toMatch(/^Failed to dial target host "127\.0\.0\.1:1": .*ECONNREFUSED/);
    });

    it("takes grpcurl's own argument order: flags, address, then list, describe or the method", async () => {
      expect((await runCli(["-plaintext", at, "list", "grpc.test"])).stdout).toBe("grpc.test.FirstRpc\n");
      expect((await runCli(["-plaintext", "-d", '{"name": "a"}', at, "grpc.test/FirstRpc"])).stdout).toContain('"value": "Hello a, id 0"');
    });
  });

  describe("TLS and the tutorial's token", () => {
    const token = ["-H", "token_id: 12345", "-H", "token_name: gsh_token"];

    it("calls with -cacert and -authority gsh.com, the certificate's only name, and the token as -H headers", async () => {
      expect(await runCli(["call", "-cacert", certFile, "-authority", "gsh.com", ...token, "-d", '{"name": "gsh", "id": 1}', tlsAt, "grpc.test/FirstRpc"])).toEqual({
        code: 0,
        stdout: '{\n  "status": "200",\n  "value": "Hello gsh, id 1"\n}\n',
        stderr: "",
      });
      expect((await runCli(["call", "-insecure", ...token, tlsAt, "grpc.test/FirstRpc"])).code).toBe(0);
      expect((await runCli(["list", "-cacert", certFile, "-servername", "gsh.com", tlsAt, "grpc.test"])).stdout).toBe("grpc.test.FirstRpc\n");
    });

    it("prints the interceptor's Unauthenticated without the token, with status 64 + 16", async () => {
      expect(await runCli(["call", "-cacert", certFile, "-authority", "gsh.com", tlsAt, "grpc.test/FirstRpc"])).toEqual({
        code: 80,
        stdout: "",
        stderr: "ERROR:\n  Code: Unauthenticated\n  Message: invalid token: send metadata token_id and token_name\n",
      });
    });

    it("fails to dial when the certificate does not verify", async () => {
      const { code, stderr } = await runCli(["call", "-cacert", certFile, tlsAt, "grpc.test/FirstRpc"]);
      expect(code).toBe(1);
      expect(stderr).toMatch(/^Failed to dial target host ".*": .*(IP|altnames|certificate)/);
    });
  });
});
