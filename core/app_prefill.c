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

/* Fills the empty fields whose meaning the session knows; the rest is left as it is. */
static void fill_known(pk_app *app) {
  for (size_t i = 0; app->has_session && i < app->nfields; i++) {
    unsigned char src;
    const char *v = app->values[i][0] ? NULL : known_value(app, app->fields[i].prefill, &src);
    if (!v) continue;
    snprintf(app->values[i], sizeof app->values[i], "%s", v);
    app->known[i] = src;
    app->errors[i] = NULL;
  }
}

/* The cursor on a field the citizen fills: the next one from where it is, else the first. */
static void to_editable(pk_app *app) {
  if (!pk_app_field_fixed(app, app->field)) return;
  size_t next = pk_app_field_editable(app, app->field, 1);
  if (next >= app->nfields) next = pk_app_field_editable(app, 0, 1);
  app->field = next < app->nfields ? next : 0;
}

void pk_app_prefill(pk_app *app) {
  fill_known(app);
  app->field = 0;
  to_editable(app);
}

/* It may come while a form is already open (a slow window): an empty field it fills is no
 * longer asked; one the citizen began to type is theirs. */
void pk_app_profile(pk_app *app, unsigned gen, const char *mobile, const char *postal_code) {
  if (gen != app->gen || !app->has_session) return;
  snprintf(app->who.mobile, sizeof app->who.mobile, "%s", mobile && pk_mobile_valid(mobile) ? mobile : "");
  snprintf(app->who.postal_code, sizeof app->who.postal_code, "%s",
           postal_code && pk_postal_code_valid(postal_code) ? postal_code : "");
  if (!app->values || app->screen != PK_SCREEN_FORM) return;
  fill_known(app);
  to_editable(app);
  app->dirty = true;
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
