import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface TestCa {
  /** PEM file of the CA certificate (what a user would trust). */
  caFile: string;
  /** Server certificate (for 127.0.0.1 and localhost) and its key, signed by the CA. */
  certFile: string;
  keyFile: string;
}

/** A private CA and a server certificate it signed, made with openssl in `dir`. */
export function makeTestCa(dir: string): TestCa {
  fs.mkdirSync(dir, { recursive: true });
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=modelos test CA', '-keyout', 'ca.key', '-out', 'ca.pem');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', 'server.key', '-out', 'server.csr');
  fs.writeFileSync(file('san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', 'san.ext', '-out', 'server.pem');
  return { caFile: file('ca.pem'), certFile: file('server.pem'), keyFile: file('server.key') };
}

/** A self-signed RSA key and certificate for signing registry tokens (distribution's rootcertbundle). */
export function makeSigningKey(dir: string): { keyFile: string; certFile: string } {
  fs.mkdirSync(dir, { recursive: true });
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=modelos token signer', '-keyout', 'signing.key', '-out', 'signing.pem'], {
    cwd: dir,
    stdio: 'pipe',
  });
  return { keyFile: path.join(dir, 'signing.key'), certFile: path.join(dir, 'signing.pem') };
}
