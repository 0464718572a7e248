/* QR matrix through libqrencode, byte mode, level M (15% recovery: survives a
 * smudged thermal print while keeping the symbol small). */
#include <errno.h>
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static int take(QRcode *q, pk_qr *out) {
  if (!q) return errno == ERANGE ? -PK_RECEIPT_ETOOBIG : -PK_RECEIPT_ENOMEM;
  if (q->version > PK_RECEIPT_QR_MAX_VERSION) {
    QRcode_free(q);
    return -PK_RECEIPT_ETOOBIG;
  }
  out->dark = malloc((size_t)q->width * (size_t)q->width);
  if (!out->dark) {
    QRcode_free(q);
    return -PK_RECEIPT_ENOMEM;
  }
  for (int i = 0; i < q->width * q->width; i++) out->dark[i] = q->data[i] & 1;
  out->size = q->width;
  out->version = q->version;
  QRcode_free(q);
  return 0;
}

static int checked(const char *text, pk_qr *out) {
  memset(out, 0, sizeof *out);
  if (!text || !*text) return -PK_RECEIPT_EINVAL;
  if (strlen(text) > PK_RECEIPT_QR_MAX_BYTES) return -PK_RECEIPT_ETOOBIG;
  return 0;
}

int pk_qr_matrix(const char *text, pk_qr *out) {
  int rc = checked(text, out);
  return rc ? rc : take(QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M), out);
}

/* libqrencode splits the text into segments and codes the runs of [0-9A-Z $%*+-./:] in
 * alphanumeric mode (5.5 bits a character instead of 8): why the window's links are uppercase.
 * Level L: a screen is not smudged like thermal paper, and every module saved is a cell. */
int pk_qr_matrix_compact(const char *text, pk_qr *out) {
  int rc = checked(text, out);
  return rc ? rc : take(QRcode_encodeString(text, 0, QR_ECLEVEL_L, QR_MODE_8, 1), out);
}

void pk_qr_free(pk_qr *qr) {
  if (!qr) return;
  free(qr->dark);
  memset(qr, 0, sizeof *qr);
}
