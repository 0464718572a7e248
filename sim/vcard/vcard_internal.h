/* Internals of the virtual card (sim/vcard). */
#ifndef PK_VCARD_INTERNAL_H
#define PK_VCARD_INTERNAL_H
#include <stdbool.h>

#include "../../cardreader/card_internal.h"
#include "pishkhan/vcard.h"

typedef struct pk_vcard_persona {
  const char *name;
  const char *pin;
  int tries;
  bool tamper; /* flip EF.ID's role byte after the SOD is signed */
  pk_identity id;
} pk_vcard_persona;

const pk_vcard_persona *pk_vcard_persona_find(const char *name);

#endif
