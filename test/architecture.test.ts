// ARCHITECTURE.md §1: imports point one way. Computed from the import lines of src/, so a new file is
// checked the moment it exists.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const SRC = path.resolve("src");

/** Which layers each layer may import from ("root" is src/*.ts, the vocabulary). */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  root: ["root"],
  framing: ["root", "framing"],
  codec: ["root", "framing", "codec"],
  // What the pipelines report to observers (diagnostics channels, the trace log, OpenTelemetry).
  telemetry: ["root", "telemetry"],
  transport: ["root", "framing", "telemetry", "transport"], // never messages: no codec (the grpc-go split)
  server: ["root", "framing", "codec", "telemetry", "transport", "server"], // never the client
  client: ["root", "framing", "codec", "telemetry", "transport", "client"], // never the server
  // Standard services: the server side on the server API, the client side (reflection) on the client
  // API; channelz reads the telemetry layer's registry.
  services: ["root", "codec", "telemetry", "server", "client", "services", "index"],
  cli: ["root", "codec", "services", "index", "cli"], // thin: the public API, plus codec and services internals
  index: ["root", "framing", "codec", "telemetry", "transport", "server", "client", "services"],
  // h2grpc/opentelemetry: its own entry point, the only code that loads @opentelemetry/api.
  opentelemetry: ["root", "telemetry", "opentelemetry"],
};

// Runtime dependency rule (CONTRIBUTING.md §3): node built-ins and protobufjs only.
const isAllowedPackage = (specifier: string): boolean => specifier.startsWith("node:") || /^protobufjs(\/|$)/.test(specifier);

// The transport seam (ARCHITECTURE.md §2): only src/transport touches the network; the call
// pipelines above it see calls, frames and statuses.
const NETWORK_MODULES = new Set(["node:http2", "node:http", "node:https", "node:net", "node:tls", "node:dns", "node:dgram"]);
const NETWORK_FREE_LAYERS = new Set(["server", "client", "codec", "framing", "root"]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

function layerOf(file: string): string {
  const relative = path.relative(SRC, file);
  if (relative === "index.ts") return "index";
  const [first, ...rest] = relative.split(path.sep);
  return rest.length === 0 ? "root" : (first as string);
}

/** Every module specifier a file imports or re-exports, statically or dynamically. */
function importsOf(source: string): string[] {
  // An import/export statement never holds "(", "=" or ";" before its `from "..."`; function bodies do.
  const pattern =
    /(?:^|\n)\s*(?:import|export)\s[^;()=]*?[\s}*]from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|(?:^|\n)\s*import\s*["']([^"']+)["']/g;
  return [...source.matchAll(pattern)].map((match) => (match[1] ?? match[2] ?? match[3]) as string);
}

const violations: string[] = [];
const files = sourceFiles(SRC);
for (const file of files) {
  const from = layerOf(file);
  for (const specifier of importsOf(readFileSync(file, "utf8"))) {
    const where = `${path.relative(SRC, file)} imports "${specifier}"`;
    if (!specifier.startsWith(".")) {
      const isOptionalPeer = from === "opentelemetry" && specifier === "@opentelemetry/api";
      if (!isAllowedPackage(specifier) && !isOptionalPeer) violations.push(`${where}: only node: built-ins and protobufjs at run time`);
      if (NETWORK_MODULES.has(specifier) && NETWORK_FREE_LAYERS.has(from)) violations.push(`${where}: only src/transport touches the network`);
      continue;
    }
    const target = path.resolve(path.dirname(file), specifier);
    if (!target.startsWith(SRC + path.sep)) {
      violations.push(`${where}: outside src/`);
      continue;
    }
    const to = layerOf(target);
    if (!(ALLOWED[from] ?? []).includes(to)) violations.push(`${where}: ${from} may not import ${to}`);
  }
}

describe("architecture (ARCHITECTURE.md §1)", () => {
  it("finds the source files and their imports", () => {
    expect(files.length).toBeGreaterThan(20);
    const source = [
      'import { a } from "./a.js";',
      'export type { B } from "../b.js";',
      'export * from "./d.js";',
      'import "./e.js";',
      'export function f() { return { "import-from": "x" }; }',
      'const c = await import("./c.js");',
    ].join("\n");
    expect(importsOf(source)).toEqual(["./a.js", "../b.js", "./d.js", "./e.js", "./c.js"]);
  });

  it("keeps every import pointing the allowed way, with only node: built-ins and protobufjs from outside", () => {
    expect(violations).toEqual([]);
  });

  it("knows every folder under src/", () => {
    const layers = new Set(files.map(layerOf));
    expect([...layers].filter((layer) => !(layer in ALLOWED))).toEqual([]);
  });
});
