// Independent checks with the npm package `jose` (not our C code):
//   node jose_check.mjs JOSE_DIR decrypt JWE_FILE PRIVATE_JWK_FILE   -> the plaintext on stdout
//   node jose_check.mjs JOSE_DIR verify BUNDLE_FILE JWKS_FILE        -> the number of envelopes
//   node jose_check.mjs JOSE_DIR make-bundle BUNDLE_FILE JWKS_FILE   -> writes a bundle of 2 envelopes
//                                                                      signed by a fresh key, and its JWKS
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const [joseDir, mode, file, keyFile] = process.argv.slice(2);
const require = createRequire(join(joseDir, 'package.json'));
const jose = require('jose');
const text = mode === 'make-bundle' ? '' : readFileSync(file, 'utf8').trim();

async function makeBundle() {
  const sig = await jose.generateKeyPair('ES256', { extractable: true });
  const enc = await jose.generateKeyPair('ECDH-ES+A256KW', { extractable: true });
  const now = Math.floor(Date.now() / 1000);
  const envelopes = [];
  for (const ref of ['1234567894', '5550001113']) {
    const sealed = await new jose.CompactEncrypt(new TextEncoder().encode(`{"v":1,"ref":"${ref}"}`))
      .setProtectedHeader({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM', kid: 'w-enc-1' }).encrypt(enc.publicKey);
    envelopes.push({ ref, idem_key: crypto.randomUUID(), service_id: 'svc.passport', created_at: now - 60, sealed });
  }
  const payload = { v: 1, kiosk_id: 'kiosk-node', seq: 1, created_at: now, expires_at: now + 3600, envelopes };
  const jws = await new jose.CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: 'ES256', kid: 'd-node' }).sign(sig.privateKey);
  writeFileSync(file, jws);
  const pub = { ...(await jose.exportJWK(sig.publicKey)), kid: 'd-node', use: 'sig', alg: 'ES256' };
  writeFileSync(keyFile, JSON.stringify({ keys: [pub] }));
}

try {
  if (mode === 'make-bundle') await makeBundle(); else
  if (mode === 'decrypt') {
    const key = await jose.importJWK(JSON.parse(readFileSync(keyFile, 'utf8')), 'ECDH-ES+A256KW');
    const { plaintext, protectedHeader } = await jose.compactDecrypt(text, key, {
      keyManagementAlgorithms: ['ECDH-ES+A256KW'], contentEncryptionAlgorithms: ['A256GCM'] });
    if (!protectedHeader.kid) throw new Error('no kid in the protected header');
    process.stdout.write(new TextDecoder().decode(plaintext));
  } else if (mode === 'verify') {
    const keys = jose.createLocalJWKSet(JSON.parse(readFileSync(keyFile, 'utf8')));
    const { payload } = await jose.compactVerify(text, keys, { algorithms: ['ES256'] });
    const bundle = JSON.parse(new TextDecoder().decode(payload));
    console.log(bundle.envelopes.length);
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
} catch (e) {
  console.error(`jose: ${e.message}`);
  process.exit(1);
}
