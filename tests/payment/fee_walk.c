#include "fee_walk.h"

#include <string.h>

#include "pishkhan/loop.h"
#include "pishkhan/vcard.h"

pk_transport *fw_open_card(void *ud, const char *reader, pk_card_status *st) {
  (void)reader;
  pk_transport *t = pk_vcard_present(ud) ? pk_transport_inproc_new(ud) : NULL;
  if (!t) *st = PK_CARD_REMOVED;
  return t;
}

const char *fw_value_for(pk_field_type t) {
  switch (t) {
    case PK_FIELD_NATIONAL_CODE: return "0071234561";
    case PK_FIELD_MOBILE: return "09121234567";
    case PK_FIELD_JALALI_DATE: return "1370/05/12";
    default: return NULL;
  }
}

static bool fillable(pk_catalog *cat, const pk_service *s) {
  if (s->fee_rials <= 0 || s->auth_level > 3 || !(s->channels & PK_CHANNEL_KIOSK)) return false;
  size_t nf;
  const pk_form_field *ff = pk_catalog_form(cat, s, &nf);
  bool ok = ff || nf == 0;
  for (size_t k = 0; ok && k < nf; k++) ok = !ff[k].required || fw_value_for(ff[k].type);
  return ok;
}

const pk_service *fw_fee_service(pk_catalog *cat) {
  enum { MAX = 512 };
  const pk_agency *ag;
  size_t na = pk_catalog_agencies(cat, &ag);
  for (size_t a = 0; a < na; a++) {
    static const pk_service *svc[MAX];
    size_t ns = pk_catalog_services_of(cat, ag[a].id, svc, MAX);
    for (size_t i = 0; i < ns && i < MAX; i++)
      if (fillable(cat, svc[i])) return svc[i];
  }
  return NULL;
}

void fw_key(pk_app *app, pk_key_code code, uint32_t cp) { pk_app_key(app, (pk_key){code, cp}, pk_now_ms()); }

void fw_type(pk_app *app, const char *ascii) {
  for (; *ascii; ascii++) fw_key(app, PK_KEY_CHAR, (uint32_t)(unsigned char)*ascii);
}

/* Down to the row whose id is id, then Enter. */
static bool pick(pk_app *app, bool agencies, const char *id) {
  size_t n = pk_app_list_count(app), i = 0;
  for (; i < n; i++) {
    const char *at = agencies ? pk_app_agency_at(app, i)->id : pk_app_service_at(app, i)->id;
    if (!strcmp(at, id)) break;
  }
  if (i == n) return false;
  for (size_t k = 0; k < i; k++) fw_key(app, PK_KEY_DOWN, 0);
  fw_key(app, PK_KEY_ENTER, 0);
  return true;
}

bool fw_to_review(pk_app *app, const pk_service *s) {
  fw_type(app, "2");
  if (pk_app_screen(app) != PK_SCREEN_AGENCIES || !pick(app, true, s->agency_id)) return false;
  if (pk_app_screen(app) != PK_SCREEN_SERVICES || !pick(app, false, s->id)) return false;
  if (pk_app_screen(app) != PK_SCREEN_SERVICE) return false;
  fw_key(app, PK_KEY_ENTER, 0);
  const pk_form_field *ff;
  size_t nf = pk_app_form(app, &ff);
  size_t asked = 0;
  for (size_t k = 0; k < nf; k++) {
    if (pk_app_form_source(app, k)) continue; /* known to the state: not asked */
    asked++;
    const char *v = ff[k].required ? fw_value_for(ff[k].type) : NULL;
    if (v) fw_type(app, v);
    fw_key(app, PK_KEY_ENTER, 0);
  }
  if (asked == 0) fw_key(app, PK_KEY_ENTER, 0);
  return pk_app_screen(app) == PK_SCREEN_REVIEW;
}
