// The command line of call, list and describe: grpcurl's flags (cmd/grpcurl/grpcurl.go) and its
// argument checks, word for word, with the verb in front (`h2grpc call [flags] address method`).
import { CONNECTION_FLAGS, CONNECTION_HELP } from "./connection.js";
import { booleanFlag, listFlag, parseGoFlags, secondsFlag, stringFlag, UsageError, type FlagSpecs, type FlagValues } from "./go-flags.js";

/** The three grpcurl verbs; "call" is grpcurl's invoke (no verb). */
export type GrpcurlVerb = "call" | "list" | "describe";

/** A parsed call, list or describe command line. */
export interface GrpcurlOptions {
  readonly verb: GrpcurlVerb;
  /** The server address; undefined only for list/describe from -proto or -protoset files. */
  readonly address: string | undefined;
  /** The method (call), service (list) or symbol (describe); undefined lists or describes every service. */
  readonly symbol: string | undefined;
  /** The raw flags, for the connection settings. */
  readonly values: FlagValues;
  /** -d: request data, "@" for stdin; undefined sends an empty request to a unary or server-streaming method. */
  readonly data: string | undefined;
  readonly headers: readonly string[];
  readonly rpcHeaders: readonly string[];
  readonly reflectHeaders: readonly string[];
  readonly maxTimeMs: number | undefined;
  readonly format: "json" | "text";
  readonly emitDefaults: boolean;
  readonly allowUnknownFields: boolean;
  /** 0, 1 (-v: metadata) or 2 (-vv: also sizes and timing). */
  readonly verbosity: 0 | 1 | 2;
  readonly protoFiles: readonly string[];
  readonly importPaths: readonly string[];
  readonly protosets: readonly string[];
  readonly maxReceiveMessageBytes: number | undefined;
  readonly expandHeaders: boolean;
  /** grpcurl's warnings, printed as "Warning: …" before anything else. */
  readonly warnings: readonly string[];
}

const FLAGS: FlagSpecs = {
  ...CONNECTION_FLAGS,
  d: { type: "string" },
  H: { type: "string", multiple: true },
  "rpc-header": { type: "string", multiple: true },
  "reflect-header": { type: "string", multiple: true },
  "expand-headers": { type: "boolean" },
  "max-time": { type: "string" },
  "max-msg-sz": { type: "string" },
  format: { type: "string" },
  "emit-defaults": { type: "boolean" },
  "allow-unknown-fields": { type: "boolean" },
  v: { type: "boolean" },
  vv: { type: "boolean" },
  proto: { type: "string", multiple: true },
  "import-path": { type: "string", multiple: true },
  protoset: { type: "string", multiple: true },
  help: { type: "boolean", short: "h" },
};

const SYNOPSIS: Readonly<Record<GrpcurlVerb, string>> = {
  call: "h2grpc call [flags] <address> <service/method>",
  list: "h2grpc list [flags] <address> [service]",
  describe: "h2grpc describe [flags] <address> [symbol]",
};

const PURPOSE: Readonly<Record<GrpcurlVerb, string>> = {
  call: `Calls a method, grpcurl-style: the request as JSON (-d), the replies printed as they arrive, in
proto3 JSON as grpcurl prints them. The method is "pkg.Service/Method" (or "pkg.Service.Method").
Without -d, a unary or server-streaming method gets an empty request. On an RPC error prints
"ERROR:" with the code and message to stderr and exits 64 + the status code.`,
  list: `Lists the services the server exposes (sorted), or the methods of one service.`,
  describe: `Describes a service, method, message, enum or field as .proto source, as grpcurl does; without
a symbol, every service.`,
};

/** The --help text of one verb. */
export function grpcurlHelp(verb: GrpcurlVerb): string {
  return `usage: ${SYNOPSIS[verb]}

${PURPOSE[verb]}
Descriptors come from server reflection (v1, then v1alpha), or from -proto/-protoset files.
grpcurl's own argument order works too: h2grpc [flags] <address> [list|describe] [symbol].

${CONNECTION_HELP}  -H 'name: value'       request metadata, also sent with reflection requests (repeatable)
  -rpc-header 'n: v'    metadata for the call only (repeatable)
  -reflect-header 'n: v' metadata for reflection requests only (repeatable)
  -expand-headers       replace \${NAME} in header values with environment variables
  -d <json>             request data; several messages for a streaming request; @ reads stdin
  -format json|text     the format of -d and of the replies (default json)
  -emit-defaults        print fields that hold their default value too
  -allow-unknown-fields ignore JSON fields the request type does not have
  -max-time <s>         seconds the whole operation may take
  -max-msg-sz <bytes>   largest reply accepted (default 4194304)
  -proto <file>         read descriptors from .proto files instead of reflection (repeatable)
  -import-path <dir>    where -proto imports are found (repeatable)
  -protoset <file>      read descriptors from a FileDescriptorSet (protoc --descriptor_set_out)
  -v                    print the method, request and response metadata, and counts
  -vv                   -v, plus reply sizes and timing
`;
}

/** Parses a call/list/describe command line; throws UsageError with grpcurl's wording. Returns "help" for -help. */
export function parseGrpcurlOptions(verb: GrpcurlVerb, argv: readonly string[]): GrpcurlOptions | "help" {
  const { values, positionals } = parseGoFlags(argv, FLAGS);
  if (booleanFlag(values, "help")) return "help";
  const warnings: string[] = [];
  const format = stringFlag(values, "format", "json");
  if (format !== "json" && format !== "text") throw new UsageError("The -format option must be 'json' or 'text'.");
  if (booleanFlag(values, "emit-defaults") && format !== "json") warnings.push("The -emit-defaults is only used when using json format.");
  const maxTimeMs = secondsFlag(values, "max-time");
  const maxMessage = stringFlag(values, "max-msg-sz");
  if (maxMessage !== "" && !(Number(maxMessage) >= 0)) throw new UsageError("The -max-msg-sz argument must not be negative.");
  const [protoFiles, importPaths, protosets] = [listFlag(values, "proto"), listFlag(values, "import-path"), listFlag(values, "protoset")];
  const hasFiles = protoFiles.length > 0 || protosets.length > 0;
  if (protoFiles.length > 0 && protosets.length > 0) throw new UsageError("Use either -protoset files or -proto files, but not both.");
  if (importPaths.length > 0 && protoFiles.length === 0) warnings.push("The -import-path argument is not used unless -proto files are used.");

  let address: string | undefined;
  let symbol: string | undefined;
  if (verb === "call") {
    if (positionals.length < 2) throw new UsageError(positionals.length === 0 ? "No host:port specified." : "Too few arguments.");
    [address, symbol] = positionals;
  } else {
    if (values["d"] !== undefined) warnings.push("The -d argument is not used with 'list' or 'describe' verb.");
    if (listFlag(values, "rpc-header").length > 0) warnings.push("The -rpc-header argument is not used with 'list' or 'describe' verb.");
    // Without reflection, list and describe need no address: a lone argument is the symbol unless it looks like one.
    const first = positionals[0];
    if (hasFiles && positionals.length === 1 && first !== undefined && !looksLikeAddress(first)) symbol = first;
    else [address, symbol] = positionals;
    if (address === undefined && !hasFiles) throw new UsageError("No host:port specified, no protoset specified, and no proto sources specified.");
  }
  if (positionals.length > 2) throw new UsageError("Too many arguments.");
  return {
    verb,
    address,
    symbol,
    values,
    data: typeof values["d"] === "string" ? values["d"] : undefined,
    headers: listFlag(values, "H"),
    rpcHeaders: listFlag(values, "rpc-header"),
    reflectHeaders: listFlag(values, "reflect-header"),
    maxTimeMs: maxTimeMs === 0 ? undefined : maxTimeMs,
    format,
    emitDefaults: booleanFlag(values, "emit-defaults"),
    allowUnknownFields: booleanFlag(values, "allow-unknown-fields"),
    verbosity: booleanFlag(values, "vv") ? 2 : booleanFlag(values, "v") ? 1 : 0,
    protoFiles,
    importPaths,
    protosets,
    maxReceiveMessageBytes: maxMessage === "" || Number(maxMessage) === 0 ? undefined : Number(maxMessage),
    expandHeaders: booleanFlag(values, "expand-headers"),
    warnings,
  };
}

/** "host:port", "[::1]:port", "dns:…", "unix:…": what grpcurl would dial rather than describe. */
function looksLikeAddress(text: string): boolean {
  return text.includes(":") || text.includes("/");
}

/**
 * grpcurl's own order, `[flags] address [list|describe] [symbol]`, as a verb and its arguments
 * (the flags kept where they were); undefined when the line has no address-and-method shape.
 */
export function fromGrpcurlOrder(argv: readonly string[]): { verb: GrpcurlVerb; argv: string[] } | undefined {
  const listIndex = argv.findIndex((arg) => arg === "list" || arg === "describe");
  if (listIndex >= 0) return { verb: argv[listIndex] as GrpcurlVerb, argv: argv.filter((_, index) => index !== listIndex) };
  return argv.some((arg) => !arg.startsWith("-")) ? { verb: "call", argv: [...argv] } : undefined;
}
