// The h2grpc-gen command: arguments and config → generateTypes → files (or a --check report).
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { GENERATED_HEADER, generateTypes } from "../codec/generate-types.js";
import { VERSION } from "../version.js";

const USAGE = `usage: h2grpc-gen [options] <file.proto>...
       h2grpc-gen --config gen.config.json [--check]

Writes type-only TypeScript for .proto files: for each message Foo, Foo (what a sender passes)
and Foo__Output (what a receiver gets); for each service, XxxDefinition for
loadService<XxxDefinition>(protoPath, "pkg.Xxx"). Relative paths are resolved against the
current directory, then each -I directory.

  -o, --out-dir <dir>     where the .ts files go (default: the current directory)
  -I, --include <dir>     a directory to search for imports (repeatable)
      --import-from <m>   module to import the definition types from (default: "h2grpc")
      --config <file>     run every target of a JSON file:
                          {"targets": [{"protos": [...], "outDir", "includeDirs"?, "importFrom"?}]}
      --check             write nothing; exit 1 if a generated file is missing, stale or left over
  -h, --help              print this help
  -v, --version           print the version
`;

/** One generation job of a config file: protos (paths, or "dir/*.proto" patterns) into outDir. */
export interface GenTarget {
  readonly protos: readonly string[];
  readonly outDir: string;
  readonly includeDirs?: readonly string[];
  readonly importFrom?: string;
}

/** Where the command writes its progress and its complaints. */
export interface GenOutput {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const processOutput: GenOutput = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/**
 * Runs h2grpc-gen with command-line arguments; returns the exit code (0 ok, --help and --version
 * included; 1 a stale or missing file under --check; 2 usage). Throws the parser's Error for a
 * bad .proto or config file.
 */
export function runGen(argv: readonly string[], output: GenOutput = processOutput): number {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      "out-dir": { type: "string", short: "o", default: "." },
      include: { type: "string", short: "I", multiple: true, default: [] },
      "import-from": { type: "string" },
      config: { type: "string" },
      check: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
      version: { type: "boolean", short: "v", default: false },
    },
  });
  if (values.version) {
    output.stdout(`h2grpc-gen ${VERSION}\n`);
    return 0;
  }
  if (values.help || (positionals.length === 0 && values.config === undefined)) {
    output.stdout(USAGE);
    return values.help ? 0 : 2;
  }
  const targets: GenTarget[] =
    values.config !== undefined
      ? readConfig(values.config)
      : [{ protos: positionals, outDir: values["out-dir"], includeDirs: values.include, importFrom: values["import-from"] }];
  let problems = 0;
  for (const target of targets) problems += values.check ? checkTarget(target, output) : writeTarget(target, output);
  return problems === 0 ? 0 : 1;
}

function readConfig(file: string): GenTarget[] {
  const config = JSON.parse(readFileSync(file, "utf8")) as { targets?: unknown };
  if (!Array.isArray(config.targets)) throw new Error(`${file}: expected {"targets": [...]}`);
  return config.targets as GenTarget[];
}

function generate(target: GenTarget): Map<string, string> {
  const protos = target.protos.flatMap(expandPattern);
  const options = { includeDirs: target.includeDirs ?? [], ...(target.importFrom !== undefined ? { importFrom: target.importFrom } : {}) };
  return new Map(generateTypes(protos, options).map((file) => [path.join(target.outDir, file.fileName), file.text]));
}

function writeTarget(target: GenTarget, output: GenOutput): number {
  mkdirSync(target.outDir, { recursive: true });
  for (const [file, text] of generate(target)) {
    writeFileSync(file, text);
    output.stdout(`wrote ${file}\n`);
  }
  return 0;
}

/** Compares freshly generated text with the files on disk, as CI's `npm run gen:check` does. */
function checkTarget(target: GenTarget, output: GenOutput): number {
  const expected = generate(target);
  let problems = 0;
  for (const [file, text] of expected) {
    const actual = existsSync(file) ? readFileSync(file, "utf8") : undefined;
    if (actual === text) continue;
    problems++;
    output.stderr(`${file} is ${actual === undefined ? "missing" : "out of date"}: run \`npm run gen\`\n`);
  }
  for (const name of existsSync(target.outDir) ? readdirSync(target.outDir) : []) {
    const file = path.join(target.outDir, name);
    if (!name.endsWith(".ts") || expected.has(file)) continue;
    if (!readFileSync(file, "utf8").startsWith(GENERATED_HEADER)) continue;
    problems++;
    output.stderr(`${file} was generated from a .proto that is no longer listed: delete it\n`);
  }
  return problems;
}

/** "protos/tutorial/*.proto" → the matching files, sorted; a path without "*" is returned as is. */
function expandPattern(pattern: string): string[] {
  if (!pattern.includes("*")) return [pattern];
  const dir = path.dirname(pattern);
  if (dir.includes("*")) throw new Error(`${pattern}: "*" is supported in the file name only`);
  const escaped = path.basename(pattern).replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*");
  const matcher = new RegExp(`^${escaped}$`);
  return readdirSync(dir)
    .filter((name) => matcher.test(name))
    .sort()
    .map((name) => path.join(dir, name));
}

