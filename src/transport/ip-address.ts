import { isIP } from "node:net";

/** 4 or 6 for an IP address literal ("127.0.0.1", "::1"), 0 for anything else (a host name). */
export function ipVersionOf(host: string): 0 | 4 | 6 {
  return isIP(host) as 0 | 4 | 6;
}
