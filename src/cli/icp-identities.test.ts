import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { icpIdentityListPath, icpIdentityPrincipals } from './icp-identities.ts';

describe('icpIdentityPrincipals', () => {
  it('reads the principals of icp identity_list.json under ICP_HOME, anonymous and principal-less ones left out', () => {
    const home = mkdtempSync(join(tmpdir(), 'icp-home-'));
    try {
      const env = { ICP_HOME: home };
      assert.equal(icpIdentityListPath(env), join(home, 'identity', 'identity_list.json'));
      assert.deepEqual(icpIdentityPrincipals(env), []);
      mkdirSync(join(home, 'identity'));
      writeFileSync(icpIdentityListPath(env), JSON.stringify({
        v: 1,
        identities: {
          anonymous: { kind: 'anonymous' },
          alice: { kind: 'pem', format: 'plaintext', algorithm: 'secp256k1', principal: 'eeton-f6ffa-k7ybv-amh3e-2bbwv-cktuk-itpny-cykai-nzhea-nmemt-fae' },
          pending: { kind: 'pending-delegation', algorithm: 'ed25519', storage: 'plaintext' },
        },
      }));
      assert.deepEqual(icpIdentityPrincipals(env), ['eeton-f6ffa-k7ybv-amh3e-2bbwv-cktuk-itpny-cykai-nzhea-nmemt-fae']);
      writeFileSync(icpIdentityListPath(env), '{ not json');
      assert.deepEqual(icpIdentityPrincipals(env), []);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
  it('without ICP_HOME: the XDG data directory on Linux', { skip: process.platform !== 'linux' }, () => {
    assert.equal(icpIdentityListPath({ XDG_DATA_HOME: '/x' }), '/x/icp-cli/identity/identity_list.json');
  });
});
