// Command lines as Go programs take them (grpcurl, grpc_health_probe, ghz): `-flag value`,
// `-flag=value`, `--flag`, and booleans as `-flag` or `-flag=false`. node:util parseArgs reads
// only `--long` and `-x` short flags, so each argument is first rewritten into the one spelling
// parseArgs takes unambiguously: `--name=value` for values (even one starting with "-"), `--name`
// for a true boolean.
import { parseArgs } from "node:util";
import { parseGoDuration } from "../codec/time-text.js";

/** A flag: its value type, whether it repeats, and its one-letter alias (`-d` for `--data`). */
export interface FlagSpec {
  readonly type: "string" | "boolean";
  readonly multiple?: boolean;
  readonly short?: string;
}

/** The flags of one command, by name. */
export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

/** The parsed values: strings, string lists for repeated flags, booleans. */
export type FlagValues = { readonly [name: string]: string | boolean | string[] | undefined };

/** A command line the user got wrong: exit status 2 (Go's flag package), with the message and a pointer to --help. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

const TRUE_WORDS = new Set(["1", "t", "T", "TRUE", "true", "True"]);
const FALSE_WORDS = new Set(["0", "f", "F", "FALSE", "false", "False"]);

/**
 * Parses `argv` against `specs`, flags anywhere among the positionals, until a `--`. Throws
 * UsageError with Go's wording for an unknown flag, a missing value or a bad boolean.
 */
export function parseGoFlags(argv: readonly string[], specs: FlagSpecs): { values: FlagValues; positionals: string[] } {
  const byShort = new Map(Object.entries(specs).flatMap(([name, spec]) => (spec.short === undefined ? [] : [[spec.short, name] as const])));
  const rewritten: string[] = [];
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    const body = arg.replace(/^--?/, "");
    const equals = body.indexOf("=");
    const given = equals < 0 ? body : body.slice(0, equals);
    const inlineValue = equals < 0 ? undefined : body.slice(equals + 1);
    const name = specs[given] !== undefined ? given : byShort.get(given);
    const spec = name === undefined ? undefined : specs[name];
    if (name === undefined || spec === undefined) throw new UsageError(`flag provided but not defined: -${given}`);
    if (spec.type === "boolean") {
      if (inlineValue === undefined || TRUE_WORDS.has(inlineValue)) rewritten.push(`--${name}`);
      else if (!FALSE_WORDS.has(inlineValue)) throw new UsageError(`invalid boolean value ${JSON.stringify(inlineValue)} for -${given}`);
      continue;
    }
    const value = inlineValue ?? argv[++i];
    if (value === undefined) throw new UsageError(`flag needs an argument: -${given}`);
    rewritten.push(`--${name}=${value}`);
  }
  const options = Object.fromEntries(Object.entries(specs).map(([name, spec]) => [name, { type: spec.type, multiple: spec.multiple === true }]));
  const { values } = parseArgs({ args: rewritten, options, strict: true, allowPositionals: false });
  return { values: values as FlagValues, positionals };
}

/** A string flag's value, or `fallback`. */
export function stringFlag(values: FlagValues, name: string, fallback = ""): string {
  const value = values[name];
  return typeof value === "string" ? value : fallback;
}

/** A repeated string flag's values ([] when absent). */
export function listFlag(values: FlagValues, name: string): string[] {
  const value = values[name];
  return Array.isArray(value) ? value : [];
}

/** A boolean flag's value. */
export function booleanFlag(values: FlagValues, name: string): boolean {
  return values[name] === true;
}

/** A float-seconds flag (grpcurl's -max-time 2.5) in ms, or undefined when absent; throws UsageError for a bad or negative number. */
export function secondsFlag(values: FlagValues, name: string): number | undefined {
  const text = stringFlag(values, name);
  if (text === "") return undefined;
  const seconds = Number(text);
  if (!Number.isFinite(seconds)) throw new UsageError(`invalid value ${JSON.stringify(text)} for flag -${name}: parse error`);
  if (seconds < 0) throw new UsageError(`The -${name} argument must not be negative.`);
  return seconds * 1000;
}

/** A Go duration flag ("1s", "500ms", "1m30s") in ms, or undefined when absent; throws UsageError as Go's flag package words it. */
export function durationFlag(values: FlagValues, name: string): number | undefined {
  const text = stringFlag(values, name);
  if (text === "") return undefined;
  try {
    const { seconds, nanos } = parseGoDuration(text);
    return Number(seconds) * 1000 + nanos / 1e6;
  } catch {
    throw new UsageError(`invalid value ${JSON.stringify(text)} for flag -${name}: parse error`);
  }
}

/** A duration in ms as Go's time.Duration prints it: "1s", "1.5s", "250ms", "1m30s", "1h0m0s". */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return "0s";
  const sign = ms < 0 ? "-" : "";
  const total = Math.abs(ms);
  if (total < 1000) return `${sign}${trimZeros(total.toFixed(3))}ms`;
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor((total % 3_600_000) / 60_000);
  const seconds = trimZeros(((total % 60_000) / 1000).toFixed(3));
  if (hours > 0) return `${sign}${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${sign}${minutes}m${seconds}s`;
  return `${sign}${seconds}s`;
}

function trimZeros(text: string): string {
  return text.includes(".") ? text.replace(/0+$/, "").replace(/\.$/, "") : text;
}
