// Where .proto files are looked for, and what a failed load says: the file at fault, the paths
// tried and the include dirs, never a bare ENOENT or a parser message without a file name.
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import protobuf from "protobufjs";
import type { ReflectionObject, Root } from "protobufjs";

/** A .proto file: a path (absolute, or relative to process.cwd() or an include dir) or a file: URL. */
export type ProtoPath = string | URL;

/** A path for a ProtoPath: file: URLs (objects or strings) become absolute paths; throws TypeError for other URLs. */
export function toFilePath(protoPath: ProtoPath): string {
  if (typeof protoPath === "string" && !protoPath.startsWith("file:")) return protoPath;
  const url = typeof protoPath === "string" ? new URL(protoPath) : protoPath;
  if (url.protocol !== "file:") throw new TypeError(`cannot load ${url.href}: only file: URLs and paths name .proto files`);
  return fileURLToPath(url);
}

/** One lookup of a file: the file that imports it ("" for a file given to load), and where it was looked for. */
interface Lookup {
  readonly origin: string;
  readonly target: string;
  readonly candidates: readonly string[];
  readonly found: string;
}

/**
 * Resolves imports against the importing file's directory, then each include dir, remembering
 * the last lookup: protobufjs resolves a file just before it reads and parses it, so a failure
 * while loading belongs to that file.
 */
export class ProtoFilesResolver {
  readonly includeDirs: readonly string[];
  /** Searched after includeDirs but not listed in messages (protobufjs's own google/protobuf files). */
  readonly #fallbackDirs: readonly string[];
  #last: Lookup | undefined;

  constructor(includeDirs: readonly string[], fallbackDirs: readonly string[] = []) {
    this.includeDirs = includeDirs;
    this.#fallbackDirs = fallbackDirs;
  }

  /** For `root.resolvePath`: the first candidate that exists, else the first candidate (whose read then fails). */
  resolve(origin: string, target: string): string {
    const candidates = path.isAbsolute(target) ? [target] : [origin === "" ? target : path.resolve(path.dirname(origin), target)];
    if (!path.isAbsolute(target)) for (const dir of this.includeDirs) candidates.push(path.resolve(dir, target));
    const fallbacks = path.isAbsolute(target) ? [] : this.#fallbackDirs.map((dir) => path.resolve(dir, target));
    const found = [...candidates, ...fallbacks].find((candidate) => existsSync(candidate)) ?? (candidates[0] as string);
    this.#last = { origin, target, candidates, found };
    return found;
  }

  /** The Error loadSync's `error` should be: it names the file, and for a missing file the paths tried. */
  describeLoadError(error: unknown): Error {
    const message = error instanceof Error ? error.message : String(error);
    const last = this.#last;
    if (last === undefined) return error instanceof Error ? error : new Error(message);
    if ((error as { code?: unknown }).code === "ENOENT") {
      const importedBy = last.origin === "" ? "" : ` (imported by ${last.origin})`;
      const tried = [...new Set(last.candidates.map((candidate) => path.resolve(candidate)))].join(", ");
      const dirs = this.includeDirs.length === 0 ? "none" : this.includeDirs.join(", ");
      return new Error(
        `cannot find ${last.target}${importedBy}: tried ${tried}; include dirs: ${dirs}. Relative paths are resolved ` +
          `against process.cwd() (${process.cwd()}) and the include dirs; pass an absolute path or ` +
          `new URL("./file.proto", import.meta.url) to load a file next to your module`,
        { cause: error },
      );
    }
    return new Error(`${last.found}: ${message}`, { cause: error });
  }
}

/**
 * Resolves every type reference of `root`; throws Error naming the file of the first one that
 * does not resolve ("greeter.proto: no such Type or Enum 'Nope' in Type .demo.v1.HelloRequest").
 */
export function resolveAllNamingFile(root: Root): void {
  try {
    root.resolveAll();
  } catch (error) {
    const culprit = firstUnresolvable(root);
    const file = culprit === undefined ? undefined : fileOf(culprit);
    if (file === undefined) throw error;
    throw new Error(`${file}: ${(error as Error).message}`, { cause: error });
  }
}

function firstUnresolvable(object: ReflectionObject): ReflectionObject | undefined {
  const children: ReflectionObject[] =
    object instanceof protobuf.Type
      ? [...object.fieldsArray, ...object.nestedArray]
      : object instanceof protobuf.Service
        ? [...object.methodsArray, ...object.nestedArray]
        : object instanceof protobuf.Namespace
          ? object.nestedArray
          : [];
  if (children.length === 0) {
    try {
      object.resolve();
    } catch {
      return object;
    }
    return undefined;
  }
  for (const child of children) {
    const found = firstUnresolvable(child);
    if (found !== undefined) return found;
  }
  return undefined;
}

function fileOf(object: ReflectionObject): string | undefined {
  for (let current: ReflectionObject | null = object; current !== null; current = current.parent) {
    if (current.filename !== null && current.filename !== undefined) return current.filename;
  }
  return undefined;
}
