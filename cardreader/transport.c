/* The transport wrapper (statistics, capabilities) and the APDU layer above raw
 * transmit: short/extended encoding, command chaining, 61xx and 6Cxx. */
#include "card_internal.h"

#include <stdlib.h>
#include <string.h>

#include "pishkhan/secret.h"

struct pk_transport {
  const pk_transport_ops *ops;
  void *impl;
  pk_transport_stats st;
  bool extended;
};

pk_transport *pk_transport_new(const pk_transport_ops *ops, void *impl) {
  if (!ops || !ops->transmit) return NULL;
  pk_transport *t = calloc(1, sizeof *t);
  if (!t) return NULL;
  t->ops = ops;
  t->impl = impl;
  return t;
}

void *pk_transport_impl(pk_transport *t) { return t ? t->impl : NULL; }
const pk_transport_ops *pk_transport_ops_of(const pk_transport *t) { return t ? t->ops : NULL; }

void pk_transport_free(pk_transport *t) {
  if (!t) return;
  if (t->ops->free) t->ops->free(t);
  free(t);
}

int pk_transport_transmit(pk_transport *t, const uint8_t *apdu, size_t n, uint8_t *resp, size_t *resp_len) {
  if (!t || !apdu || n < 4 || !resp || !resp_len || *resp_len < 2) return PK_TR_ARG;
  t->st.apdus++;
  t->st.bytes_out += n;
  int rc = t->ops->transmit(t, apdu, n, resp, resp_len);
  if (rc == PK_TR_OK && *resp_len < 2) return PK_TR_COMM;
  if (rc == PK_TR_OK) t->st.bytes_in += *resp_len;
  return rc;
}

int pk_transport_begin(pk_transport *t) { return t && t->ops->begin ? t->ops->begin(t) : PK_TR_OK; }
int pk_transport_end(pk_transport *t) { return t && t->ops->end ? t->ops->end(t) : PK_TR_OK; }

const uint8_t *pk_transport_atr(pk_transport *t, size_t *len) {
  if (!t || !t->ops->atr) {
    if (len) *len = 0;
    return NULL;
  }
  return t->ops->atr(t, len);
}

int pk_transport_control(pk_transport *t, unsigned long code, const uint8_t *in, size_t n, uint8_t *out,
                         size_t *out_len) {
  if (!t || !t->ops->control) return PK_TR_UNSUPPORTED;
  return t->ops->control(t, code, in, n, out, out_len);
}

void pk_transport_get_stats(const pk_transport *t, pk_transport_stats *st) { *st = t->st; }
void pk_transport_set_extended(pk_transport *t, bool on) { t->extended = on; }
bool pk_transport_extended(const pk_transport *t) { return t->extended; }

size_t pk_apdu_encode(const pk_apdu *c, bool extended, uint8_t *out, size_t outsz) {
  if (c->lc > 65535 || c->le > 65536 || (c->lc && !c->data)) return 0;
  bool ext = extended && (c->lc > 255 || c->le > 256);
  if (!ext && c->lc > 255) return 0;
  size_t need = 4 + (c->lc ? (ext ? 3 : 1) + c->lc : 0) + (c->le ? (ext ? (c->lc ? 2 : 3) : 1) : 0);
  if (need > outsz) return 0;
  size_t i = 0;
  out[i++] = c->cla;
  out[i++] = c->ins;
  out[i++] = c->p1;
  out[i++] = c->p2;
  if (c->lc) {
    if (ext) {
      out[i++] = 0;
      out[i++] = (uint8_t)(c->lc >> 8);
    }
    out[i++] = (uint8_t)c->lc;
    memcpy(out + i, c->data, c->lc);
    i += c->lc;
  }
  if (c->le) {
    size_t le = c->le;
    if (ext) {
      if (!c->lc) out[i++] = 0;
      out[i++] = le >= 65536 ? 0 : (uint8_t)(le >> 8);
      out[i++] = (uint8_t)le;
    } else {
      out[i++] = le >= 256 ? 0 : (uint8_t)le;
    }
  }
  return i;
}

enum { RAW_MAX = 65536 + 2, CMD_MAX = 4 + 3 + 65535 + 2 };

typedef struct {
  pk_transport *t;
  uint8_t *cmd, *raw;
  uint8_t *resp;
  size_t cap, len;
} xchg;

/* One raw round trip; on success raw holds data + SW and *n its length. */
static int round_trip(xchg *x, const pk_apdu *c, size_t *n, uint16_t *sw) {
  size_t cl = pk_apdu_encode(c, x->t->extended, x->cmd, CMD_MAX);
  if (!cl) return PK_TR_ARG;
  *n = RAW_MAX;
  int rc = pk_transport_transmit(x->t, x->cmd, cl, x->raw, n);
  pk_wipe(x->cmd, cl);
  if (rc != PK_TR_OK) return rc;
  *sw = (uint16_t)(x->raw[*n - 2] << 8 | x->raw[*n - 1]);
  *n -= 2;
  return PK_TR_OK;
}

static int append(xchg *x, size_t n) {
  if (n > x->cap - x->len) return PK_TR_OVERFLOW;
  if (n) memcpy(x->resp + x->len, x->raw, n);
  x->len += n;
  return PK_TR_OK;
}

/* Sends the command (chained if needed) and collects the full answer. */
static int run(xchg *x, const pk_apdu *c, uint16_t *sw) {
  pk_apdu cur = *c;
  size_t n;
  int rc;
  /* Chaining: every part but the last carries CLA bit 0x10 and no Le. */
  size_t max_lc = x->t->extended ? 65535 : 255;
  while (cur.lc > max_lc) {
    pk_apdu part = cur;
    part.cla |= 0x10;
    part.lc = 255;
    part.le = 0;
    if ((rc = round_trip(x, &part, &n, sw)) != PK_TR_OK) return rc;
    if (*sw != 0x9000) return PK_TR_OK;
    cur.data += 255;
    cur.lc -= 255;
  }
  if ((rc = round_trip(x, &cur, &n, sw)) != PK_TR_OK) return rc;
  if ((*sw >> 8) == 0x6C && cur.le && cur.le <= 256 && n == 0) {
    cur.le = (*sw & 0xFF) ? (*sw & 0xFF) : 256;
    if ((rc = round_trip(x, &cur, &n, sw)) != PK_TR_OK) return rc;
  }
  if ((rc = append(x, n)) != PK_TR_OK) return rc;
  /* 61xx: more data waiting. Bounded so that a card answering 61xx forever cannot hang us. */
  for (int guard = 0; (*sw >> 8) == 0x61 && guard < 1024; guard++) {
    pk_apdu gr = {.cla = (uint8_t)(c->cla & 0x03), .ins = 0xC0, .le = (*sw & 0xFF) ? (*sw & 0xFF) : 256};
    if ((rc = round_trip(x, &gr, &n, sw)) != PK_TR_OK) return rc;
    if ((rc = append(x, n)) != PK_TR_OK) return rc;
  }
  if ((*sw >> 8) == 0x61) return PK_TR_COMM;
  return PK_TR_OK;
}

int pk_apdu_exchange(pk_transport *t, const pk_apdu *c, uint8_t *resp, size_t cap, size_t *resp_len,
                     uint16_t *sw) {
  if (!t || !c || !sw || (cap && !resp)) return PK_TR_ARG;
  xchg x = {.t = t, .resp = resp, .cap = cap};
  x.cmd = malloc(CMD_MAX);
  x.raw = malloc(RAW_MAX);
  int rc = PK_TR_ARG;
  if (x.cmd && x.raw) rc = run(&x, c, sw);
  if (x.raw) pk_wipe(x.raw, RAW_MAX);
  free(x.cmd);
  free(x.raw);
  if (resp_len) *resp_len = rc == PK_TR_OK ? x.len : 0;
  return rc;
}
