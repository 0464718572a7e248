// Independent check of an audit log with node's crypto and the npm package `jose` (not our C):
//   node jose_check.mjs JOSE_DIR LOG JWKS  -> "ENTRIES CHECKPOINTS HEAD" on stdout, exit 1 on any fault
// Recomputes the chain (SHA-256 of the previous hash and the line's bytes), checks each line's
// prev, and verifies every checkpoint's JWS against the JWKS: its payload must be the entry
// without "jws", with size and head those of the entries before it.
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const [joseDir, logFile, jwksFile] = process.argv.slice(2);
const jose = createRequire(join(joseDir, 'package.json'))('jose');
const jwks = jose.createLocalJWKSet(JSON.parse(readFileSync(jwksFile, 'utf8')));
const lines = readFileSync(logFile).toString('utf8').split('\n');
if (lines.pop() !== '') throw new Error('the log does not end with a newline');

let head = Buffer.alloc(32), checkpoints = 0;
try {
  for (const [i, line] of lines.entries()) {
    const e = JSON.parse(line);
    if (e.seq !== i + 1 || e.prev !== head.toString('hex')) throw new Error(`line ${i + 1}: seq or prev`);
    if (e.kind === 'checkpoint') {
      const { payload, protectedHeader } = await jose.compactVerify(e.jws, jwks, { algorithms: ['ES256'] });
      const signed = JSON.parse(new TextDecoder().decode(payload));
      const { jws, ...rest } = e;
      if (JSON.stringify(Object.entries(signed).sort()) !== JSON.stringify(Object.entries(rest).sort()))
        throw new Error(`line ${i + 1}: the JWS signs other content`);
      if (signed.size !== i || signed.head !== head.toString('hex') || !protectedHeader.kid)
        throw new Error(`line ${i + 1}: size or head`);
      checkpoints++;
    }
    head = createHash('sha256').update(head).update(Buffer.from(line, 'utf8')).digest();
  }
} catch (err) {
  console.error(`jose_check: ${err.message}`);
  process.exit(1);
}
console.log(`${lines.length} ${checkpoints} ${head.toString('hex')}`);
