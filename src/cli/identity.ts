/**
 * `--identity <pem>`: the PEM files icp-cli and dfx write — Ed25519 as
 * PKCS#8 (`BEGIN PRIVATE KEY`) and secp256k1 as SEC1 (`BEGIN EC PRIVATE
 * KEY`) or PKCS#8. Node's OpenSSL reads the key; its secret scalar becomes
 * an `@icp-sdk/core` identity. Encrypted PEMs are refused with a hint.
 */
import { createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Identity } from '@icp-sdk/core/agent';
import type { CliError } from './output.ts';

export type IdentityResult = { ok: true; identity: Identity; kind: 'ed25519' | 'secp256k1' } | { ok: false; error: CliError };

const bad = (message: string): IdentityResult => ({ ok: false, error: { code: null, message } });

/** Reads the identity in `path`. */
export async function loadIdentity(path: string): Promise<IdentityResult> {
  let pem: string;
  try {
    pem = await readFile(path, 'utf8');
  } catch (e) {
    return bad(`cannot read the identity file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (pem.includes('ENCRYPTED')) return bad(`the identity in ${path} is encrypted: export it unencrypted first (icp identity export, dfx identity export)`);
  let d: Uint8Array;
  let kind: 'ed25519' | 'secp256k1';
  try {
    // Only the key block: `openssl ecparam -genkey` writes an EC PARAMETERS block before it.
    const block = /-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?-----END \1PRIVATE KEY-----/.exec(pem)?.[0] ?? pem;
    const key = createPrivateKey({ key: block, format: 'pem' });
    const jwk = key.export({ format: 'jwk' });
    if (key.asymmetricKeyType === 'ed25519') kind = 'ed25519';
    else if (key.asymmetricKeyType === 'ec' && jwk.crv === 'secp256k1') kind = 'secp256k1';
    else return bad(`the key in ${path} is ${key.asymmetricKeyType}${jwk.crv === undefined ? '' : ` (${jwk.crv})`}: only Ed25519 and secp256k1 identities are supported`);
    if (jwk.d === undefined) return bad(`${path} holds no private key`);
    d = new Uint8Array(Buffer.from(jwk.d, 'base64url'));
  } catch (e) {
    return bad(`${path} is not a PEM private key: ${(e as Error).message}`);
  }
  const identity = kind === 'ed25519'
    ? (await import('@icp-sdk/core/identity')).Ed25519KeyIdentity.fromSecretKey(d)
    : (await import('@icp-sdk/core/identity/secp256k1')).Secp256k1KeyIdentity.fromSecretKey(d);
  return { ok: true, identity, kind };
}
