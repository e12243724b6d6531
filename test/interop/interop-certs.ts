// TEST-ONLY TLS material for the interop programs. The interop spec has servers use upstream's
// server1.pem and clients trust upstream's ca.pem (--use_test_ca); h2grpc does not ship those
// files, so it generates an equivalent set with the machine's openssl: a CA, and a server
// certificate for *.test.google.fr (the spec's usual --server_host_override is
// foo.test.google.fr), localhost, 127.0.0.1 and ::1.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/** Where the generated files are: pass them to --ca_file, --tls_cert_file and --tls_key_file. */
export interface InteropCertFiles {
  readonly dir: string;
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

/** The default directory: what --use_test_ca and --use_tls fall back to without explicit files. */
export const DEFAULT_INTEROP_CERTS_DIR = path.join(tmpdir(), "h2grpc-interop-certs");

const SERVER_SAN = "subjectAltName=DNS:*.test.google.fr,DNS:localhost,IP:127.0.0.1,IP:::1\nextendedKeyUsage=serverAuth\n";

function filesIn(dir: string): InteropCertFiles {
  return {
    dir,
    caFile: path.join(dir, "ca.pem"),
    certFile: path.join(dir, "server1.pem"),
    keyFile: path.join(dir, "server1.key"),
  };
}

/**
 * Returns the interop certificate files in `dir`, generating them first if they are missing;
 * throws if openssl fails. Generation happens in a fresh directory that is then renamed into
 * place, so programs started in parallel never see half-written files.
 */
export function ensureInteropCerts(dir: string = DEFAULT_INTEROP_CERTS_DIR): InteropCertFiles {
  const files = filesIn(dir);
  if (existsSync(files.caFile) && existsSync(files.certFile) && existsSync(files.keyFile)) return files;

  mkdirSync(path.dirname(dir), { recursive: true });
  const work = mkdtempSync(`${dir}.tmp-`);
  const file = (name: string): string => path.join(work, name);
  const openssl = (...args: string[]): void => {
    execFileSync("openssl", args, { stdio: "pipe" });
  };
  openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30", "-subj", "/CN=h2grpc interop test CA",
    "-keyout", file("ca.key"), "-out", file("ca.pem"));
  writeFileSync(file("server1.ext"), SERVER_SAN);
  openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=*.test.google.fr",
    "-keyout", file("server1.key"), "-out", file("server1.csr"));
  openssl("x509", "-req", "-in", file("server1.csr"), "-CA", file("ca.pem"), "-CAkey", file("ca.key"),
    "-CAcreateserial", "-days", "30", "-extfile", file("server1.ext"), "-out", file("server1.pem"));
  try {
    renameSync(work, dir);
  } catch {
    // Another process won the race (the directory exists now): use its files, drop ours.
    rmSync(work, { recursive: true, force: true });
  }
  return files;
}
