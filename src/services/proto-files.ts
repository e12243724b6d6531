import { readFileSync } from "node:fs";
import path from "node:path";
import protobuf from "protobufjs";
import type { INamespace, Namespace, Root } from "protobufjs";
import { synthesizeProtoFiles } from "./synthetic-proto-files.js";

/** One .proto file as reflection describes it: its declarations, parsed on their own, with the names protoc would give. */
export interface ProtoFile {
  /** The name relative to an include root, as imports spell it: "grpc/testing/messages.proto". */
  readonly name: string;
  /** "" when the file declares no package. */
  readonly packageName: string;
  readonly syntax: "proto2" | "proto3" | "editions";
  /** The edition of an `edition = "2023";` file; undefined otherwise. */
  readonly edition: string | undefined;
  /** The names of the files it imports, in declaration order (the weak ones last). */
  readonly dependencies: readonly string[];
  /** Indexes into `dependencies` of the `import weak` ones. */
  readonly weakDependencyIndexes: readonly number[];
  /** The namespace holding the file's top-level declarations, with the field names as written. */
  readonly declarations: Namespace;
  /** The file options, flat as protobufjs keeps them: { go_package: "…", java_multiple_files: true }. */
  readonly options: Readonly<Record<string, unknown>> | undefined;
  /** Field names are camelCase in protobufjs' bundled well-known types; the canonical files use snake_case. */
  readonly isBundledWellKnownType: boolean;
}

// protobufjs serves these google/protobuf files from bundled JSON rather than from disk.
const BUNDLED = protobuf.common as unknown as Readonly<Record<string, INamespace | undefined>>;

/**
 * Re-reads every file a protobufjs Root was loaded from, keeping field names as written (loadProto
 * camelCases them) and each file's imports, which a Root does not record; a Root built without
 * files is described by synthesizeProtoFiles. Throws nothing: a file that can no longer be read
 * is left out, and reflection answers NOT_FOUND for its symbols.
 */
export function readProtoFiles(root: Root): ProtoFile[] {
  if (root.files.length === 0) return synthesizeProtoFiles(root);
  const parsed = new Map<string, { result: protobuf.IParserResult; source: string }>();
  const nameByKey = new Map<string, string>();
  for (const key of root.files) {
    if (isBundled(key)) continue;
    const source = readSource(key);
    const result = source === undefined ? undefined : parseSource(source);
    if (source !== undefined && result !== undefined) parsed.set(key, { result, source });
  }
  // Only protobufjs JSON (or nothing readable) behind this Root: describe what it holds instead.
  if (parsed.size === 0 && !root.files.every(isBundled)) return synthesizeProtoFiles(root);
  // protoc names a file by the path an import spells, so dependency names always match file names.
  for (const [key, { result }] of parsed) {
    for (const spelled of [...(result.imports ?? []), ...(result.weakImports ?? [])]) {
      const importedKey = resolveImportKey(root, key, spelled);
      if (importedKey !== undefined && !nameByKey.has(importedKey)) nameByKey.set(importedKey, toPosix(spelled));
    }
  }

  const files: ProtoFile[] = [];
  for (const key of root.files) {
    const bundled = bundledFile(key);
    if (bundled !== undefined) {
      files.push(bundled);
      continue;
    }
    const entry = parsed.get(key);
    if (entry === undefined) continue;
    const { result, source } = entry;
    const nameOf = (spelled: string): string => {
      const importedKey = resolveImportKey(root, key, spelled);
      return (importedKey === undefined ? undefined : nameByKey.get(importedKey)) ?? toPosix(spelled);
    };
    const imports = (result.imports ?? []).map(nameOf);
    const weakImports = (result.weakImports ?? []).map(nameOf);
    const declarations = packageNamespace(result.root, result.package ?? "");
    const edition = /^\s*edition\s*=\s*["'](\w+)["']/m.exec(source)?.[1];
    files.push({
      name: nameByKey.get(key) ?? topLevelName(root, key),
      packageName: result.package ?? "",
      syntax: edition !== undefined ? "editions" : syntaxOf(source),
      edition,
      dependencies: [...imports, ...weakImports],
      weakDependencyIndexes: weakImports.map((_, index) => imports.length + index),
      declarations,
      options: declarations.options,
      isBundledWellKnownType: false,
    });
  }
  return files;
}

function isBundled(key: string): boolean {
  return BUNDLED[key] !== undefined && key.startsWith("google/protobuf/");
}

function bundledFile(key: string): ProtoFile | undefined {
  const json = isBundled(key) ? BUNDLED[key] : undefined;
  if (json === undefined) return undefined;
  return {
    name: key,
    packageName: "google.protobuf",
    syntax: "proto3",
    edition: undefined,
    // struct.proto is the only bundled file referring to another type, and only to its own.
    dependencies: [],
    weakDependencyIndexes: [],
    declarations: packageNamespace(protobuf.Root.fromJSON(json), "google.protobuf"),
    options: wellKnownFileOptions(key),
    isBundledWellKnownType: true,
  };
}

// The options every google/protobuf/<name>.proto of the well-known types declares; the bundled
// JSON leaves them out.
function wellKnownFileOptions(key: string): Record<string, unknown> {
  const baseName = path.posix.basename(key, ".proto");
  const className = baseName.replace(/(?:^|_)([a-z])/g, (_match, letter: string) => letter.toUpperCase());
  return {
    java_package: "com.google.protobuf",
    java_outer_classname: `${className}Proto`,
    java_multiple_files: true,
    go_package: `google.golang.org/protobuf/types/known/${baseName.replace(/_/g, "")}pb`,
    // any.proto alone leaves cc_enable_arenas out.
    ...(baseName === "any" ? {} : { cc_enable_arenas: true }),
    objc_class_prefix: "GPB",
    csharp_namespace: "Google.Protobuf.WellKnownTypes",
  };
}

// A .json file protobufjs loaded, or a file changed since, does not parse: it is left out.
function parseSource(source: string): protobuf.IParserResult | undefined {
  try {
    return protobuf.parse(source, new protobuf.Root(), { keepCase: true, alternateCommentMode: true });
  } catch {
    return undefined;
  }
}

function readSource(key: string): string | undefined {
  try {
    return readFileSync(key, "utf8");
  } catch {
    return undefined;
  }
}

// The key protobufjs stored the imported file under: the same two steps as Root#load.
function resolveImportKey(root: Root, importer: string, spelled: string): string | undefined {
  const wellKnown = spelled.slice(Math.max(0, spelled.lastIndexOf("google/protobuf/")));
  if (isBundled(wellKnown)) return wellKnown;
  return root.resolvePath(importer, spelled) ?? undefined;
}

// A file nobody imports: the shortest trailing part of its path that the Root's include paths
// resolve back to it (what protoc calls its name under -I), else its path relative to the cwd.
function topLevelName(root: Root, key: string): string {
  if (!path.isAbsolute(key)) return toPosix(path.normalize(key));
  const parts = key.split(path.sep).filter((part) => part !== "");
  for (let start = parts.length - 1; start >= 0; start--) {
    const candidate = parts.slice(start).join("/");
    const resolved = root.resolvePath("", candidate);
    if (resolved !== null && path.resolve(resolved) === path.resolve(key)) return candidate;
  }
  const relative = path.relative(process.cwd(), key);
  return toPosix(relative.startsWith("..") ? parts.join("/") : relative);
}

function toPosix(fileName: string): string {
  return fileName.split(path.sep).join("/").replace(/^(\.\/)+/, "");
}

function syntaxOf(source: string): "proto2" | "proto3" {
  return /^\s*syntax\s*=\s*["']proto3["']/m.test(source) ? "proto3" : "proto2";
}

function packageNamespace(fileRoot: Root, packageName: string): Namespace {
  let namespace: Namespace = fileRoot;
  for (const part of packageName === "" ? [] : packageName.split(".")) {
    const next = namespace.get(part);
    if (!(next instanceof protobuf.Namespace)) return fileRoot;
    namespace = next;
  }
  return namespace;
}
