/* The personas of the virtual card. National codes and Latin names must match the
 * certificates made by scripts/gen-card-pki (the host checks that binding). */
#include "vcard_internal.h"

#include <string.h>

static const pk_vcard_persona personas[] = {
  {"citizen", "1234", PK_PIN_TRIES, false,
   {"0071234561", "زهرا", "محمدی", "Zahra", "Mohammadi", "علی", "1370/05/12", "0A7C31942", "1401/03/15",
    "1411/03/15", PK_ROLE_CITIZEN}},
  {"citizen2", "5678", PK_PIN_TRIES, false,
   {"1234567891", "رضا", "حسینی", "Reza", "Hosseini", "محمود", "1362/11/03", "0B2D88410", "1402/07/01",
    "1412/07/01", PK_ROLE_CITIZEN}},
  {"expired", "1234", PK_PIN_TRIES, false,
   {"0512345678", "مریم", "کریمی", "Maryam", "Karimi", "حسن", "1358/02/20", "09F4A1177", "1389/06/30",
    "1399/06/30", PK_ROLE_CITIZEN}},
  {"revoked", "1234", PK_PIN_TRIES, false,
   {"2276543213", "امیر", "رضایی", "Amir", "Rezaei", "جواد", "1375/09/08", "0C1E55203", "1400/01/20",
    "1410/01/20", PK_ROLE_CITIZEN}},
  {"blocked", "1234", 0, false,
   {"4701122335", "فاطمه", "احمدی", "Fatemeh", "Ahmadi", "مهدی", "1366/12/29", "0D9B70326", "1399/11/11",
    "1409/11/11", PK_ROLE_CITIZEN}},
  {"tampered", "1234", PK_PIN_TRIES, true,
   {"2938475616", "حسین", "موسوی", "Hossein", "Mousavi", "کاظم", "1380/01/01", "0E3F12908", "1403/02/02",
    "1413/02/02", PK_ROLE_CITIZEN}},
  {"clerk", "0000", PK_PIN_TRIES, false,
   {"1122334451", "نرگس", "جعفری", "Narges", "Jafari", "عباس", "1368/04/25", "0F6A40071", "1402/10/10",
    "1412/10/10", PK_ROLE_CLERK}},
  /* Role 02 in EF.ID (signed by the issuer) but no clerk policy in the certificate. */
  {"clerknopol", "0000", PK_PIN_TRIES, false,
   {"1122334451", "نرگس", "جعفری", "Narges", "Jafari", "عباس", "1368/04/25", "0F6A40071", "1402/10/10",
    "1412/10/10", PK_ROLE_CLERK}},
};

#define NPERSONAS (sizeof personas / sizeof personas[0])

size_t pk_vcard_persona_count(void) { return NPERSONAS; }
const char *pk_vcard_persona_name(size_t i) { return i < NPERSONAS ? personas[i].name : NULL; }

const pk_vcard_persona *pk_vcard_persona_find(const char *name) {
  if (!name) return NULL;
  for (size_t i = 0; i < NPERSONAS; i++)
    if (strcmp(personas[i].name, name) == 0) return &personas[i];
  return NULL;
}
