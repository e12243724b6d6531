// Debian's nginx and HAProxy as L7 gRPC proxies in front of h2grpc replicas, each started on a
// loopback port with its configuration from test/fleet/proxies, and stopped by stop().
import { once } from "node:events";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startProgram, type Child } from "../helpers/child-process.js";
import { freePort, waitForListener } from "../helpers/free-port.js";
import { findProgram } from "../helpers/peers.js";

const CONFIG_DIR = fileURLToPath(new URL("./proxies/", import.meta.url));

/** A running proxy. */
export interface Proxy {
  /** "127.0.0.1:port", where clients connect. */
  readonly address: string;
  /** What the proxy printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/** The kinds of proxy the tests run. */
export type ProxyKind = "nginx" | "haproxy";

/** Starts `kind` on a free loopback port, forwarding to `upstreams` ("host:port") in turn. */
export async function startProxy(kind: ProxyKind, upstreams: readonly string[]): Promise<Proxy> {
  const program = findProgram(kind);
  if (program === undefined) throw new Error(`${kind} is not installed (apt-get install -y ${kind})`);
  const dir = mkdtempSync(path.join(tmpdir(), `h2grpc-${kind}-`));
  chmodSync(dir, 0o755); // nginx's workers run as "nobody" when started as root
  const port = await freePort();
  const listen = `127.0.0.1:${port}`;
  const template = readFileSync(path.join(CONFIG_DIR, kind === "nginx" ? "nginx.conf" : "haproxy.cfg"), "utf8");
  const config = template
    .replaceAll("{{DIR}}", dir)
    .replaceAll("{{LISTEN}}", listen)
    .replaceAll("{{UPSTREAMS}}", upstreams.map((upstream) => `server ${upstream};`).join("\n        "))
    .replaceAll("{{SERVERS}}", upstreams.map((upstream, i) => `server s${i + 1} ${upstream} proto h2`).join("\n    "));
  const configFile = path.join(dir, kind === "nginx" ? "nginx.conf" : "haproxy.cfg");
  writeFileSync(configFile, config);
  // Both log to stderr; the shell hands that to stdout so that it is kept.
  const args = kind === "nginx" ? ["-e", "stderr", "-p", dir, "-c", configFile] : ["-db", "-f", configFile];
  const child: Child = startProgram("/bin/sh", ["-c", 'exec "$0" "$@" 2>&1', program, ...args]);
  const output = (): string => child.lines().join("\n");
  const stop = async (): Promise<void> => {
    child.process.kill("SIGTERM");
    await child.exit(10_000).catch(() => child.process.kill("SIGKILL"));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await Promise.race([
      waitForListener("127.0.0.1", port),
      once(child.process, "exit").then(([code]) => Promise.reject(new Error(`${kind} exited (${String(code)}): ${output()}`))),
    ]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { address: listen, output, stop };
}
