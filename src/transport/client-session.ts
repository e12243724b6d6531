import http2 from "node:http2";
import net from "node:net";
import { secureConnectOptions, type ChannelCredentials } from "./tls.js";

/** Where a session connects to: a TCP host and port or a unix socket, as the channel parsed it. */
export type SessionAddress =
  | { readonly kind: "tcp"; readonly host: string; readonly port: number }
  | { readonly kind: "unix"; readonly path: string };

// Node's default 64 KiB connection window throttles large messages; a larger local window lets
// one stream use the bandwidth (grpc-go grows its window by BDP estimation to a similar size).
const LOCAL_CONNECTION_WINDOW_BYTES = 8 * 1024 * 1024;
const LOCAL_STREAM_WINDOW_BYTES = 1024 * 1024;

/**
 * Starts an HTTP/2 connection (h2c, or TLS with ALPN "h2") to `address`. Never throws for a
 * network failure: the session emits 'error' and then 'close'; the caller must listen for both.
 */
export function connectSession(address: SessionAddress, credentials: ChannelCredentials): http2.ClientHttp2Session {
  const settings: http2.Settings = { enablePush: false, initialWindowSize: LOCAL_STREAM_WINDOW_BYTES };
  // http2.connect hands its options to net.connect / tls.connect: small RPCs must not wait for
  // Nagle's algorithm (grpc-go sets TCP_NODELAY too).
  const socketOptions = { noDelay: true };
  let session: http2.ClientHttp2Session;
  if (address.kind === "unix") {
    session = http2.connect("http://localhost", { settings, createConnection: () => net.connect(address.path) });
  } else {
    const host = net.isIP(address.host) === 6 ? `[${address.host}]` : address.host;
    if (credentials.kind === "insecure") {
      session = http2.connect(`http://${host}:${address.port}`, { settings, ...socketOptions });
    } else {
      session = http2.connect(`https://${host}:${address.port}`, {
        settings,
        ...socketOptions,
        ...secureConnectOptions(credentials, address.host),
      });
    }
  }
  session.once("connect", () => session.setLocalWindowSize(LOCAL_CONNECTION_WINDOW_BYTES));
  return session;
}

/** When to PING and how long to wait for the answer (ChannelOptions.keepalive*). */
export interface KeepaliveSettings {
  readonly timeMs: number;
  readonly timeoutMs: number;
  /** Whether to PING now: false while no calls are in flight unless keepalivePermitWithoutCalls. */
  readonly shouldPing: () => boolean;
}

/**
 * Sends a PING every `timeMs` (doc/keepalive.md) and destroys the session with an error if one is
 * not answered within `timeoutMs`, so calls on a dead connection (a stopped peer, a silent
 * network) fail with UNAVAILABLE instead of hanging. Returns a function that stops it; its timers
 * are unref()ed and it stops on its own when the session closes.
 */
export function startKeepalive(session: http2.ClientHttp2Session, settings: KeepaliveSettings): () => void {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const stop = (): void => {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(ping, settings.timeMs);
    timer.unref();
  };
  const ping = (): void => {
    if (stopped || session.destroyed || session.closed) return stop();
    if (!settings.shouldPing()) return schedule();
    timer = setTimeout(() => {
      stop();
      const error = Object.assign(new Error(`keepalive ping not answered within ${settings.timeoutMs} ms`), {
        code: "ERR_KEEPALIVE_TIMEOUT",
      });
      session.destroy(error);
    }, settings.timeoutMs);
    timer.unref();
    try {
      session.ping((error) => {
        if (stopped) return;
        if (timer !== undefined) clearTimeout(timer);
        // ERR_HTTP2_PING_CANCEL: the session is closing; its 'close' ends the calls.
        if (error === null) schedule();
        else stop();
      });
    } catch {
      stop(); // ERR_HTTP2_PING_LENGTH or a destroyed session: nothing left to keep alive
    }
  };
  session.once("close", stop);
  schedule();
  return stop;
}
