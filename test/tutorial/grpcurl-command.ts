// grpcurl is not installable here, but real grpcurl will be pointed at the tutorial server. So the
// tests read every grpcurl command we print or document, check it against grpcurl's flag rules
// (cmd/grpcurl/grpcurl.go: flags before the address, -plaintext vs TLS, -d JSON), and replay the
// call it describes with grpc-js: the same method, request JSON, headers and deadline.
import protobuf from "protobufjs";

/** A parsed grpcurl command line. */
export interface GrpcurlCommand {
  readonly line: string;
  readonly flags: ReadonlyMap<string, readonly string[]>;
  readonly address: string;
  readonly verb: "list" | "describe" | "call";
  /** The service (list), symbol (describe) or "pkg.Service/Method" (call); undefined for a bare list/describe. */
  readonly target: string | undefined;
  /** The -d messages, parsed. */
  readonly messages: readonly Record<string, unknown>[];
  /** The -H headers, as [name, value]. */
  readonly headers: readonly (readonly [string, string])[];
}

// grpcurl 1.9's flags: those that take a value, and the booleans.
const VALUE_FLAGS = new Set(["d", "H", "cacert", "cert", "key", "authority", "servername", "max-time", "connect-timeout", "keepalive-time",
  "max-msg-sz", "format", "proto", "protoset", "import-path", "rpc-header", "reflect-header", "user-agent", "protoset-out", "proto-out-dir"]);
const BOOLEAN_FLAGS = new Set(["plaintext", "insecure", "v", "vv", "emit-defaults", "keep-proto-names", "msg-template", "allow-unknown-fields",
  "format-error", "expand-headers", "help", "version", "use-reflection"]);

/** Splits a shell command line as sh would for our commands: single and double quotes, and a trailing # comment. */
export function splitShellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const char = line[i] as string;
    if (char === "'" || char === '"') {
      const end = line.indexOf(char, i + 1);
      if (end < 0) throw new Error(`unclosed ${char} in: ${line}`);
      word = (word ?? "") + line.slice(i + 1, end);
      i = end;
    } else if (char === " " || char === "\t") {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (char === "#" && word === undefined) {
      break;
    } else {
      word = (word ?? "") + char;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** Splits grpcurl's -d value into its concatenated JSON objects; throws SyntaxError for bad JSON. */
export function splitJsonMessages(data: string): Record<string, unknown>[] {
  const messages: Record<string, unknown>[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < data.length; i++) {
    const char = data[i];
    if (inString) {
      if (char === "\\") i++;
      else if (char === '"') inString = false;
    } else if (char === '"') {
      inString = true;
    } else if (char === "{") {
      if (depth++ === 0) start = i;
    } else if (char === "}") {
      if (--depth === 0) messages.push(JSON.parse(data.slice(start, i + 1)) as Record<string, unknown>);
    } else if (depth === 0 && char !== undefined && !/\s/.test(char)) {
      throw new SyntaxError(`unexpected ${JSON.stringify(char)} between messages in -d ${data}`);
    }
  }
  if (depth !== 0 || inString) throw new SyntaxError(`unterminated JSON in -d ${data}`);
  return messages;
}

/** Parses one grpcurl command line; throws Error naming what grpcurl would reject. */
export function parseGrpcurl(line: string): GrpcurlCommand {
  const words = splitShellWords(line);
  if (words[0] !== "grpcurl") throw new Error(`not a grpcurl command: ${line}`);
  const flags = new Map<string, string[]>();
  let i = 1;
  // Go's flag package stops at the first argument that is not a flag: the address.
  for (; i < words.length && (words[i] as string).startsWith("-"); i++) {
    const name = (words[i] as string).replace(/^--?/, "");
    if (BOOLEAN_FLAGS.has(name)) flags.set(name, ["true"]);
    else if (VALUE_FLAGS.has(name)) {
      const value = words[++i];
      if (value === undefined) throw new Error(`-${name} needs a value: ${line}`);
      flags.set(name, [...(flags.get(name) ?? []), value]);
    } else throw new Error(`grpcurl has no flag -${name}: ${line}`);
  }
  const [address, second, third, ...rest] = words.slice(i);
  if (address === undefined || !/^(127\.0\.0\.1|localhost|\[::1\]):\d+$/.test(address)) throw new Error(`expected host:port after the flags: ${line}`);
  if (rest.length > 0 || (second !== "list" && second !== "describe" && third !== undefined)) throw new Error(`extra arguments (flags must precede the address): ${line}`);
  const verb = second === "list" || second === "describe" ? second : "call";
  const target = verb === "call" ? second : third;
  if (verb === "call" && (target === undefined || !/^[A-Za-z_][\w.]*\/\w+$/.test(target))) throw new Error(`expected pkg.Service/Method: ${line}`);

  const isPlaintext = flags.has("plaintext");
  const isTls = flags.has("insecure") || flags.has("cacert");
  if (isPlaintext === isTls) throw new Error(`use -plaintext, or TLS with -cacert or -insecure: ${line}`);
  if (flags.has("cacert") && flags.get("authority")?.[0] !== "gsh.com") throw new Error(`-cacert needs -authority gsh.com (the certificate names only gsh.com): ${line}`);

  const data = flags.get("d");
  if (data !== undefined && verb !== "call") throw new Error(`-d only applies to calls: ${line}`);
  const headers = (flags.get("H") ?? []).map((header): [string, string] => {
    const match = /^([\w.-]+):\s*(.*)$/.exec(header);
    if (match === null) throw new Error(`-H takes 'name: value', got ${JSON.stringify(header)}`);
    return [match[1] as string, match[2] as string];
  });
  const messages = data === undefined ? [] : splitJsonMessages(data.join(""));
  return { line, flags, address, verb, target, messages, headers };
}

/**
 * Checks a call's request messages against the method's request type as grpcurl would (field
 * names as written or in lowerCamel, JSON values of the right kind); returns the messages with
 * lowerCamel keys for h2grpc's serializers; throws Error for an unknown field or a bad value.
 */
export function checkRequestMessages(command: GrpcurlCommand, requestType: protobuf.Type): Record<string, unknown>[] {
  return command.messages.map((message) => {
    const camel: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(message)) {
      // loadProto keeps protobufjs's lowerCamel names, which is also the JSON name of a snake_case field.
      const field = requestType.fields[protobuf.util.camelCase(key)];
      if (field === undefined) throw new Error(`${requestType.fullName} has no field ${key}: ${command.line}`);
      camel[field.name] = value;
    }
    const problem = requestType.verify(requestType.fromObject(camel));
    if (problem !== null) throw new Error(`${problem}: ${command.line}`);
    return camel;
  });
}
