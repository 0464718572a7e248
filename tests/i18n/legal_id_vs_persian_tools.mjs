// pk_legal_id_valid against an independent implementation, @persian-tools/persian-tools'
// verifyIranianLegalId, on 10,000+ generated inputs. Argument: the test_legal_id binary.
//
// Where they differ, by design (each counted and checked, never skipped):
// - persian-tools reads only ASCII digits (parseInt): "۱۰۳۸۰۲۸۴۷۹۰" is false there, true
//   here (the kiosk accepts any digit set). Compared on the ASCII form instead.
// - persian-tools checks only that the input is at least 11 characters and reads the
//   first 11: "103802847901" is true there. Here an ID is exactly 11 digits, so these must
//   be refused.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(new URL('../../tools/', import.meta.url));
const { verifyIranianLegalId } = require('@persian-tools/persian-tools');

let seed = 1404;
const rnd = (n) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
const digits = (n) => Array.from({ length: n }, () => rnd(10)).join('');
const check = (ten) => {
  const c = [29, 27, 23, 19, 17], d = Number(ten[9]) + 2;
  let s = 0;
  for (let i = 0; i < 10; i++) s += (d + Number(ten[i])) * c[i % 5];
  return String(s % 11 === 10 ? 0 : s % 11);
};
const fa = (s) => s.replace(/[0-9]/g, (c) => '۰۱۲۳۴۵۶۷۸۹'[c]);

const cases = []; // [input, expected or null (= as persian-tools on input), kind]
for (let i = 0; i < 6000; i++) cases.push([digits(11), null, 'random']);
for (let i = 0; i < 3000; i++) {
  const ten = digits(10);
  cases.push([ten + check(ten), null, 'check digit made right']);
}
for (let i = 0; i < 500; i++) {
  const ten = digits(3) + '000000' + digits(1);
  cases.push([ten + check(ten), null, 'middle six zero']);
}
for (let i = 0; i < 500; i++) {
  const ten = digits(10), id = ten + check(ten);
  cases.push([fa(id), verifyIranianLegalId(id), 'Persian digits']);
}
for (let i = 0; i < 500; i++) {
  const ten = digits(10);
  cases.push([ten + check(ten) + digits(1 + rnd(3)), false, 'longer than 11']);
}
cases.push(['00000000000', null, 'all zero'], ['00000000009', null, 'all zero but the check']);

const out = execFileSync(process.argv[2], ['--stdin'], { input: cases.map((c) => c[0]).join('\n') + '\n' })
  .toString().trim().split('\n');
if (out.length !== cases.length) throw new Error(`got ${out.length} answers for ${cases.length} inputs`);
let bad = 0, valid = 0;
const differ = {};
cases.forEach(([input, want, kind], i) => {
  const theirs = verifyIranianLegalId(input), ours = out[i] === '1';
  const expect = want === null ? theirs : want;
  if (ours !== theirs) differ[kind] = (differ[kind] || 0) + 1;
  if (ours) valid++;
  if (ours !== expect && bad++ < 10) console.error(`${kind}: ${input}: ours ${ours}, expected ${expect}`);
});
console.log(`${cases.length} inputs, ${valid} valid; differences by design: ${JSON.stringify(differ)}`);
if (bad) {
  console.error(`${bad} disagreements`);
  process.exit(1);
}
