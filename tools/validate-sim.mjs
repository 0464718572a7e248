// Drives a running pishkhan-window-sim through every operation of docs/api/openapi.yaml
// and validates each answer (status, content type, body) against the contract; verifies
// the receipt JWS with jose against the published JWKS, independently of our C code.
// Usage: node validate-sim.mjs BASE_URL PKI_DIR OPENAPI_YAML
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { createHash, createSign } from 'node:crypto';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import YAML from 'yaml';
import * as jose from 'jose';

const [base, pki, specPath] = process.argv.slice(2);
const spec = YAML.parse(readFileSync(specPath, 'utf8'));
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(spec, 'api');
const tls = {
  ca: readFileSync(`${pki}/tls/ca.pem`),
  cert: readFileSync(`${pki}/tls/kiosk.pem`),
  key: readFileSync(`${pki}/tls/kiosk-key.pem`),
};
const KIOSK = 'kiosk-test-01';
let checked = 0, failed = 0;

function request(method, path, { body, headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const u = new URL(base + path);
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = https.request(u, { method, ...tls, agent: false,
      headers: { Accept: 'application/json', ...(data ? { 'Content-Type': 'application/json' } : {}), ...headers } },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, type: (res.headers['content-type'] || '').split(';')[0],
          headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      });
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

const esc = (s) => s.replace(/~/g, '~0').replace(/\//g, '~1');
function resolve(obj) {
  while (obj && obj.$ref) obj = obj.$ref.slice(2).split('/').reduce((o, k) => o[k.replace(/~1/g, '/').replace(/~0/g, '~')], spec);
  return obj;
}

// Calls path (concrete) under operation template tpl and checks the answer.
async function call(method, tpl, path, opts = {}, expectStatus) {
  const res = await request(method, path, opts);
  const where = `${method} ${tpl} -> ${res.status}`;
  const op = spec.paths[tpl]?.[method.toLowerCase()];
  const fail = (msg) => { failed++; console.error(`FAIL ${where}: ${msg}`); };
  checked++;
  if (!op) return fail('no such operation in the contract'), res;
  if (expectStatus && res.status !== expectStatus) fail(`expected ${expectStatus}: ${res.text.slice(0, 300)}`);
  const resp = resolve(op.responses[String(res.status)]);
  if (!resp) return fail('status not in the contract'), res;
  if (!resp.content) {
    if (res.text.length) fail('body where the contract has none');
    return res;
  }
  const media = resp.content[res.type];
  if (!media) return fail(`content type ${res.type} not in the contract`), res;
  let json;
  try { json = JSON.parse(res.text); } catch { return fail('body is not JSON'), res; }
  const pointer = `api#/paths/${esc(tpl)}/${method.toLowerCase()}/responses/${res.status}`;
  const schemaRef = op.responses[String(res.status)].$ref
    ? `api#${op.responses[String(res.status)].$ref.slice(1)}/content/${esc(res.type)}/schema`
    : `${pointer}/content/${esc(res.type)}/schema`;
  const validate = ajv.getSchema(schemaRef);
  if (!validate) return fail(`no schema at ${schemaRef}`), res;
  if (!validate(json)) fail(ajv.errorsText(validate.errors));
  res.json = json;
  return res;
}

function nationalCodeCheck(d9) {
  let s = 0;
  for (let i = 0; i < 9; i++) s += Number(d9[i]) * (10 - i);
  const r = s % 11;
  return d9 + String(r < 2 ? r : 11 - r);
}

// A card session of a persona of the card PKI; its token.
async function cardSession(persona) {
  const ch = await call('POST', '/auth/challenge', '/auth/challenge', { body: { kiosk_id: KIOSK } }, 200);
  const nonce = Buffer.from(ch.json.nonce, 'base64url');
  const tbs = Buffer.concat([Buffer.from([0x80, nonce.length]), nonce, Buffer.from([0x81, KIOSK.length]), Buffer.from(KIOSK)]);
  const sig = createSign('sha256').update(tbs).sign(readFileSync(`${pki}/card/${persona}.key.pem`));
  const der = Buffer.from(readFileSync(`${pki}/card/${persona}.crt.pem`, 'utf8').replace(/-----[^-]+-----|\s/g, ''), 'base64');
  const ses = await call('POST', '/auth/card', '/auth/card', { body: { kiosk_id: KIOSK, nonce: ch.json.nonce,
    certificate: der.toString('base64'), signature: sig.toString('base64') } }, 200);
  return ses.json?.token;
}

// The receipt verifies with an independent JOSE library and carries these claims.
async function checkClaims(jws, keyset, want) {
  checked++;
  try {
    const claims = JSON.parse(new TextDecoder().decode((await jose.compactVerify(jws, keyset)).payload));
    for (const [k, v] of Object.entries(want))
      if (claims[k] !== v) { failed++; console.error(`FAIL receipt claim ${k}: ${claims[k]}, want ${v}`); return; }
  } catch (e) { failed++; console.error('FAIL receipt does not verify:', e.message); }
}

async function main() {
  const cat = await call('GET', '/catalog', '/catalog', {}, 200);
  const etag = cat.headers.etag;
  await call('GET', '/catalog', '/catalog', { headers: { 'If-None-Match': etag } }, 304);
  await call('GET', '/agencies', '/agencies', {}, 200);
  await call('GET', '/services/{service_id}', '/services/tax-0001', {}, 200);
  await call('GET', '/services/{service_id}', '/services/nope-0000', {}, 404);
  await call('GET', '/health', '/health', {}, 200);
  const jwks = (await call('GET', '/jwks.json', '/jwks.json', {}, 200)).json;

  // Card authentication with the card PKI's citizen persona.
  const ch = await call('POST', '/auth/challenge', '/auth/challenge', { body: { kiosk_id: KIOSK } }, 200);
  const nonce = Buffer.from(ch.json.nonce, 'base64url');
  const tbs = Buffer.concat([Buffer.from([0x80, nonce.length]), nonce, Buffer.from([0x81, KIOSK.length]), Buffer.from(KIOSK)]);
  const sig = createSign('sha256').update(tbs).sign(readFileSync(`${pki}/card/citizen.key.pem`));
  const certDer = Buffer.from(readFileSync(`${pki}/card/citizen.crt.pem`, 'utf8').replace(/-----[^-]+-----|\s/g, ''), 'base64');
  const card = await call('POST', '/auth/card', '/auth/card', { body: { kiosk_id: KIOSK, nonce: ch.json.nonce,
    certificate: certDer.toString('base64'), signature: sig.toString('base64') } }, 200);
  await call('POST', '/auth/card', '/auth/card', { body: { kiosk_id: KIOSK, nonce: ch.json.nonce,
    certificate: certDer.toString('base64'), signature: sig.toString('base64') } }, 401);
  await call('POST', '/auth/challenge', '/auth/challenge', { body: {} }, 422);
  const bearer = { Authorization: `Bearer ${card.json.token}` };

  // OTP.
  const nc = nationalCodeCheck('123456789');
  const otp = await call('POST', '/auth/otp', '/auth/otp', { body: { national_code: nc, mobile: '09120000000' } }, 200);
  await call('POST', '/auth/otp', '/auth/otp', { body: { national_code: nc, mobile: '09120000000' } }, 429);
  await call('POST', '/auth/otp', '/auth/otp', { body: { national_code: '1234567890', mobile: '09120000000' } }, 422);
  const code = (await call('GET', '/test/otp', `/test/otp?otp_id=${otp.json.otp_id}`, {}, 200)).json.code;
  await call('POST', '/auth/otp/verify', '/auth/otp/verify', { body: { otp_id: otp.json.otp_id, code: code === '000000' ? '111111' : '000000' } }, 401);
  const otpSes = await call('POST', '/auth/otp/verify', '/auth/otp/verify', { body: { otp_id: otp.json.otp_id, code } }, 200);

  // Requests.
  const fields = { national_code: '0071234561', mobile: '09121234567', taxpayer_type: 'individual', postal_code: '1234567890' };
  const key = 'conformance-' + Date.now();
  const sub = await call('POST', '/requests', '/requests', { body: { service_id: 'tax-0001', fields }, headers: { ...bearer, 'Idempotency-Key': key } }, 201);
  const again = await call('POST', '/requests', '/requests', { body: { service_id: 'tax-0001', fields }, headers: { ...bearer, 'Idempotency-Key': key } }, 200);
  if (again.json?.tracking_code !== sub.json?.tracking_code) { failed++; console.error('FAIL replay gave another tracking code'); }
  await call('POST', '/requests', '/requests', { body: { service_id: 'tax-0001', fields: { ...fields, postal_code: '0123' } }, headers: { ...bearer, 'Idempotency-Key': key + 'x' } }, 422);
  await call('POST', '/requests', '/requests', { body: { service_id: 'tax-0001', fields }, headers: { ...bearer } }, 400);
  await call('POST', '/requests', '/requests', { body: { service_id: 'tax-0001', fields }, headers: { Authorization: `Bearer ${otpSes.json.token}`, 'Idempotency-Key': key + 'y' } }, 403);
  await call('POST', '/requests', '/requests', { body: { service_id: 'tax-0001', fields }, headers: { 'Idempotency-Key': key + 'z' } }, 401);
  await call('GET', '/requests/{tracking_code}', `/requests/${sub.json.tracking_code}`, {}, 200);
  await call('GET', '/requests/{tracking_code}', '/requests/999999999', {}, 404);
  await call('GET', '/inbox', '/inbox', { headers: bearer }, 200);
  await call('POST', '/inquiries', '/inquiries', { body: { kind: 'report_card', params: { student_national_code: '0071234561' } }, headers: bearer }, 200);
  await call('POST', '/inquiries', '/inquiries', { body: { kind: 'weather' }, headers: bearer }, 404);

  // The receipt verifies with the published keys, with an independent JOSE library.
  const keyset = jose.createLocalJWKSet(jwks);
  const { payload, protectedHeader } = await jose.compactVerify(sub.json.receipt, keyset);
  const claims = JSON.parse(new TextDecoder().decode(payload));
  if (protectedHeader.alg !== 'ES256' || claims.tc !== sub.json.tracking_code) {
    failed++; console.error('FAIL receipt claims', protectedHeader, claims);
  }
  const thumb = await jose.calculateJwkThumbprint(jwks.keys[0]);
  if (jwks.keys[0].kid !== 'w-' + thumb.slice(0, 8)) { failed++; console.error('FAIL kid is not "w-" + the RFC 7638 thumbprint\'s first 8 characters'); }
  checked++;

  // Level 1, counter mode and fees.
  await call('POST', '/auth/level1', '/auth/level1', { body: { national_code: '0071234561', birth_date: '1370-05-12' } }, 200);
  await call('POST', '/auth/level1', '/auth/level1', { body: { national_code: '0071234561', birth_date: '1370-05-13' } }, 401);
  await call('POST', '/auth/level1', '/auth/level1', { body: { national_code: '0071234561', birth_date: '1370/05/12' } }, 422);
  const ents = await call('GET', '/persons/me/entities', '/persons/me/entities', { headers: bearer }, 200);
  await call('GET', '/persons/me/entities', '/persons/me/entities', {}, 401);
  await call('GET', '/clerk/me', '/clerk/me', { headers: bearer }, 403);
  const clerk = await cardSession('clerk');
  const me = await call('GET', '/clerk/me', '/clerk/me', { headers: { Authorization: `Bearer ${clerk}` } }, 200);
  const obo = ents.json?.entities?.[0]?.legal_id;
  const counter = { service_id: 'tax-0001', fields, on_behalf_of: obo, assisted_by: me.json?.clerk_id };
  const assisted = await call('POST', '/requests', '/requests', { body: counter, headers: { ...bearer, 'Idempotency-Key': key + 'c' } }, 201);
  await call('POST', '/requests', '/requests', { body: { ...counter, on_behalf_of: '14109876546' }, headers: { ...bearer, 'Idempotency-Key': key + 'd' } }, 403);
  await checkClaims(assisted.json?.receipt, keyset, { obo, ast: me.json?.clerk_id });
  const cbi = { national_code: '0071234561', mobile: '09121234567', birth_date: '1365/04/12' };
  const inv = await call('POST', '/invoices', '/invoices', { body: { service_id: 'cbi-0001', idempotency_key: key + 'f' }, headers: bearer }, 201);
  await call('POST', '/invoices', '/invoices', { body: { service_id: 'cbi-0001', idempotency_key: key + 'f' }, headers: bearer }, 200);
  await call('POST', '/invoices', '/invoices', { body: { service_id: 'tax-0001', idempotency_key: key + 'f' }, headers: bearer }, 422);
  const id = inv.json?.invoice_id, pay = { bank_ref: '140300000001', terminal_id: 'term01', trace: '000001' };
  const paid = { body: { service_id: 'cbi-0001', fields: cbi, invoice_id: id }, headers: { ...bearer, 'Idempotency-Key': key + 'f' } };
  await call('POST', '/requests', '/requests', paid, 422);
  await call('POST', '/invoices/{invoice_id}/pay', `/invoices/${id}/pay`, { body: pay, headers: bearer }, 422);
  await call('POST', '/admin/provider', '/admin/provider', { body: { bank_ref: pay.bank_ref, amount_rials: inv.json?.amount_rials } }, 201);
  await call('POST', '/invoices/{invoice_id}/pay', `/invoices/${id}/pay`, { body: pay, headers: bearer }, 200);
  await call('POST', '/invoices/{invoice_id}/pay', `/invoices/${id}/pay`, { body: { ...pay, bank_ref: '140300000002' }, headers: bearer }, 409);
  await call('GET', '/invoices/{invoice_id}', `/invoices/${id}`, { headers: bearer }, 200);
  await call('GET', '/invoices/{invoice_id}', '/invoices/inv_nope', { headers: bearer }, 404);
  const feeSub = await call('POST', '/requests', '/requests', paid, 201);
  await checkClaims(feeSub.json?.receipt, keyset, { inv: id });
  await call('POST', '/requests', '/requests', { ...paid, headers: { ...bearer, 'Idempotency-Key': key + 'g' } }, 409);
  await call('POST', '/invoices/{invoice_id}/cancel', `/invoices/${id}/cancel`, { headers: bearer }, 409);

  // The citizen's phone, cash at the counter, cancel and refund.
  const inv2 = await call('POST', '/invoices', '/invoices', { body: { service_id: 'cbi-0001', idempotency_key: key + 'p' }, headers: bearer }, 201);
  const link = await call('POST', '/invoices/{invoice_id}/link', `/invoices/${inv2.json?.invoice_id}/link`, { headers: bearer }, 200);
  const token = (link.json?.pay_url || '').split('/').pop();
  await call('POST', '/test/phone-pay', '/test/phone-pay', { body: { token, outcome: 'decline' } }, 200);
  const phone = await call('POST', '/test/phone-pay', '/test/phone-pay', { body: { token } }, 200);
  if (phone.json?.status !== 'paid') { failed++; console.error('FAIL the phone did not pay', phone.json); }
  const refunded = await call('POST', '/invoices/{invoice_id}/cancel', `/invoices/${inv2.json?.invoice_id}/cancel`, { headers: bearer }, 200);
  if (refunded.json?.status !== 'refunded') { failed++; console.error('FAIL a paid unused invoice is not refunded', refunded.json); }
  await call('POST', '/test/phone-pay', '/test/phone-pay', { body: { token: 'ZZZZZZZZZZZZ' } }, 404);
  const inv3 = await call('POST', '/invoices', '/invoices', { body: { service_id: 'cbi-0001', idempotency_key: key + 'q' }, headers: bearer }, 201);
  await call('POST', '/invoices/{invoice_id}/cash', `/invoices/${inv3.json?.invoice_id}/cash`, { body: { clerk_id: 'clk-nobody' }, headers: bearer }, 403);
  const cash = await call('POST', '/invoices/{invoice_id}/cash', `/invoices/${inv3.json?.invoice_id}/cash`, { body: { clerk_id: me.json?.clerk_id }, headers: bearer }, 200);
  if (cash.json?.method !== 'cash') { failed++; console.error('FAIL cash not recorded', cash.json); }
  const inv4 = await call('POST', '/invoices', '/invoices', { body: { service_id: 'cbi-0001', idempotency_key: key + 'r' }, headers: bearer }, 201);
  const voided = await call('POST', '/invoices/{invoice_id}/cancel', `/invoices/${inv4.json?.invoice_id}/cancel`, {}, 200);
  if (voided.json?.status !== 'cancelled') { failed++; console.error('FAIL an unpaid invoice is not cancelled', voided.json); }
  await call('POST', '/invoices/{invoice_id}/link', `/invoices/${inv4.json?.invoice_id}/link`, { headers: bearer }, 409);

  // Faults and logout.
  await call('PUT', '/admin/faults', '/admin/faults', { body: { error_ratio: 1 } }, 200);
  await call('GET', '/health', '/health', {}, 503);
  await call('PUT', '/admin/faults', '/admin/faults', { body: {} }, 200);
  await call('GET', '/admin/faults', '/admin/faults', {}, 200);
  await call('GET', '/admin/stats', '/admin/stats', {}, 200);
  await call('POST', '/auth/logout', '/auth/logout', { headers: bearer }, 204);
  await call('GET', '/inbox', '/inbox', { headers: bearer }, 401);
  void createHash;
}

main().then(() => {
  console.log(`${checked - failed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}, (e) => { console.error(e); console.log(`${checked - failed} passed, ${failed + 1} failed`); process.exit(1); });
