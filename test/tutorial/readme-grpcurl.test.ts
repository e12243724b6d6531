// The grpcurl commands of the README's tutorial and of `npm start`'s banner: each one parses as
// grpcurl parses it, names a method, service or symbol the server has, sends fields the request
// type has, and, replayed with grpc-js against the tutorial server (plaintext or TLS as its flags
// say), succeeds, or fails with the code the README shows, printing the fields the README shows.
import * as grpc from "@grpc/grpc-js";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import protobuf from "protobufjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AnyMethodDefinition } from "../../src/definition.js";
import { Status } from "../../src/status.js";
import { grpcurlCommands } from "../../examples/tutorial/grpcurl-commands.js";
import { LESSONS } from "../../examples/tutorial/lessons/all-lessons.js";
import { checkRequestMessages, parseGrpcurl, type GrpcurlCommand } from "./grpcurl-command.js";
import { requirePeer } from "../helpers/peers.js";
import { startTutorialForTest, tutorialCertificateForTest, type TutorialFixture } from "./tutorial-fixture.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const README = readFileSync(path.join(ROOT, "README.md"), "utf8");
const TUTORIAL_SECTION = README.slice(README.indexOf("\n## Tutorial\n"), README.indexOf("\n## ", README.indexOf("\n## Tutorial\n") + 1));
const SECTION_LINES = TUTORIAL_SECTION.split("\n");

/** A grpcurl line of the README, with the output shown in the comment lines below it. */
interface DocumentedCommand {
  readonly command: GrpcurlCommand;
  readonly shownOutput: string;
}

// Only lines inside ```sh blocks are commands; prose mentions grpcurl too.
const isInShellBlock = SECTION_LINES.map(
  (
    (inBlock) => (line: string) =>
      (inBlock = line.startsWith("```") ? line === "```sh" : inBlock)
  )(false),
);
const documented: DocumentedCommand[] = SECTION_LINES.flatMap((line, index) => {
  if (!line.startsWith("grpcurl ") || isInShellBlock[index] !== true) return [];
  const output: string[] = [];
  // The `npx h2grpc` twin of a grpcurl line sits between it and the output both print.
  for (let next = index + 1; /^(#|npx h2grpc )/.test(SECTION_LINES[next] ?? ""); next++) {
    if (SECTION_LINES[next]?.startsWith("#") === true) output.push(SECTION_LINES[next] as string);
  }
  return [{ command: parseGrpcurl(line), shownOutput: output.join("\n") }];
});
// The banner's commands, each with the "# ..." line above it (which names an expected error code).
const bannerCommands = [
  ...grpcurlCommands({ address: "127.0.0.1:50051" }),
  ...grpcurlCommands({ address: "127.0.0.1:50051", certPath: ".tutorial-tls/server.pem" }),
].flatMap((line, index, lines) => {
  if (!line.startsWith("grpcurl ")) return [];
  const above = lines.slice(0, index).reverse().find((earlier) => earlier.startsWith("#")) ?? "";
  return [{ command: parseGrpcurl(line), shownOutput: /Code: \w+/.test(above) ? above : "" }];
});

const isTls = (command: GrpcurlCommand): boolean => !command.flags.has("plaintext");

const hasOpenssl = requirePeer("the README's TLS grpcurl calls", "openssl");

describe("grpcurl commands of the tutorial", () => {
  const servers: { plaintext?: TutorialFixture; tls?: TutorialFixture } = {};
  let tlsCa = "";
  let methods: Map<string, AnyMethodDefinition>;
  let requestTypes: Map<string, protobuf.Type>;
  let services: string[];

  beforeAll(async () => {
    servers.plaintext = await startTutorialForTest();
    if (hasOpenssl) {
      const { dir, certificate } = tutorialCertificateForTest();
      tlsCa = certificate.cert;
      servers.tls = await startTutorialForTest({ tls: true, certificateDir: dir });
    }
    methods = new Map(servers.plaintext.tutorial.server.services.flatMap((service) => Object.values(service.methods).map((method) => [method.path, method])));
    requestTypes = new Map(
      servers.plaintext.tutorial.server.services.flatMap((service) =>
        Object.values(service.methods).map((method) => [method.path, (service.root as protobuf.Root).lookupType(method.requestType)]),
      ),
    );
    services = servers.plaintext.tutorial.server.services.map((service) => service.typeName);
  });
  afterAll(async () => {
    await servers.plaintext?.tutorial.close();
    await servers.tls?.tutorial.close();
  });

  it("the README shows every lesson's npm run tutorial command and a grpcurl call of every tutorial method", () => {
    for (const lesson of Object.keys(LESSONS)) expect(TUTORIAL_SECTION).toMatch(new RegExp(`\nnpm run tutorial -- ${lesson}[ \n]`));
    const called = new Set(documented.filter(({ command }) => command.verb === "call").map(({ command }) => `/${command.target}`));
    const tutorialMethods = [...methods.keys()].filter((method) => !method.startsWith("/grpc.reflection.") && !method.endsWith("/List"));
    expect(tutorialMethods.filter((method) => !called.has(method))).toEqual([]);
  });

  it("every command names a service, symbol or method the server has, with request fields its type has", () => {
    expect(documented.length).toBeGreaterThan(15);
    for (const { command } of [...documented, ...bannerCommands]) {
      if (command.verb === "list") {
        if (command.target !== undefined) expect(services, command.line).toContain(command.target);
        continue;
      }
      const roots = servers.plaintext?.tutorial.server.services.map((service) => service.root as protobuf.Root) ?? [];
      if (command.verb === "describe") {
        expect(roots.some((root) => root.lookup(command.target as string) !== null), command.line).toBe(true);
        continue;
      }
      const method = methods.get(`/${command.target}`);
      expect(method, command.line).toBeDefined();
      checkRequestMessages(command, requestTypes.get(`/${command.target}`) as protobuf.Type);
      const isSingleRequest = method?.kind === "unary" || method?.kind === "server_streaming";
      expect(isSingleRequest ? command.messages.length <= 1 : command.messages.length >= 1, command.line).toBe(true);
    }
  });

  it("the README's `list` output is what grpcurl prints: every service, sorted as Go sorts strings", () => {
    const listing = documented.find(({ command }) => command.verb === "list" && command.target === undefined && command.flags.has("plaintext"));
    const shown = listing?.shownOutput.split("\n").map((line) => line.replace(/^# /, ""));
    expect(shown).toEqual([...services].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  it("every call, replayed with grpc-js, ends as the README shows", async () => {
    const calls = [...documented, ...bannerCommands].filter(({ command }) => command.verb === "call" && (hasOpenssl || !isTls(command)));
    await Promise.all(
      calls.map(async ({ command, shownOutput }) => {
        const fixture = (isTls(command) ? servers.tls : servers.plaintext) as TutorialFixture;
        const method = methods.get(`/${command.target}`) as AnyMethodDefinition;
        const requests = checkRequestMessages(command, requestTypes.get(method.path) as protobuf.Type);
        const result = await replay(command, method, requests, fixture.tutorial.port, tlsCa);
        const expectedCode = /Code: (\w+)/.exec(shownOutput)?.[1];
        expect(result.code === Status.OK ? "OK" : Status[result.code], command.line).toBe(
          expectedCode === undefined ? "OK" : expectedCode.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase(),
        );
        if (method.localName === "watch") return; // the README's Watch output spans a shutdown
        const json = JSON.stringify(result.replies);
        for (const [, key, value] of shownOutput.matchAll(/"(\w+)": ("[^"]*")/g)) expect(json, command.line).toContain(`"${key}":${value}`);
      }),
    );
  }, 20_000);
});

/** Makes the call a grpcurl command describes, with grpc-js; resolves with the status code and the replies. */
async function replay(command: GrpcurlCommand, method: AnyMethodDefinition, requests: readonly Record<string, unknown>[], port: number, ca: string): Promise<{ code: Status; replies: unknown[] }> {
  const authority = command.flags.get("authority")?.[0];
  const credentials = isTls(command)
    ? grpc.credentials.createSsl(Buffer.from(ca), null, null, command.flags.has("insecure") ? { checkServerIdentity: () => undefined } : {})
    : grpc.credentials.createInsecure();
  // grpc-js sends the dialled host as TLS SNI unless overridden, and an IP there is DEP0123 (RFC
  // 6066 forbids it); grpcurl, like Go's crypto/tls, sends no SNI for an IP. With -insecure and no
  // -authority the name is unchecked, so any name will do.
  const serverName = authority ?? (isTls(command) ? "localhost" : undefined);
  const nameOptions = serverName === undefined ? {} : { "grpc.ssl_target_name_override": serverName };
  const client = new grpc.Client(`127.0.0.1:${port}`, credentials, authority === undefined ? nameOptions : { ...nameOptions, "grpc.default_authority": authority });
  const metadata = new grpc.Metadata();
  for (const [name, value] of command.headers) metadata.add(name, value);
  const maxTime = command.flags.get("max-time")?.[0];
  const options = maxTime === undefined ? {} : { deadline: Date.now() + Number(maxTime) * 1_000 };
  const serialize = (value: unknown): Buffer => Buffer.from(method.requestSerializer.serialize(value));
  const deserialize = (bytes: Buffer): unknown => method.responseSerializer.deserialize(bytes);
  const replies: unknown[] = [];
  try {
    let call: grpc.ClientReadableStream<unknown>;
    if (method.kind === "unary" || method.kind === "server_streaming") {
      call = client.makeServerStreamRequest(method.path, serialize, deserialize, requests[0] ?? {}, metadata, options);
    } else {
      // A client-streaming call is a bidi call with one reply, as far as the wire goes.
      const duplex = client.makeBidiStreamRequest(method.path, serialize, deserialize, metadata, options);
      for (const request of requests) duplex.write(request);
      duplex.end();
      call = duplex;
    }
    return await new Promise((resolve) => {
      call.on("data", (reply: unknown) => {
        replies.push(reply);
        if (method.localName === "watch") call.cancel(); // Watch never ends by itself: stop after the first status
      });
      call.on("error", (error: grpc.ServiceError) => resolve({ code: method.localName === "watch" && error.code === Status.CANCELLED ? Status.OK : error.code, replies }));
      call.on("status", (status: grpc.StatusObject) => status.code === Status.OK && resolve({ code: Status.OK, replies }));
    });
  } finally {
    client.close();
  }
}
