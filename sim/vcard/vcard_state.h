/* The virtual card's state, shared by the lifecycle (vcard.c) and the interpreter. */
#ifndef PK_VCARD_STATE_H
#define PK_VCARD_STATE_H
#include <pthread.h>

#include "vcard_files.h"

struct pk_vcard {
  pthread_mutex_t mu;
  const pk_vcard_persona *persona;
  pk_vcard_files files;
  uint8_t atr[33];
  size_t atr_len;
  bool present;
  unsigned gen;
  unsigned quirks;
  /* security and file state: cleared on reset */
  uint8_t pin_block[PK_PIN_MAX];
  int tries;          /* persists across resets like a real retry counter */
  bool verified;
  bool app_selected;
  int cur_ef;         /* index into files, -1 none */
  uint8_t *pending;   /* answer waiting for GET RESPONSE */
  size_t pending_len, pending_off;
  uint8_t chain[1024];
  size_t chain_len;
};

/* Called with the mutex held. Returns 0, or -1 when out is too small. */
int pk_vcard_process(pk_vcard *v, const uint8_t *b, size_t n, uint8_t *out, size_t cap, size_t *out_len);

#endif
