// -H, -rpc-header and -reflect-header values ('name: value') → Metadata, as grpcurl's
// MetadataFromHeaders reads them, and back to text for -v (MetadataToString).
import { Metadata } from "../index.js";
import { CommandFailure } from "./connection.js";

/**
 * Builds metadata from 'name: value' strings: the name trimmed and lower-cased, the value trimmed
 * (a header without a colon has an empty value); a "-bin" value is base64 (any of the four
 * alphabets) or, failing that, taken as raw bytes. With `env`, ${NAME} is replaced by the
 * variable. Throws CommandFailure for a missing variable or a name or value metadata refuses.
 */
export function metadataFromHeaders(headers: readonly string[], env?: NodeJS.ProcessEnv): Metadata {
  const metadata = new Metadata();
  for (const header of headers) {
    if (header === "") continue;
    const expanded = env === undefined ? header : expandVariables(header, env);
    const colon = expanded.indexOf(":");
    const name = (colon < 0 ? expanded : expanded.slice(0, colon)).trim().toLowerCase();
    const value = colon < 0 ? "" : expanded.slice(colon + 1).trim();
    try {
      if (name.endsWith("-bin")) metadata.append(name as `${string}-bin`, decodeLenientBase64(value) ?? Buffer.from(value));
      else metadata.append(name, value);
    } catch (error) {
      throw new CommandFailure(`invalid header ${JSON.stringify(header)}: ${(error as Error).message}`);
    }
  }
  return metadata;
}

function expandVariables(header: string, env: NodeJS.ProcessEnv): string {
  return header.replace(/\$\{(\w+)\}/g, (_, name: string) => {
    const value = env[name];
    if (value === undefined) throw new CommandFailure(`Failed to expand additional headers: header ${JSON.stringify(header)} refers to missing environment variable ${JSON.stringify(name)}`);
    return value;
  });
}

// grpcurl accepts standard or URL-safe base64, padded or not.
function decodeLenientBase64(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) return undefined;
  return Buffer.from(text.replace(/-/g, "+").replace(/_/g, "/"), "base64");
}

/** Metadata as grpcurl's -v prints it: "name: value" lines sorted by name, "-bin" values base64, "(empty)" when there are none. */
export function metadataText(metadata: Metadata | undefined): string {
  const entries = [...(metadata ?? [])].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)); // stable: a key's values keep their order
  if (entries.length === 0) return "(empty)";
  return entries.map(([key, value]) => `${key}: ${typeof value === "string" ? value : Buffer.from(value).toString("base64")}`).join("\n");
}
