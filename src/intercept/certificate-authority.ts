import { generateKeyPairSync, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { createSecureContext, type SecureContext } from "node:tls";
import forge from "node-forge";

export const CA_CERT_FILE = "leadgraph-ca.pem";
export const CA_KEY_FILE = "leadgraph-ca.key";

/** Leaf certificates stay within the 398 days browsers and Apple's TLS stack accept. */
const LEAF_DAYS = 365;
const CA_YEARS = 10;
const DAY_MS = 86_400_000;

/**
 * The local certificate authority of interception mode: created on first use and kept (the key
 * file readable by its owner only), so a client trusts it once. It mints one leaf certificate per
 * Meta host, all on one key generated per process. Validity is wall-clock time on purpose: clients
 * check certificates against their own clock, not leadgraph's (possibly manual) one.
 */
export class CertificateAuthority {
  readonly certPath: string;
  readonly certPem: string;
  readonly #cert: forge.pki.Certificate;
  readonly #key: forge.pki.rsa.PrivateKey;
  readonly #leafKeyPem: string;
  readonly #leafKey: forge.pki.rsa.PublicKey;
  readonly #contexts = new Map<string, SecureContext>();

  private constructor(certPath: string, certPem: string, keyPem: string) {
    this.certPath = certPath;
    this.certPem = certPem;
    this.#cert = forge.pki.certificateFromPem(certPem);
    this.#key = forge.pki.privateKeyFromPem(keyPem);
    const leaf = rsaKeyPair();
    this.#leafKeyPem = leaf.privateKey;
    this.#leafKey = forge.pki.publicKeyFromPem(leaf.publicKey);
  }

  /** Loads the authority kept in `dir`, or creates it there (certificate 0644, key 0600). */
  static loadOrCreate(dir: string): CertificateAuthority {
    const certPath = join(dir, CA_CERT_FILE);
    const keyPath = join(dir, CA_KEY_FILE);
    if (!existsSync(certPath) || !existsSync(keyPath)) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const { certPem, keyPem } = createAuthority();
      try {
        // `wx`: of two processes creating it at once, the second keeps the first one's.
        writeFileSync(keyPath, keyPem, { mode: 0o600, flag: "wx" });
        writeFileSync(certPath, certPem, { mode: 0o644 });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      }
    }
    // A key file copied in with looser permissions is tightened rather than left readable.
    chmodSync(keyPath, 0o600);
    return new CertificateAuthority(certPath, readFileSync(certPath, "utf8"), readFileSync(keyPath, "utf8"));
  }

  /** A TLS context presenting a certificate for `host`, signed by this authority (cached). */
  secureContextFor(host: string): SecureContext {
    let ctx = this.#contexts.get(host);
    if (!ctx) {
      ctx = createSecureContext({ key: this.#leafKeyPem, cert: `${this.leafCertificatePem(host)}${this.certPem}` });
      this.#contexts.set(host, ctx);
    }
    return ctx;
  }

  leafCertificatePem(host: string): string {
    const cert = forge.pki.createCertificate();
    cert.publicKey = this.#leafKey;
    cert.serialNumber = serialNumber();
    const now = Date.now();
    cert.validity.notBefore = new Date(now - DAY_MS);
    cert.validity.notAfter = new Date(now + LEAF_DAYS * DAY_MS);
    cert.setSubject([
      { name: "commonName", value: host },
      { name: "organizationName", value: "leadgraph interception" },
    ]);
    cert.setIssuer(this.#cert.subject.attributes);
    cert.setExtensions([
      { name: "basicConstraints", cA: false, critical: true },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames: [{ type: 2, value: host }] },
      { name: "subjectKeyIdentifier" },
      { name: "authorityKeyIdentifier", keyIdentifier: this.#cert.generateSubjectKeyIdentifier().getBytes() },
    ]);
    cert.sign(this.#key, forge.md.sha256.create());
    return forge.pki.certificateToPem(cert);
  }
}

/** RSA keys come from node:crypto (native, milliseconds); forge's own generator is pure JavaScript. */
function rsaKeyPair(): { privateKey: string; publicKey: string } {
  return generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
  });
}

/** 16 random bytes, the first below 0x80 so the DER integer stays positive. */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f;
  return bytes.toString("hex");
}

function createAuthority(): { certPem: string; keyPem: string } {
  const keys = rsaKeyPair();
  const publicKey = forge.pki.publicKeyFromPem(keys.publicKey);
  const privateKey = forge.pki.privateKeyFromPem(keys.privateKey);
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = serialNumber();
  const now = Date.now();
  cert.validity.notBefore = new Date(now - DAY_MS);
  cert.validity.notAfter = new Date(now + CA_YEARS * 365 * DAY_MS);
  const name = [
    { name: "commonName", value: `leadgraph interception CA (${hostname().slice(0, 40)})` },
    { name: "organizationName", value: "leadgraph" },
  ];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: "basicConstraints", cA: true, pathLenConstraint: 0, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  cert.sign(privateKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.privateKey };
}
