// JSON text as Go's encoding/json writes it, so output can match grpc-go tools byte for byte:
// string escaping (HTML characters and U+2028/9 escaped), float formatting, and json.Indent.

/** A JSON string literal as Go's json.Marshal writes it: <, >, & and U+2028/U+2029 escaped, lone surrogates as U+FFFD. */
export function quoteGoJson(text: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    let escaped: string | undefined;
    if (code < 0x20 || code === 0x22 || code === 0x5c || code === 0x3c || code === 0x3e || code === 0x26 || code === 0x2028 || code === 0x2029) {
      escaped = ESCAPES[code] ?? `\\u${code.toString(16).padStart(4, "0")}`;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      const next = text.charCodeAt(i + 1);
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++; // a valid pair: copied as is
        continue;
      }
      escaped = "\ufffd"; // Go writes the replacement character for invalid UTF-8
    }
    if (escaped === undefined) continue;
    out += text.slice(start, i) + escaped;
    start = i + 1;
  }
  return `${out}${text.slice(start)}"`;
}

// Go 1.22+ writes \b and \f; the others of the C set it writes as \u00XX (lower-case hex).
const ESCAPES: Readonly<Record<number, string>> = {
  0x08: "\\b",
  0x09: "\\t",
  0x0a: "\\n",
  0x0c: "\\f",
  0x0d: "\\r",
  0x22: '\\"',
  0x5c: "\\\\",
  0x3c: "\\u003c",
  0x3e: "\\u003e",
  0x26: "\\u0026",
  0x2028: "\\u2028",
  0x2029: "\\u2029",
};

/**
 * A finite number as Go's json.Marshal writes a float64 (or, with `isFloat32`, a float32: the
 * shortest decimal that reads back as the same float32). Go and JavaScript agree on the
 * shortest digits and on when to use an exponent (below 1e-6, from 1e21 on); Go keeps -0.
 */
export function formatGoJsonFloat(value: number, isFloat32 = false): string {
  if (Object.is(value, -0)) return "-0";
  return String(isFloat32 ? shortestFloat32(value) : value);
}

/** The double nearest to the shortest decimal that rounds to the same float32 as `value`. */
export function shortestFloat32(value: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const target = Math.fround(value);
  for (let digits = 1; digits < 10; digits++) {
    const candidate = Number(target.toPrecision(digits));
    if (Math.fround(candidate) === target) return candidate;
  }
  return target;
}

/**
 * Re-indents compact JSON as Go's json.Indent(dst, src, "", indent) does: one member or element
 * per line, `"key": value`, and empty objects and arrays kept as {} and []. The input must be
 * valid JSON (it is only re-spaced, never parsed into values).
 */
export function indentGoJson(json: string, indent = "  "): string {
  let out = "";
  let depth = 0;
  let needsIndent = false; // an opening bracket was just written: the next token decides {} or a new line
  for (let i = 0; i < json.length; i++) {
    const char = json[i] as string;
    if (char === " " || char === "\t" || char === "\n" || char === "\r") continue;
    if (needsIndent && char !== "]" && char !== "}") {
      needsIndent = false;
      depth++;
      out += `\n${indent.repeat(depth)}`;
    }
    if (char === '"') {
      const end = endOfString(json, i);
      out += json.slice(i, end);
      i = end - 1;
      continue;
    }
    switch (char) {
      case "{":
      case "[":
        out += char;
        needsIndent = true;
        break;
      case "}":
      case "]":
        if (needsIndent) {
          needsIndent = false; // empty: {} or []
        } else {
          depth--;
          out += `\n${indent.repeat(depth)}`;
        }
        out += char;
        break;
      case ",":
        out += `,\n${indent.repeat(depth)}`;
        break;
      case ":":
        out += ": ";
        break;
      default:
        out += char;
    }
  }
  return out;
}

/** The index just past the string literal that starts at `start`. */
function endOfString(json: string, start: number): number {
  for (let i = start + 1; i < json.length; i++) {
    const char = json[i];
    if (char === "\\") i++;
    else if (char === '"') return i + 1;
  }
  return json.length;
}
