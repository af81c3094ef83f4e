import { generateKeyPairSync } from 'node:crypto';
const out = { _comment: 'TEST-ONLY signing keys for tests/oidc-server. Never use outside tests. Regenerate with: node gen-keys.js > keys.json' };
for (const set of ['a', 'b']) {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  const ed = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
  out[set] = [
    { kid: `${set}-rs256`, use: 'sig', alg: 'RS256', ...rsa },
    { kid: `${set}-es256`, use: 'sig', alg: 'ES256', ...ec },
    { kid: `${set}-eddsa`, use: 'sig', alg: 'EdDSA', ...ed },
  ];
}
process.stdout.write(JSON.stringify(out, null, 2) + '\n');
