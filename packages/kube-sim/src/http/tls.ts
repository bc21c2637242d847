import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import forge from 'node-forge';

/** A CA and a serving certificate it signed, all PEM. */
export interface ServingCertificates {
  caCertificate: string;
  certificate: string;
  privateKey: string;
}

function rsaKeyPair(): { privateKeyPem: string; publicKeyPem: string } {
  // Node's native key generation; node-forge's pure-JS RSA generation takes seconds.
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

/**
 * Signs a certificate with Node's crypto: node-forge builds the ASN.1, but its
 * pure-JS RSA is slow (seconds under Jest's transform).
 */
function signCertificate(
  cert: forge.pki.Certificate,
  issuerKeyPem: string,
): void {
  const oid = forge.pki.oids.sha256WithRSAEncryption;
  cert.siginfo.algorithmOid = oid;
  (cert as unknown as { signatureOid: string }).signatureOid = oid;
  // getTBSCertificate exists in node-forge but not in its type definitions.
  const pki = forge.pki as typeof forge.pki & {
    getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1;
  };
  const tbs = forge.asn1.toDer(pki.getTBSCertificate(cert)).getBytes();
  const signature = sign('sha256', Buffer.from(tbs, 'binary'), issuerKeyPem);
  (cert as unknown as { signature: string }).signature =
    signature.toString('binary');
}

function serialNumber(): string {
  // Positive, 16 bytes: the top bit cleared.
  const bytes = randomBytes(16);
  bytes[0] &= 0x7f;
  return bytes.toString('hex');
}

/**
 * Generates a self-signed CA and a server certificate for 127.0.0.1,
 * localhost and `hosts`, valid for a year, so clients verify the server as
 * they would a real cluster (kubeconfig `certificate-authority-data`).
 */
export function generateServingCertificates(
  hosts: string[] = [],
): ServingCertificates {
  const ca = rsaKeyPair();
  const server = rsaKeyPair();
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(Date.now() + 365 * 24 * 3600 * 1000);

  const caCert = forge.pki.createCertificate();
  caCert.publicKey = forge.pki.publicKeyFromPem(ca.publicKeyPem);
  caCert.serialNumber = serialNumber();
  caCert.validity.notBefore = notBefore;
  caCert.validity.notAfter = notAfter;
  const caSubject = [{ name: 'commonName', value: 'kube-sim-ca' }];
  caCert.setSubject(caSubject);
  caCert.setIssuer(caSubject);
  caCert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    {
      name: 'keyUsage',
      keyCertSign: true,
      cRLSign: true,
      digitalSignature: true,
      critical: true,
    },
    { name: 'subjectKeyIdentifier' },
  ]);
  signCertificate(caCert, ca.privateKeyPem);

  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(server.publicKeyPem);
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  cert.setSubject([{ name: 'commonName', value: 'kube-apiserver' }]);
  cert.setIssuer(caSubject);
  const names = new Set([
    'localhost',
    'kubernetes',
    'kubernetes.default',
    ...hosts,
  ]);
  const ips = new Set(['127.0.0.1', '::1']);
  const altNames = [
    ...[...names]
      .filter(host => !/^[\d.:]+$/.test(host))
      .map(value => ({ type: 2, value })),
    ...[...ips, ...hosts.filter(host => /^[\d.:]+$/.test(host))].map(ip => ({
      type: 7,
      ip,
    })),
  ];
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    {
      name: 'keyUsage',
      digitalSignature: true,
      keyEncipherment: true,
      critical: true,
    },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames },
  ]);
  signCertificate(cert, ca.privateKeyPem);

  return {
    caCertificate: forge.pki.certificateToPem(caCert),
    certificate: forge.pki.certificateToPem(cert),
    privateKey: server.privateKeyPem,
  };
}
