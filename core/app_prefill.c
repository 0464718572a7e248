/* The state does not ask people for what it already knows: a form's fields that the contract
 * marks with their meaning (prefill) are filled from what the card said of the citizen, what
 * they gave at sign-in, or what the window has on file, and are shown with that source and
 * never edited here. A field whose value the kiosk does not know is asked as usual. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "app_private.h"
#include "pishkhan/i18n.h"

enum { SRC_ASKED = 0, SRC_CARD, SRC_SIGN_IN, SRC_WINDOW };

/* The value the session knows for what p means, and where it came from. */
static const char *known_value(const pk_app *app, pk_prefill p, unsigned char *src) {
  const pk_citizen *w = &app->who;
  *src = w->by_card ? SRC_CARD : SRC_SIGN_IN;
  switch (p) {
  case PK_PREFILL_NATIONAL_CODE: return strlen(w->national_code) == 10 ? w->national_code : NULL;
  case PK_PREFILL_BIRTH_DATE: return strlen(w->birth_date) == 10 ? w->birth_date : NULL;
  case PK_PREFILL_FULL_NAME: return w->by_card && w->name_fa[0] ? w->name_fa : NULL;
  case PK_PREFILL_MOBILE:
    if (!w->by_card && strlen(app->otp_mobile) == 11) return app->otp_mobile; /* the code came to it */
    *src = SRC_WINDOW;
    return strlen(w->mobile) == 11 ? w->mobile : NULL;
  case PK_PREFILL_POSTAL_CODE: *src = SRC_WINDOW; return strlen(w->postal_code) == 10 ? w->postal_code : NULL;
  default: return NULL;
  }
}

void pk_app_prefill(pk_app *app) {
  for (size_t i = 0; app->has_session && i < app->nfields; i++) {
    unsigned char src;
    const char *v = app->values[i][0] ? NULL : known_value(app, app->fields[i].prefill, &src);
    if (!v) continue;
    snprintf(app->values[i], sizeof app->values[i], "%s", v);
    app->known[i] = src;
  }
  size_t first = pk_app_field_editable(app, 0, 1);
  app->field = first < app->nfields ? first : 0;
}

bool pk_app_field_fixed(const pk_app *app, size_t i) { return i < app->nfields && app->known && app->known[i]; }

size_t pk_app_field_editable(const pk_app *app, size_t i, int dir) {
  for (; i < app->nfields; i += (size_t)(intptr_t)dir)
    if (!pk_app_field_fixed(app, i)) return i;
  return dir > 0 ? app->nfields : SIZE_MAX;
}

const char *pk_app_form_source(const pk_app *app, size_t i) {
  static const char *const from[] = {NULL, N_("from your national card"), N_("as you gave it at sign-in"),
                                     N_("on file at the national window")};
  return pk_app_field_fixed(app, i) ? from[app->known[i]] : NULL;
}
