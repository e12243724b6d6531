// PROTOCOL-HTTP2: grpc-message is the UTF-8 of the text with every byte outside 0x20-0x7E, and
// "%" itself, written as "%" followed by two upper-case hex digits.

const HEX = "0123456789ABCDEF";
const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

function isUnreserved(byte: number): boolean {
  return byte >= 0x20 && byte <= 0x7e && byte !== 0x25;
}

/** Percent-encodes a status message for `grpc-message`. */
export function encodeGrpcMessage(message: string): string {
  let plain = true;
  for (let i = 0; i < message.length; i++) {
    const code = message.charCodeAt(i);
    if (code < 0x20 || code > 0x7e || code === 0x25) {
      plain = false;
      break;
    }
  }
  if (plain) return message;
  let out = "";
  for (const byte of utf8.encode(message)) {
    out += isUnreserved(byte) ? String.fromCharCode(byte) : `%${HEX[byte >> 4]}${HEX[byte & 15]}`;
  }
  return out;
}

/**
 * Decodes `grpc-message`; never throws. A "%" not followed by two hex digits is kept as it came;
 * raw UTF-8 that a peer sent unencoded is decoded too; if the bytes are not valid UTF-8 the raw
 * header is returned, as the spec allows.
 */
export function decodeGrpcMessage(header: string): string {
  if (isPlainAscii(header)) return header;
  const bytes: number[] = [];
  for (let i = 0; i < header.length; i++) {
    const code = header.charCodeAt(i);
    if (code === 0x25 && isHexPair(header, i + 1)) {
      bytes.push(parseInt(header.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (code < 0x100) {
      // node:http2 hands header values over as latin1: one char per received byte.
      bytes.push(code);
    } else {
      bytes.push(...utf8.encode(header[i] as string));
    }
  }
  try {
    return strictUtf8.decode(new Uint8Array(bytes));
  } catch {
    return header;
  }
}

function isHexPair(text: string, at: number): boolean {
  return at + 1 < text.length && isHexDigit(text.charCodeAt(at)) && isHexDigit(text.charCodeAt(at + 1));
}

function isHexDigit(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);
}

/** True for text with no "%" and nothing outside ASCII: nothing to decode. */
function isPlainAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x25 || code > 0x7f) return false;
  }
  return true;
}
