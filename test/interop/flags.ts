// Command-line flags in the style every gRPC interop program takes: `--name=value` (or Go's
// `-name=value`), and a bare `--name` meaning "true" (grpc/grpc doc/interop-test-descriptions.md,
// "Clients should accept these arguments"). Booleans take what Go's flag package takes, since
// interop runners are written against grpc-go's programs.

/** Parsed `--name=value` flags. */
export interface Flags {
  /** The value of `--name`, or `fallback` when absent. */
  string(name: string, fallback: string): string;
  /** The value of `--name`, or undefined when absent. */
  optional(name: string): string | undefined;
  /** `--name=true|false` (or 1/0, t/f, TRUE/FALSE, True/False, as Go's strconv.ParseBool); throws TypeError for anything else. */
  bool(name: string, fallback: boolean): boolean;
  /** `--name=<integer>`; throws TypeError for anything else. */
  int(name: string, fallback: number): number;
}

const TRUE_VALUES = new Set(["1", "t", "T", "true", "TRUE", "True"]);
const FALSE_VALUES = new Set(["0", "f", "F", "false", "FALSE", "False"]);

/** Parses argv (without node and the script); throws TypeError for an argument that is not a flag. */
export function parseFlags(argv: readonly string[]): Flags {
  const values = new Map<string, string>();
  for (const arg of argv) {
    const match = /^--?([A-Za-z0-9_-]+)(?:=(.*))?$/s.exec(arg);
    if (match === null) throw new TypeError(`unexpected argument "${arg}": flags look like --name=value`);
    values.set((match[1] as string).replace(/-/g, "_"), match[2] ?? "true");
  }
  return {
    string: (name, fallback) => values.get(name) ?? fallback,
    optional: (name) => values.get(name),
    bool(name, fallback) {
      const value = values.get(name);
      if (value === undefined) return fallback;
      if (TRUE_VALUES.has(value)) return true;
      if (FALSE_VALUES.has(value)) return false;
      throw new TypeError(`--${name} must be true or false, got "${value}"`);
    },
    int(name, fallback) {
      const value = values.get(name);
      if (value === undefined) return fallback;
      if (!/^\d+$/.test(value)) throw new TypeError(`--${name} must be a non-negative integer, got "${value}"`);
      return Number(value);
    },
  };
}

/** Runs `parse`; on a TypeError (a bad flag) prints its message and exits with status 2, as CLIs do for usage errors. */
export function orExitOnUsageError<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
}

/** True when argv asks for help: --help, -help or -h, as Go's flag package takes them. */
export function isHelpRequested(argv: readonly string[]): boolean {
  return argv.some((arg) => arg === "--help" || arg === "-help" || arg === "-h" || arg === "--h");
}

/** Prints `usage` to stdout and exits 0 when argv asks for help (Go's flag package does the same). */
export function exitWithUsageOnHelp(argv: readonly string[], usage: string): void {
  if (!isHelpRequested(argv)) return;
  process.stdout.write(usage);
  process.exit(0);
}

/** The --help text of an interop server program started as `command`. */
export function interopServerUsage(command: string, library: string): string {
  return `usage: ${command} [--port=0] [--host=127.0.0.1] [--use_tls=false [--tls_cert_file=F --tls_key_file=K]]
${library}'s interop server: grpc.testing.TestService as grpc's doc/interop-test-descriptions.md describes it.
  --port           port to listen on (default 0: a free one); prints "listening on <port>" once it serves
  --host           address to listen on (default 127.0.0.1)
  --use_tls        serve TLS (default false), with the generated interop test certificate unless
  --tls_cert_file  and --tls_key_file name a PEM certificate chain and key
SIGTERM or SIGINT stops it. A test-only tap on node:http2 records every message's Compressed-Flag
for the compression cases (wire-tap.ts), which costs CPU on every call: measure speed with
npm run bench (bench/README.md), not with this program.
`;
}

