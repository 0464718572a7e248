/* The virtual card's lifecycle: persona, files, ATR, presence and resets. */
#include "vcard_state.h"

#include <stdlib.h>
#include <string.h>

#include "pishkhan/secret.h"

static void build_atr(pk_vcard *v) {
  /* docs/card-profile.md section 1; capabilities byte follows the NO_EXT quirk. */
  static const uint8_t base[] = {0x3B, 0x8B, 0x80, 0x01, 0x80, 0x73, 0x00, 0x00, 0xC0,
                                 0x55, 0x50, 0x4B, 0x4E, 0x49, 0x44};
  memcpy(v->atr, base, sizeof base);
  if (v->quirks & PK_VCARD_QUIRK_NO_EXT) v->atr[8] = 0x80;
  uint8_t tck = 0;
  for (size_t i = 1; i < sizeof base; i++) tck ^= v->atr[i];
  v->atr[sizeof base] = tck;
  v->atr_len = sizeof base + 1;
}

static void power_up(pk_vcard *v) {
  v->verified = false;
  v->app_selected = false;
  v->cur_ef = -1;
  v->chain_len = 0;
  if (v->pending) pk_wipe(v->pending, v->pending_len);
  free(v->pending);
  v->pending = NULL;
  v->pending_len = v->pending_off = 0;
}

pk_vcard *pk_vcard_new(const char *persona, const char *pki_dir, char **err) {
  if (err) *err = NULL;
  const pk_vcard_persona *p = pk_vcard_persona_find(persona);
  if (!p || !pki_dir) {
    if (err) *err = strdup(p ? "no PKI directory" : "unknown persona");
    return NULL;
  }
  pk_vcard *v = calloc(1, sizeof *v);
  if (!v) return NULL;
  if (pk_vcard_files_build(&v->files, p, pki_dir, err) < 0) {
    free(v);
    return NULL;
  }
  pthread_mutex_init(&v->mu, NULL);
  v->persona = p;
  memset(v->pin_block, 0xFF, sizeof v->pin_block);
  memcpy(v->pin_block, p->pin, strlen(p->pin));
  v->tries = p->tries;
  v->present = true;
  v->gen = 1;
  build_atr(v);
  power_up(v);
  return v;
}

void pk_vcard_free(pk_vcard *v) {
  if (!v) return;
  power_up(v);
  pk_vcard_files_free(&v->files);
  pthread_mutex_destroy(&v->mu);
  pk_wipe(v, sizeof *v);
  free(v);
}

int pk_vcard_apdu(pk_vcard *v, const uint8_t *cmd, size_t n, uint8_t *resp, size_t *resp_len) {
  if (!v || !cmd || !resp || !resp_len) return -1;
  pthread_mutex_lock(&v->mu);
  int rc = -1;
  size_t cap = *resp_len;
  *resp_len = 0;
  if (v->present && cap >= 2) rc = pk_vcard_process(v, cmd, n, resp, cap, resp_len);
  pthread_mutex_unlock(&v->mu);
  return rc;
}

const uint8_t *pk_vcard_atr(pk_vcard *v, size_t *len) {
  if (len) *len = v->atr_len;
  return v->atr;
}

void pk_vcard_set_present(pk_vcard *v, bool present) {
  pthread_mutex_lock(&v->mu);
  if (present && !v->present) {
    v->gen++;
    power_up(v);
  }
  if (!present) power_up(v);
  v->present = present;
  pthread_mutex_unlock(&v->mu);
}

bool pk_vcard_present(pk_vcard *v) {
  pthread_mutex_lock(&v->mu);
  bool p = v->present;
  pthread_mutex_unlock(&v->mu);
  return p;
}

unsigned pk_vcard_generation(pk_vcard *v) {
  pthread_mutex_lock(&v->mu);
  unsigned g = v->gen;
  pthread_mutex_unlock(&v->mu);
  return g;
}

void pk_vcard_reset(pk_vcard *v) {
  pthread_mutex_lock(&v->mu);
  power_up(v);
  pthread_mutex_unlock(&v->mu);
}

void pk_vcard_set_quirks(pk_vcard *v, unsigned quirks) {
  pthread_mutex_lock(&v->mu);
  v->quirks = quirks;
  build_atr(v);
  pthread_mutex_unlock(&v->mu);
}

int pk_vcard_pin_tries(pk_vcard *v) {
  pthread_mutex_lock(&v->mu);
  int t = v->tries;
  pthread_mutex_unlock(&v->mu);
  return t;
}
