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

/**
 * Why connecting failed, for "failed to connect to <target>: <reason>": for a TLS channel whose
 * server does not speak TLS it says so and what to use instead; OpenSSL's text is cut to its reason.
 */
export function describeConnectFailure(cause: unknown, isTls: boolean): string {
  if (!(cause instanceof Error)) return "the connection closed before it was established";
  const code = (cause as { code?: unknown }).code;
  const reason = OPENSSL_TEXT.exec(cause.message)?.[1] ?? cause.message.trim().replace(/\s*\n\s*/g, " ");
  if (isTls && typeof code === "string" && NOT_TLS_CODES.has(code)) {
    return `TLS handshake failed (${reason}): the server probably does not use TLS; connect with insecure() credentials, or check the port`;
  }
  return reason;
}

/**
 * What a call says when the connection closed before the server sent its response headers: on a
 * plaintext channel the likeliest cause is a server that wants TLS (it drops the HTTP/2 preface).
 */
export function describeConnectionClosedEarly(isTls: boolean): string {
  return isTls
    ? "the connection closed before the server answered"
    : "the connection closed before the server answered; if the server uses TLS, connect with channelTls() credentials";
}
