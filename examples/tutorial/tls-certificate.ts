// The tutorial's self-signed certificate for gsh.com, generated with openssl on first use, the
// way the tutorial makes it:
//   openssl genrsa -out server.key 2048
//   openssl req -new -x509 -sha256 -key server.key -out server.pem -days 3650 -addext "subjectAltName = DNS:gsh.com"
// Clients trust server.pem itself as their CA and check the name gsh.com (a server-name override),
// so the certificate works on any address.
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { defaultCertificateDir } from "./tutorial-paths.js";

/** The name in the tutorial's certificate; clients use it as their server-name override. */
export const TUTORIAL_SERVER_NAME = "gsh.com";

/** The tutorial's certificate and key, as PEM text and as the files grpcurl -cacert reads. */
export interface TutorialCertificate {
  readonly certPath: string;
  readonly keyPath: string;
  readonly cert: string;
  readonly key: string;
}

/**
 * Returns the certificate in `dir` (default .tutorial-tls/ in the package root, gitignored),
 * generating it first if it is missing; throws Error if openssl is missing or fails.
 */
export function ensureTutorialCertificate(dir: string = defaultCertificateDir()): TutorialCertificate {
  const certPath = path.join(dir, "server.pem");
  const keyPath = path.join(dir, "server.key");
  if (!existsSync(certPath) || !existsSync(keyPath)) generateCertificate(dir, certPath, keyPath);
  return { certPath, keyPath, cert: readFileSync(certPath, "utf8"), key: readFileSync(keyPath, "utf8") };
}

/** Reads the certificate a TLS server generated earlier; throws Error naming the command that makes it. */
export function readTutorialCertificate(dir: string = defaultCertificateDir()): TutorialCertificate {
  const certPath = path.join(dir, "server.pem");
  if (!existsSync(certPath)) {
    throw new Error(`${certPath} does not exist yet: start the server with \`npm start -- --tls\` first; it generates the certificate`);
  }
  return { certPath, keyPath: path.join(dir, "server.key"), cert: readFileSync(certPath, "utf8"), key: "" };
}

function generateCertificate(dir: string, certPath: string, keyPath: string): void {
  mkdirSync(dir, { recursive: true });
  // Write into a private temporary directory and rename, so a second process starting at the
  // same moment never reads half a file.
  const staging = path.join(dir, `.staging-${process.pid}`);
  mkdirSync(staging, { recursive: true, mode: 0o700 });
  const stagedKey = path.join(staging, "server.key");
  const stagedCert = path.join(staging, "server.pem");
  try {
    openssl("genrsa", "-out", stagedKey, "2048");
    chmodSync(stagedKey, 0o600); // a private key is its owner's alone, whatever the umask
    openssl("req", "-new", "-x509", "-sha256", "-key", stagedKey, "-out", stagedCert, "-days", "3650",
      "-subj", `/CN=${TUTORIAL_SERVER_NAME}`, "-addext", `subjectAltName = DNS:${TUTORIAL_SERVER_NAME}`);
    renameSync(stagedKey, keyPath);
    renameSync(stagedCert, certPath);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function openssl(...args: string[]): void {
  try {
    execFileSync("openssl", args, { stdio: "pipe" });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`openssl ${args[0]} failed (is openssl installed?): ${stderr || String(error)}`, { cause: error });
  }
}
