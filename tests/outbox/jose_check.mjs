// Independent checks with the npm package `jose` (not our C code):
//   node jose_check.mjs JOSE_DIR decrypt JWE_FILE PRIVATE_JWK_FILE   -> the plaintext on stdout
//   node jose_check.mjs JOSE_DIR verify BUNDLE_FILE JWKS_FILE        -> the number of envelopes
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const [joseDir, mode, file, keyFile] = process.argv.slice(2);
const require = createRequire(join(joseDir, 'package.json'));
const jose = require('jose');
const text = readFileSync(file, 'utf8').trim();
try {
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
