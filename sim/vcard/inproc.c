/* In-process transport to the card emulator: what --demo and the unit tests use.
 * It remembers the insertion generation it was opened on, so that a card removed
 * (or removed and reinserted) answers like PC/SC does: SCARD_W_REMOVED_CARD. */
#include "../../cardreader/card_internal.h"

#include <stdlib.h>

#include "pishkhan/vcard.h"

typedef struct {
  pk_vcard *card;
  unsigned gen;
} inproc;

static int inproc_transmit(pk_transport *t, const uint8_t *apdu, size_t n, uint8_t *resp, size_t *resp_len) {
  inproc *ip = pk_transport_impl(t);
  if (!pk_vcard_present(ip->card) || pk_vcard_generation(ip->card) != ip->gen) {
    *resp_len = 0;
    return PK_TR_REMOVED;
  }
  if (pk_vcard_apdu(ip->card, apdu, n, resp, resp_len) < 0) {
    /* Removed between our check and the card's answer, or the answer did not fit. */
    return pk_vcard_present(ip->card) ? PK_TR_OVERFLOW : PK_TR_REMOVED;
  }
  return PK_TR_OK;
}

static const uint8_t *inproc_atr(pk_transport *t, size_t *len) {
  inproc *ip = pk_transport_impl(t);
  return pk_vcard_atr(ip->card, len);
}

/* Like SCardDisconnect(SCARD_RESET_CARD): a verified PIN does not outlive the session. */
static void inproc_free(pk_transport *t) {
  inproc *ip = pk_transport_impl(t);
  if (pk_vcard_present(ip->card) && pk_vcard_generation(ip->card) == ip->gen) pk_vcard_reset(ip->card);
  free(ip);
}

static const pk_transport_ops inproc_ops = {
  .transmit = inproc_transmit, .free = inproc_free, .atr = inproc_atr,
};

pk_transport *pk_transport_inproc_new(struct pk_vcard *card) {
  if (!card) return NULL;
  inproc *ip = calloc(1, sizeof *ip);
  if (!ip) return NULL;
  ip->card = card;
  ip->gen = pk_vcard_generation(card);
  pk_transport *t = pk_transport_new(&inproc_ops, ip);
  if (!t) free(ip);
  return t;
}
