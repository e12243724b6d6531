import type http2 from "node:http2";
import { SocketCounters } from "../telemetry/socket-counters.js";

const COUNTERS = Symbol("h2grpc.sessionCounters");
type CountedSession = http2.Http2Session & { [COUNTERS]?: SocketCounters };

/** The stream and message counters of a server connection, made on first use. */
export function countersOfSession(session: http2.Http2Session | undefined): SocketCounters | undefined {
  if (session === undefined) return undefined;
  const counted = session as CountedSession;
  return (counted[COUNTERS] ??= new SocketCounters());
}
