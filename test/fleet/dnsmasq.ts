// Debian's dnsmasq as the fleet tests' DNS server: started on a loopback port with a hosts file of
// A records (and TXT records from a config file), answering only for the .test domain. Editing the
// hosts file and sending SIGHUP changes the answers, as an operator adding or removing replicas would.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startProgram, type Child } from "../helpers/child-process.js";
import { freePort } from "../helpers/free-port.js";
import { findProgram } from "../helpers/peers.js";

/** A running dnsmasq. */
export interface DnsServer {
  /** "127.0.0.1:port", the authority of a dns://127.0.0.1:port/name:port target. */
  readonly address: string;
  /** Replaces the A/AAAA records ([address, name] pairs) and waits until dnsmasq has read them. */
  setHosts(hosts: readonly (readonly [string, string])[]): Promise<void>;
  /** Stops dnsmasq and deletes its files. */
  stop(): Promise<void>;
}

// dnsmasq's config syntax: a quoted string with \" and \\ escapes.
const quoted = (text: string): string => `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
const hostsLines = (hosts: readonly (readonly [string, string])[]): string => hosts.map(([address, name]) => `${address} ${name}\n`).join("");

/** Starts dnsmasq serving `hosts` and `txt` (name → text) on 127.0.0.1 and a free port. */
export async function startDnsmasq(hosts: readonly (readonly [string, string])[], txt: Readonly<Record<string, string>> = {}): Promise<DnsServer> {
  const program = findProgram("dnsmasq");
  if (program === undefined) throw new Error("dnsmasq is not installed (apt-get install -y dnsmasq-base)");
  const dir = mkdtempSync(path.join(tmpdir(), "h2grpc-dnsmasq-"));
  // Run as root, dnsmasq drops to "nobody", which must still read the hosts file.
  chmodSync(dir, 0o755);
  const hostsFile = path.join(dir, "hosts");
  const configFile = path.join(dir, "dnsmasq.conf");
  writeFileSync(hostsFile, hostsLines(hosts), { mode: 0o644 });
  writeFileSync(configFile, Object.entries(txt).map(([name, text]) => `txt-record=${name},${quoted(text)}\n`).join(""), { mode: 0o644 });
  const port = await freePort("127.0.0.1", true);
  // dnsmasq logs to stderr ("-"); the shell hands that to stdout, where lines can be awaited.
  const child: Child = startProgram("/bin/sh", [
    "-c",
    'exec "$0" "$@" 2>&1',
    program,
    "--keep-in-foreground",
    `--conf-file=${configFile}`,
    `--port=${port}`,
    "--listen-address=127.0.0.1",
    "--bind-interfaces",
    "--no-resolv", // no upstream servers: the hosts file is the whole truth
    "--no-hosts", // not /etc/hosts
    "--local=/test/", // .test names are answered here only (no REFUSED for a missing AAAA)
    `--addn-hosts=${hostsFile}`,
    "--pid-file=",
    "--log-facility=-",
  ]);
  const readLine = new RegExp(`read ${hostsFile.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} - \\d+ names`);
  try {
    await child.waitForLine(readLine);
  } catch (error) {
    child.process.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    address: `127.0.0.1:${port}`,
    async setHosts(next) {
      const from = child.lines().length;
      writeFileSync(hostsFile, hostsLines(next));
      child.process.kill("SIGHUP");
      await child.waitForLine(readLine, 20_000, from);
    },
    async stop() {
      child.process.kill("SIGTERM");
      await child.exit(10_000).catch(() => child.process.kill("SIGKILL"));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
