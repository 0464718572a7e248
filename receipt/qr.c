/* QR matrix through libqrencode, byte mode, level M (15% recovery: survives a
 * smudged thermal print while keeping the symbol small). */
#include <errno.h>
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int pk_qr_matrix(const char *text, pk_qr *out) {
  memset(out, 0, sizeof *out);
  if (!text || !*text) return -PK_RECEIPT_EINVAL;
  if (strlen(text) > PK_RECEIPT_QR_MAX_BYTES) return -PK_RECEIPT_ETOOBIG;
  QRcode *q = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
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

void pk_qr_free(pk_qr *qr) {
  if (!qr) return;
  free(qr->dark);
  memset(qr, 0, sizeof *qr);
}
