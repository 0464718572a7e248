/* The command interpreter of the virtual card (docs/card-profile.md section 6). */
#include "vcard_state.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "pishkhan/ecdsa_sig.h"
#include "pishkhan/secret.h"

typedef struct {
  uint8_t cla, ins, p1, p2;
  const uint8_t *data;
  size_t lc, le;
  bool has_le, ext;
} cmd_t;

typedef struct {
  uint8_t *out;
  size_t cap, len;
} reply_t;

/* ISO 7816-4 section 5.1 cases 1, 2S, 3S, 4S, 2E, 3E, 4E. Returns 0 or an error SW. */
static uint16_t parse(const uint8_t *b, size_t n, cmd_t *c) {
  memset(c, 0, sizeof *c);
  if (n < 4) return 0x6700;
  c->cla = b[0], c->ins = b[1], c->p1 = b[2], c->p2 = b[3];
  size_t body = n - 4;
  const uint8_t *p = b + 4;
  if (body == 0) return 0;
  if (body == 1) {
    c->has_le = true;
    c->le = p[0] ? p[0] : 256;
    return 0;
  }
  if (p[0] != 0) {
    c->lc = p[0];
    c->data = p + 1;
    if (body == 1 + c->lc) return 0;
    if (body == 2 + c->lc) {
      c->has_le = true;
      c->le = p[1 + c->lc] ? p[1 + c->lc] : 256;
      return 0;
    }
    return 0x6700;
  }
  if (body < 3) return 0x6700;
  c->ext = true;
  size_t v = (size_t)p[1] << 8 | p[2];
  if (body == 3) {
    c->has_le = true;
    c->le = v ? v : 65536;
    return 0;
  }
  if (v == 0) return 0x6700;
  c->lc = v;
  c->data = p + 3;
  if (body == 3 + c->lc) return 0;
  if (body == 5 + c->lc) {
    size_t le = (size_t)p[3 + c->lc] << 8 | p[4 + c->lc];
    c->has_le = true;
    c->le = le ? le : 65536;
    return 0;
  }
  return 0x6700;
}

static int sw_only(reply_t *r, uint16_t sw) {
  if (r->cap < 2) return -1;
  r->out[0] = (uint8_t)(sw >> 8);
  r->out[1] = (uint8_t)sw;
  r->len = 2;
  return 0;
}

static void drop_pending(pk_vcard *v) {
  if (v->pending) pk_wipe(v->pending, v->pending_len);
  free(v->pending);
  v->pending = NULL;
  v->pending_len = v->pending_off = 0;
}

/* Data + SW, or 61xx with the data kept for GET RESPONSE (T=0 style quirk). */
static int data_reply(pk_vcard *v, reply_t *r, const uint8_t *d, size_t n, uint16_t sw) {
  if ((v->quirks & PK_VCARD_QUIRK_T0) && n > 0 && sw == 0x9000) {
    drop_pending(v);
    if (!(v->pending = malloc(n))) return sw_only(r, 0x6F00);
    memcpy(v->pending, d, n);
    v->pending_len = n;
    return sw_only(r, (uint16_t)(0x6100 | (n >= 256 ? 0 : n)));
  }
  if (r->cap < n + 2) return -1;
  memcpy(r->out, d, n);
  r->len = n;
  r->out[r->len++] = (uint8_t)(sw >> 8);
  r->out[r->len++] = (uint8_t)sw;
  return 0;
}

static int get_response(pk_vcard *v, const cmd_t *c, reply_t *r) {
  if (!v->pending) return sw_only(r, 0x6985);
  size_t left = v->pending_len - v->pending_off, n = c->le < left ? c->le : left;
  if (r->cap < n + 2) return -1;
  memcpy(r->out, v->pending + v->pending_off, n);
  v->pending_off += n;
  left -= n;
  r->len = n;
  uint16_t sw = left ? (uint16_t)(0x6100 | (left >= 256 ? 0 : left)) : 0x9000;
  r->out[r->len++] = (uint8_t)(sw >> 8);
  r->out[r->len++] = (uint8_t)sw;
  if (!left) drop_pending(v);
  return 0;
}

static int do_select(pk_vcard *v, const cmd_t *c, reply_t *r) {
  if (c->p2 != 0x0C && c->p2 != 0x00) return sw_only(r, 0x6A86);
  if (c->p1 == 0x04) {
    if (c->lc != PK_PROFILE_AID_LEN || memcmp(c->data, PK_PROFILE_AID, PK_PROFILE_AID_LEN) != 0)
      return sw_only(r, 0x6A82);
    v->app_selected = true;
    v->cur_ef = -1;
    if (c->p2 == 0x0C || !c->has_le) return sw_only(r, 0x9000);
    uint8_t fci[2 + 2 + PK_PROFILE_AID_LEN] = {0x6F, 2 + PK_PROFILE_AID_LEN, 0x84, PK_PROFILE_AID_LEN};
    memcpy(fci + 4, PK_PROFILE_AID, PK_PROFILE_AID_LEN);
    return data_reply(v, r, fci, sizeof fci, 0x9000);
  }
  if (c->p1 == 0x00 && c->lc == 2 && c->data[0] == 0x3F && c->data[1] == 0x00) {
    v->app_selected = false;
    v->cur_ef = -1;
    return sw_only(r, 0x9000);
  }
  if (c->p1 != 0x02) return sw_only(r, 0x6A86);
  if (!v->app_selected) return sw_only(r, 0x6986);
  if (c->lc != 2) return sw_only(r, 0x6700);
  unsigned fid = (unsigned)c->data[0] << 8 | c->data[1];
  if (fid < PK_FID_ID || fid > PK_FID_CERT) return sw_only(r, 0x6A82);
  v->cur_ef = (int)(fid - PK_FID_ID);
  return sw_only(r, 0x9000);
}

static int do_read(pk_vcard *v, const cmd_t *c, reply_t *r) {
  size_t off;
  if (c->p1 & 0x80) {
    unsigned sfi = c->p1 & 0x1F;
    if ((c->p1 & 0x60) || !v->app_selected) return sw_only(r, (c->p1 & 0x60) ? 0x6A86 : 0x6986);
    if (sfi < PK_SFI_ID || sfi > PK_SFI_CERT) return sw_only(r, 0x6A82);
    v->cur_ef = (int)sfi - 1;
    off = c->p2;
  } else {
    if (!v->app_selected || v->cur_ef < 0) return sw_only(r, 0x6986);
    off = (size_t)c->p1 << 8 | c->p2;
  }
  if (c->lc || !c->has_le) return sw_only(r, 0x6700);
  size_t size = v->files.len[v->cur_ef];
  if (off >= size) return sw_only(r, 0x6B00);
  size_t avail = size - off, n = avail < c->le ? avail : c->le;
  bool wildcard = c->le == (c->ext ? 65536u : 256u);
  if ((v->quirks & PK_VCARD_QUIRK_6CXX) && !c->ext && avail < c->le) return sw_only(r, (uint16_t)(0x6C00 | avail));
  return data_reply(v, r, v->files.file[v->cur_ef] + off, n, (n < c->le && !wildcard) ? 0x6282 : 0x9000);
}

static int do_verify(pk_vcard *v, const cmd_t *c, reply_t *r) {
  if (c->p1 != 0x00 || c->p2 != PK_PIN_REF) return sw_only(r, 0x6A86);
  if (!v->app_selected) return sw_only(r, 0x6986);
  if (c->lc == 0) {
    if (v->tries == 0) return sw_only(r, 0x6983);
    return sw_only(r, v->verified ? 0x9000 : (uint16_t)(0x63C0 | v->tries));
  }
  if (c->lc != PK_PIN_MAX) return sw_only(r, 0x6700);
  if (v->tries == 0) return sw_only(r, 0x6983);
  if (CRYPTO_memcmp(c->data, v->pin_block, PK_PIN_MAX) == 0) {
    v->tries = PK_PIN_TRIES;
    v->verified = true;
    return sw_only(r, 0x9000);
  }
  v->tries--;
  v->verified = false;
  return sw_only(r, (uint16_t)(0x63C0 | v->tries));
}

/* ECDSA-SHA256 over the data field, returned as r||s (what cards usually give). */
static int sign_raw(pk_vcard *v, const uint8_t *d, size_t n, uint8_t raw[64]) {
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  uint8_t der[80];
  size_t dl = sizeof der;
  int rc = -1;
  if (md && EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, v->files.key) == 1 &&
      EVP_DigestSign(md, der, &dl, d, n) == 1 && pk_ecdsa_sig_from_der(der, dl, raw, 64))
    rc = 0;
  EVP_MD_CTX_free(md);
  return rc;
}

static bool challenge_ok(const uint8_t *d, size_t n) {
  const uint8_t *p = d, *end = d + n;
  pk_tlv nonce, kiosk;
  return pk_tlv_next(&p, end, &nonce) == 0 && nonce.tag == 0x80 && nonce.len >= 16 && nonce.len <= 64 &&
         pk_tlv_next(&p, end, &kiosk) == 0 && kiosk.tag == 0x81 && kiosk.len >= 1 && kiosk.len <= 64 && p == end;
}

static int do_internal_auth(pk_vcard *v, const cmd_t *c, reply_t *r) {
  if (c->p1 != 0x00 || c->p2 != 0x00) return sw_only(r, 0x6A86);
  if (!v->app_selected) return sw_only(r, 0x6986);
  if (v->chain_len + c->lc > sizeof v->chain) {
    v->chain_len = 0;
    return sw_only(r, 0x6700);
  }
  memcpy(v->chain + v->chain_len, c->data, c->lc);
  v->chain_len += c->lc;
  if (c->cla & 0x10) return sw_only(r, 0x9000);
  size_t n = v->chain_len;
  v->chain_len = 0;
  if (!c->has_le) return sw_only(r, 0x6700);
  if (!v->verified) return sw_only(r, v->tries == 0 ? 0x6983 : 0x6982);
  if (!challenge_ok(v->chain, n)) return sw_only(r, 0x6A80);
  uint8_t raw[64];
  if (sign_raw(v, v->chain, n, raw) < 0) return sw_only(r, 0x6F00);
  return data_reply(v, r, raw, sizeof raw, 0x9000);
}

/* PSO: COMPUTE DIGITAL SIGNATURE: the host sends the SHA-256 digest, the card signs it as
 * given (no second hash), so the result verifies as ES256 over the host's document. */
static int do_pso_cds(pk_vcard *v, const cmd_t *c, reply_t *r) {
  if (c->p1 != 0x9E || c->p2 != 0x9A) return sw_only(r, 0x6A86);
  if (!v->app_selected) return sw_only(r, 0x6986);
  if (!c->has_le || c->lc != 32) return sw_only(r, 0x6700);
  if (!v->verified) return sw_only(r, v->tries == 0 ? 0x6983 : 0x6982);
  EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(v->files.key, NULL);
  uint8_t der[80], raw[64];
  size_t dl = sizeof der;
  bool ok = ctx && EVP_PKEY_sign_init(ctx) == 1 && EVP_PKEY_sign(ctx, der, &dl, c->data, 32) == 1 &&
            pk_ecdsa_sig_from_der(der, dl, raw, 64);
  EVP_PKEY_CTX_free(ctx);
  if (!ok) return sw_only(r, 0x6F00);
  return data_reply(v, r, raw, sizeof raw, 0x9000);
}

int pk_vcard_process(pk_vcard *v, const uint8_t *b, size_t n, uint8_t *out, size_t cap, size_t *out_len) {
  reply_t r = {.out = out, .cap = cap};
  cmd_t c;
  uint16_t err = parse(b, n, &c);
  int rc;
  bool chained = !err && (c.cla & 0x10);
  if (!err && c.ext && (v->quirks & PK_VCARD_QUIRK_NO_EXT)) err = 0x6700;
  if (!err && (c.cla & ~0x10) != 0x00) err = 0x6E00;
  if (!err && chained && c.ins != 0x88) err = 0x6884;
  if (!err && c.ins != 0x88) v->chain_len = 0;
  if (!err && c.ins != 0xC0) drop_pending(v);
  if (err) {
    v->chain_len = 0;
    rc = sw_only(&r, err);
  } else {
    switch (c.ins) {
    case 0xA4: rc = do_select(v, &c, &r); break;
    case 0xB0: rc = do_read(v, &c, &r); break;
    case 0x20: rc = do_verify(v, &c, &r); break;
    case 0x88: rc = do_internal_auth(v, &c, &r); break;
    case 0x2A: rc = do_pso_cds(v, &c, &r); break;
    case 0xC0: rc = get_response(v, &c, &r); break;
    default: rc = sw_only(&r, 0x6D00); break;
    }
  }
  *out_len = rc == 0 ? r.len : 0;
  return rc;
}
