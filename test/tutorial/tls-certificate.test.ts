// The tutorial's self-signed certificate: generated with openssl on first use, for gsh.com only,
// the key private to its owner, and reused afterwards.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { X509Certificate, createPrivateKey } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { ensureTutorialCertificate, readTutorialCertificate } from "../../examples/tutorial/tls-certificate.js";
import { requirePeer } from "../helpers/peers.js";

describe.skipIf(!requirePeer("tutorial certificate tests", "openssl"))("tutorial TLS certificate", () => {
  const base = mkdtempSync(path.join(tmpdir(), "h2grpc-tutorial-cert-"));
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it("is generated on first use: self-signed, naming only gsh.com, with a key only its owner can read", () => {
    const dir = path.join(base, "first");
    const generated = ensureTutorialCertificate(dir);
    const certificate = new X509Certificate(generated.cert);
    expect(certificate.subjectAltName).toBe("DNS:gsh.com");
    expect(certificate.issuer).toBe(certificate.subject);
    expect(certificate.verify(certificate.publicKey)).toBe(true);
    expect(certificate.checkPrivateKey(createPrivateKey(generated.key))).toBe(true);
    expect(certificate.checkHost("gsh.com")).toBe("gsh.com");
    expect(certificate.checkIP("127.0.0.1")).toBeUndefined();
    expect(statSync(generated.keyPath).mode & 0o077).toBe(0);
  });

  it("is reused once it exists", () => {
    const dir = path.join(base, "reused");
    const first = ensureTutorialCertificate(dir);
    const second = ensureTutorialCertificate(dir);
    expect(second.cert).toBe(first.cert);
    expect(second.key).toBe(first.key);
    expect(readTutorialCertificate(dir).cert).toBe(first.cert);
  });

  it("tells a client to start the TLS server first when there is none yet", () => {
    expect(() => readTutorialCertificate(path.join(base, "missing"))).toThrow(/npm start -- --tls/);
  });
});
