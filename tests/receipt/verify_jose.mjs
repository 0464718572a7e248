// Independent check of a receipt token with the npm package `jose` (not our C code).
// usage: node verify_jose.mjs JOSE_DIR TOKEN JWKS_FILE EXPECTED_TRACKING_CODE -> exit 0 when valid.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const [joseDir, token, jwksPath, tc] = process.argv.slice(2);
const require = createRequire(join(joseDir, 'package.json'));
const { compactVerify, createLocalJWKSet } = require('jose');
const keys = createLocalJWKSet(JSON.parse(readFileSync(jwksPath, 'utf8')));
try {
  const { payload, protectedHeader } = await compactVerify(token.trim(), keys, { algorithms: ['ES256'] });
  const claims = JSON.parse(new TextDecoder().decode(payload));
  if (claims.tc !== tc) throw new Error(`tracking code ${claims.tc}`);
  console.log(`jose: valid ES256 signature by ${protectedHeader.kid} for ${claims.tc}`);
} catch (e) {
  console.error(`jose: ${e.message}`);
  process.exit(1);
}
