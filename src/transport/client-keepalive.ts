import type http2 from "node:http2";
import type { SocketCounters } from "../telemetry/socket-counters.js";

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
export function startKeepalive(session: http2.ClientHttp2Session, settings: KeepaliveSettings, counters?: SocketCounters): () => void {
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
      if (counters !== undefined) counters.keepalivesSent++;
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
