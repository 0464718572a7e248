/* The virtual national ID card: the reference profile (docs/card-profile.md) as an
 * emulator, used in-process (--demo, unit tests) and by `pishkhan-vcard` behind vpcd.
 * Thread-safe: one mutex guards the card, so presence may be changed from any thread. */
#ifndef PISHKHAN_VCARD_H
#define PISHKHAN_VCARD_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pishkhan/card.h"

typedef struct pk_vcard pk_vcard;

/* persona: citizen, citizen2, expired, revoked, blocked, tampered, clerk.
 * pki_dir: the test PKI from scripts/gen-card-pki (PK_BINARY_DIR "/pki/card").
 * On failure returns NULL and, if err is not NULL, a malloc'd English message in *err. */
pk_vcard *pk_vcard_new(const char *persona, const char *pki_dir, char **err);
void pk_vcard_free(pk_vcard *card);

/* One command APDU; *resp_len: capacity in (>= 2), length out (data + SW1 SW2).
 * Returns 0, or -1 when the card is not present (resp_len 0) or resp is too small. */
int pk_vcard_apdu(pk_vcard *card, const uint8_t *cmd, size_t n, uint8_t *resp, size_t *resp_len);
const uint8_t *pk_vcard_atr(pk_vcard *card, size_t *len);

/* Removal and (re)insertion. Inserting powers the card up fresh (security state cleared)
 * and starts a new insertion generation: transports opened before answer "removed". */
void pk_vcard_set_present(pk_vcard *card, bool present);
bool pk_vcard_present(pk_vcard *card);
unsigned pk_vcard_generation(pk_vcard *card);
/* Warm reset: security state and current file cleared; same generation. */
void pk_vcard_reset(pk_vcard *card);

/* Behaviours of real cards the host must cope with (for tests). */
enum {
  PK_VCARD_QUIRK_T0 = 1u,       /* answers with data come as 61xx + GET RESPONSE (T=0 style) */
  PK_VCARD_QUIRK_6CXX = 2u,     /* a short Le that is too long for the file end gets 6Cxx */
  PK_VCARD_QUIRK_NO_EXT = 4u,   /* no extended length: 6700 on extended APDUs; ATR says so */
};
void pk_vcard_set_quirks(pk_vcard *card, unsigned quirks);

/* Remaining PIN tries (for tests and the vcard status line). */
int pk_vcard_pin_tries(pk_vcard *card);

/* The personas, in a fixed order (the demo's F6 walks it). */
size_t pk_vcard_persona_count(void);
const char *pk_vcard_persona_name(size_t i); /* NULL past the end */

/* In-process transport to the emulator (the demo and the tests). Does not own the card. */
pk_transport *pk_transport_inproc_new(pk_vcard *card);

#endif
