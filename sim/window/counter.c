/* The counter's side of the window: the companies a person signs for, the clerk's own
 * record, and the checks on requests made for a company or with a clerk's help. */
#include <string.h>

#include "pishkhan/legal_id.h"
#include "sim_internal.h"

enum MHD_Result sim_h_entities(pk_window_sim *s, sim_req *r) {
  sim_session ses;
  enum MHD_Result ret;
  if (sim_auth_bearer(s, r, &ses, &ret)) return ret;
  json_t *list = json_array();
  const sim_signatory *g;
  for (size_t i = 0; (g = sim_signatory_at(i)); i++)
    if (!strcmp(g->nc, ses.national_code))
      json_array_append_new(list, json_pack("{s:s, s:s}", "legal_id", g->legal_id, "name", g->name_fa));
  return sim_send_json(s, r, 200, json_pack("{s:o}", "entities", list), 0);
}

/* What the window has on file for the person signed in: the mobile registered with it (the
 * one its codes went to, else the civil registry's) and the postal code of their address.
 * A field it does not have is left out: the kiosk then asks the citizen. */
static bool mobile_on_file(pk_window_sim *s, const char *nc, char out[16]) {
  sqlite3_stmt *st;
  bool found = false;
  pthread_mutex_lock(&s->lock);
  if (sqlite3_prepare_v2(s->db, "SELECT mobile FROM citizens WHERE national_code=?", -1, &st, NULL) == SQLITE_OK) {
    sqlite3_bind_text(st, 1, nc, -1, SQLITE_STATIC);
    if ((found = sqlite3_step(st) == SQLITE_ROW)) snprintf(out, 16, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
  }
  pthread_mutex_unlock(&s->lock);
  return found;
}

enum MHD_Result sim_h_profile(pk_window_sim *s, sim_req *r) {
  sim_session ses;
  enum MHD_Result ret;
  if (sim_auth_bearer(s, r, &ses, &ret)) return ret;
  const sim_person *p = sim_person_find(ses.national_code);
  char mobile[16] = "";
  if (!mobile_on_file(s, ses.national_code, mobile) && p) snprintf(mobile, sizeof mobile, "%s", p->mobile);
  json_t *o = json_object();
  if (mobile[0]) json_object_set_new(o, "mobile", json_string(mobile));
  if (p && p->postal_code[0]) json_object_set_new(o, "postal_code", json_string(p->postal_code));
  return sim_send_json(s, r, 200, o, 0);
}

/* A clerk's session: a card session whose certificate carries the clerk policy
 * (docs/card-profile.md), of a person on the register of clerks, which gives id and office. */
static bool clerk_card_session(pk_window_sim *s, const char *token) {
  sqlite3_stmt *st;
  bool found = false;
  pthread_mutex_lock(&s->lock);
  if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM clerk_cards WHERE token=?", -1, &st, NULL) == SQLITE_OK) {
    sqlite3_bind_text(st, 1, token, -1, SQLITE_STATIC);
    found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
  }
  pthread_mutex_unlock(&s->lock);
  return found;
}

enum MHD_Result sim_h_clerk_me(pk_window_sim *s, sim_req *r) {
  sim_session ses;
  enum MHD_Result ret;
  if (sim_auth_bearer(s, r, &ses, &ret)) return ret;
  const sim_clerk *c = ses.level >= 3 && clerk_card_session(s, ses.token) ? sim_clerk_by_nc(ses.national_code) : NULL;
  if (!c)
    return sim_problem(s, r, 403, "not_a_clerk", "این نشست متعلق به کارمند باجه نیست.",
                       "This session is not a counter clerk's (a clerk signs in with their own card).", NULL);
  json_t *perms = json_array();
  for (const char *const *p = c->permissions; *p; p++) json_array_append_new(perms, json_string(*p));
  return sim_send_json(s, r, 200,
                       json_pack("{s:s, s:s, s:s, s:o}", "clerk_id", c->clerk_id, "office_id", c->office_id,
                                 "office_name", c->office_name, "permissions", perms),
                       0);
}

static bool digits_only(const char *s) { return s && *s && strspn(s, "0123456789") == strlen(s); }

enum MHD_Result sim_check_counter(pk_window_sim *s, sim_req *r, const char *nc, const char *obo, const char *ast,
                                  bool *ok) {
  *ok = false;
  if (obo && !pk_legal_id_digits_valid(obo))
    return sim_problem(s, r, 422, "validation_failed", "شناسه ملی شخص حقوقی نامعتبر است.",
                       "on_behalf_of is not a valid legal-entity national ID.", "on_behalf_of");
  if (obo && !sim_signatory_find(nc, obo))
    return sim_problem(s, r, 403, "not_a_signatory", "شما صاحب امضای این شخص حقوقی نیستید.",
                       "You are not a registered signatory of this legal entity.", "on_behalf_of");
  /* A clerk is named by their opaque id; a national code there would leak into every record. */
  if (ast && digits_only(ast))
    return sim_problem(s, r, 422, "validation_failed", "شناسه کارمند نامعتبر است.",
                       "assisted_by must be the clerk's id, never a national code.", "assisted_by");
  if (ast && !sim_clerk_by_id(ast))
    return sim_problem(s, r, 422, "clerk_unknown", "کارمند باجه شناخته نشد.", "assisted_by names no known clerk.",
                       "assisted_by");
  *ok = true;
  return MHD_YES;
}
