// The words for connections that fail in ways a user can fix: TLS spoken to a plaintext server
// or the reverse, and OpenSSL's text (one line, without its source file and line).

// OpenSSL's reasons when the first bytes from the server are not a TLS record: it answered in
// plaintext (HTTP/2 SETTINGS, or an HTTP/1 response).
const NOT_TLS_CODES: ReadonlySet<string> = new Set([
  "ERR_SSL_WRONG_VERSION_NUMBER",
  "ERR_SSL_PACKET_LENGTH_TOO_LONG",
  "ERR_SSL_UNKNOWN_PROTOCOL",
  "ERR_SSL_RECORD_LAYER_FAILURE",
]);

// "80BC...:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/...:350:\n"
const OPENSSL_TEXT = /^[0-9A-F]+:error:[0-9A-F]+:[^:]*:[^:]*:([^:]+):/;

// What a failure is, in words, by Node's error code (the code's own text follows in parentheses).
const FAILURE_WORDS: ReadonlyMap<string, string> = new Map([
  ["ECONNREFUSED", "connection refused"],
  ["ECONNRESET", "connection reset by the server"],
  ["EPIPE", "connection reset by the server"],
  ["ETIMEDOUT", "connect timed out"],
  ["EHOSTUNREACH", "host unreachable"],
  ["ENETUNREACH", "network unreachable"],
  ["ENOTFOUND", "host name not found"],
  ["EAI_AGAIN", "host name lookup failed"],
  ["ENOENT", "no such unix socket"],
  ["ERR_KEEPALIVE_TIMEOUT", "keepalive timeout"],
  ["ERR_ALPN_NOT_H2", "not an HTTP/2 server"],
]);

/**
 * Why connecting failed, for "failed to connect to <target>: <reason>": what failed in words
 * (connection refused, TLS handshake, keepalive timeout...) with Node's text after it; for a TLS
 * channel whose server does not speak TLS it says so and what to use instead; OpenSSL's text is
 * cut to its reason.
 */
export function describeConnectFailure(cause: unknown, isTls: boolean): string {
  if (!(cause instanceof Error)) return "the connection closed before it was established";
  const code = (cause as { code?: unknown }).code;
  const reason = OPENSSL_TEXT.exec(cause.message)?.[1] ?? cause.message.trim().replace(/\s*\n\s*/g, " ");
  if (isTls && typeof code === "string" && NOT_TLS_CODES.has(code)) {
    return `TLS handshake failed (${reason}): the server probably does not use TLS; connect with insecure() credentials, or check the port`;
  }
  if (typeof code === "string" && (code.startsWith("ERR_SSL") || code.startsWith("ERR_TLS") || TLS_VERIFY_CODES.has(code))) {
    return `TLS handshake failed (${reason})`;
  }
  const words = typeof code === "string" ? FAILURE_WORDS.get(code) : undefined;
  return words === undefined ? reason : `${words} (${reason})`;
}

// Certificate checks that fail the TLS handshake (OpenSSL's verify codes as Node reports them).
const TLS_VERIFY_CODES: ReadonlySet<string> = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
]);

/**
 * What a call says when the connection closed before the server sent its response headers: on a
 * plaintext channel the likeliest cause is a server that wants TLS (it drops the HTTP/2 preface).
 */
export function describeConnectionClosedEarly(isTls: boolean, address?: string): string {
  const closed = `the connection${address === undefined ? "" : ` to ${address}`} closed before the server answered`;
  return isTls ? closed : `${closed}; if the server uses TLS, connect with channelTls() credentials`;
}
