// TEST-ONLY certificates, generated with the machine's openssl into a temporary directory once
// per process. Never use them outside tests.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export interface TestCerts {
  /** CA that signed `server` and `client`. */
  readonly caCert: string;
  /** Server certificate for localhost, 127.0.0.1, ::1, gsh.com and *.test.google.fr. */
  readonly serverCert: string;
  readonly serverKey: string;
  /** Client certificate signed by the CA (mTLS). */
  readonly clientCert: string;
  readonly clientKey: string;
  /** A client certificate signed by a different CA, which servers must refuse. */
  readonly rogueClientCert: string;
  readonly rogueClientKey: string;
  /** The directory holding ca.pem, server.pem, server.key, client.pem, client.key (for peer programs). */
  readonly dir: string;
}

let cached: TestCerts | undefined;

/**
 * Empty stand-ins for files whose TLS tests are skipped because openssl is missing (see
 * requirePeer): `it.each` tables are built at collection time, even for skipped tests.
 */
export function placeholderCerts(): TestCerts {
  return { caCert: "", serverCert: "", serverKey: "", clientCert: "", clientKey: "", rogueClientCert: "", rogueClientKey: "", dir: "" };
}

/** Returns the test certificates, generating them on first use; throws if openssl fails. */
export function testCerts(): TestCerts {
  if (cached !== undefined) return cached;
  const dir = mkdtempSync(path.join(tmpdir(), "h2grpc-certs-"));
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string): string => path.join(dir, name);
  const openssl = (...args: string[]): void => {
    execFileSync("openssl", args, { stdio: "pipe" });
  };

  const makeCa = (name: string): void => {
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", `/CN=${name}`,
      "-keyout", file(`${name}.key`), "-out", file(`${name}.pem`));
  };
  const makeLeaf = (name: string, ca: string, ext: string): void => {
    writeFileSync(file(`${name}.ext`), ext);
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", `/CN=${name}`,
      "-keyout", file(`${name}.key`), "-out", file(`${name}.csr`));
    openssl("x509", "-req", "-in", file(`${name}.csr`), "-CA", file(`${ca}.pem`), "-CAkey", file(`${ca}.key`),
      "-CAcreateserial", "-days", "2", "-extfile", file(`${name}.ext`), "-out", file(`${name}.pem`));
  };

  makeCa("ca");
  makeCa("rogue-ca");
  makeLeaf(
    "server",
    "ca",
    "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1,DNS:gsh.com,DNS:*.test.google.fr\nextendedKeyUsage=serverAuth\n",
  );
  makeLeaf("client", "ca", "extendedKeyUsage=clientAuth\n");
  makeLeaf("rogue-client", "rogue-ca", "extendedKeyUsage=clientAuth\n");

  const read = (name: string): string => readFileSync(file(name), "utf8");
  cached = {
    caCert: read("ca.pem"),
    serverCert: read("server.pem"),
    serverKey: read("server.key"),
    clientCert: read("client.pem"),
    clientKey: read("client.key"),
    rogueClientCert: read("rogue-client.pem"),
    rogueClientKey: read("rogue-client.key"),
    dir,
  };
  return cached;
}
