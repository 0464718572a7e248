/* Filling a service's form, reviewing it, submitting it once, and its receipt. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app_input.h"
#include "app_private.h"
#include "pishkhan/form.h"
#include "pishkhan/i18n.h"
#include "pishkhan/net.h"

void pk_app_forget_form(pk_app *app) {
  if (app->values) pk_wipe(app->values, app->nfields * sizeof *app->values);
  free(app->values);
  free(app->errors);
  free(app->known);
  app->values = NULL;
  app->errors = NULL;
  app->known = NULL;
  app->fields = NULL;
  app->nfields = app->field = 0;
  app->leaving = false;
  pk_app_forget_sent(app);
}

void pk_app_forget_sent(pk_app *app) {
  if (app->sent_json) pk_free_wiped(app->sent_json);
  app->sent_json = NULL;
  app->ref[0] = 0;
  pk_wipe(&app->pay, sizeof app->pay); /* the payment belongs to that request */
  app->paying = false;
}

/* Out of memory for the form: the service card says so, and nothing half-made is kept. */
static pk_app_event form_enter(pk_app *app) {
  if (app->values) return PK_EV_APP_NONE; /* back from review: keep what was typed */
  size_t n = 0;
  app->fields = pk_catalog_form(app->cat, app->service, &n);
  app->nfields = n;
  app->field = 0;
  app->values = calloc(n ? n : 1, sizeof *app->values);
  app->errors = calloc(n ? n : 1, sizeof *app->errors);
  app->known = calloc(n ? n : 1, sizeof *app->known);
  if (app->values && app->errors && app->known) {
    pk_app_prefill(app);
    return PK_EV_APP_NONE;
  }
  pk_app_forget_form(app);
  pk_app_set_message(app, N_("The kiosk could not open this form. Please try again."));
  return PK_EV_APP_BACK;
}

static bool check(pk_app *app, size_t i) {
  long long now = (long long)time(NULL);
  pk_form_tidy(&app->fields[i], app->values[i], sizeof app->values[i], now);
  app->errors[i] = pk_form_check(&app->fields[i], app->values[i], now);
  app->dirty = true;
  return app->errors[i] == NULL;
}

static pk_app_event next_field(pk_app *app) {
  if (!check(app, app->field)) return PK_EV_APP_NONE;
  size_t next = pk_app_field_editable(app, app->field + 1, 1);
  if (next < app->nfields) {
    app->field = next;
    return PK_EV_APP_NONE;
  }
  for (size_t i = 0; i < app->nfields; i++) {
    if (!check(app, i)) {
      app->known[i] = 0; /* a known value the form refuses is the citizen's to correct */
      app->field = i;
      return PK_EV_APP_NONE;
    }
  }
  return PK_EV_APP_FORM_DONE;
}

static void type_char(pk_app *app, uint32_t cp) {
  if (pk_app_field_fixed(app, app->field)) return;
  char *v = app->values[app->field];
  const pk_form_field *f = &app->fields[app->field];
  if (f->type == PK_FIELD_CHOICE) {
    int d = pk_cp_digit(cp);
    if (d >= 1 && (size_t)d <= f->nchoices) snprintf(v, sizeof app->values[0], "%s", f->choices[d - 1].value);
  } else if (pk_form_year_key(f, v, cp)) {
    pk_form_step(f, v, sizeof app->values[0], pk_form_year_key(f, v, cp), PK_STEP_YEAR, (long long)time(NULL));
  } else {
    uint32_t c = pk_form_accept(f, cp);
    if (c) pk_utf8_append(v, sizeof app->values[0], c);
  }
  app->errors[app->field] = NULL;
  app->dirty = true;
}

static bool anything_typed(const pk_app *app) {
  for (size_t i = 0; i < app->nfields; i++)
    if (app->values[i][0] && !pk_app_field_fixed(app, i)) return true;
  return false;
}

/* What a citizen typed is not thrown away by one key: Esc asks first. */
static pk_app_event leave_form(pk_app *app) {
  if (anything_typed(app) && !app->leaving) {
    app->leaving = true;
    pk_app_set_message(app, N_("Leave this form? What you typed will be lost. Esc again: leave. Any other key: "
                               "stay."));
    return PK_EV_APP_NONE;
  }
  pk_app_forget_form(app);
  return PK_EV_APP_BACK;
}

/* The answer to the question above: Esc leaves, any other key stays and does nothing else. */
static pk_app_event answer_leaving(pk_app *app, pk_key key) {
  app->leaving = false;
  app->message = NULL;
  app->dirty = true;
  if (key.code != PK_KEY_CANCEL) return PK_EV_APP_NONE;
  pk_app_forget_form(app);
  return PK_EV_APP_BACK;
}

/* Backspace erases; on an empty field it goes to the one before, but a held key stops at the
 * field it emptied, so that it never runs on into what was typed before. */
static pk_app_event back_key(pk_app *app) {
  char *v = app->values[app->field];
  size_t before = app->field ? pk_app_field_editable(app, app->field - 1, -1) : SIZE_MAX;
  if (v[0] && !pk_app_field_fixed(app, app->field)) {
    pk_utf8_pop(v);
    if (!v[0]) pk_app_emptied(app);
  } else if (pk_app_backspace_held(app)) {
    return PK_EV_APP_NONE;
  } else if (before != SIZE_MAX) {
    app->field = before;
  } else {
    return leave_form(app);
  }
  app->dirty = true;
  return PK_EV_APP_NONE;
}

/* The date picker steps a day with the arrows (later is the reading direction), a month with
 * PgUp/PgDn and a year with + and - (type_char); the choice list steps with all of them. */
static void step_field(pk_app *app, pk_key_code code) {
  if (pk_app_field_fixed(app, app->field)) return;
  bool page = code == PK_KEY_PGUP || code == PK_KEY_PGDN;
  bool up = code == PK_KEY_PGUP || code == (pk_i18n_lang() == PK_LANG_FA ? PK_KEY_LEFT : PK_KEY_RIGHT);
  pk_form_step(&app->fields[app->field], app->values[app->field], sizeof app->values[0], up ? 1 : -1,
               page ? PK_STEP_MONTH : PK_STEP_DAY, (long long)time(NULL));
  app->errors[app->field] = NULL;
  app->dirty = true;
}

static pk_app_event form_key(pk_app *app, pk_key key) {
  if (app->nfields == 0) {
    if (key.code == PK_KEY_ENTER) return PK_EV_APP_FORM_DONE;
    return key.code == PK_KEY_BACK || key.code == PK_KEY_CANCEL ? leave_form(app) : PK_EV_APP_NONE;
  }
  if (app->leaving) return answer_leaving(app, key);
  switch (key.code) {
  case PK_KEY_CHAR: type_char(app, key.cp); break;
  case PK_KEY_ENTER: return next_field(app);
  case PK_KEY_BACK: return back_key(app);
  case PK_KEY_UP: {
    size_t before = app->field ? pk_app_field_editable(app, app->field - 1, -1) : SIZE_MAX;
    if (before != SIZE_MAX) app->field = before;
    app->dirty = true;
    break;
  }
  case PK_KEY_DOWN:
  case PK_KEY_TAB: {
    size_t next = pk_app_field_editable(app, app->field + 1, 1);
    if (next < app->nfields) app->field = next;
    app->dirty = true;
    break;
  }
  case PK_KEY_PGUP:
  case PK_KEY_PGDN:
  case PK_KEY_LEFT:
  case PK_KEY_RIGHT: step_field(app, key.code); break;
  case PK_KEY_CANCEL: return leave_form(app);
  default: break;
  }
  return PK_EV_APP_NONE;
}

const pk_screen_ops pk_screen_form = {form_enter, form_key, NULL};

static char *fields_json(const pk_app *app) {
  json_t *o = json_object();
  for (size_t i = 0; i < app->nfields; i++)
    if (app->values[i][0]) json_object_set_new(o, app->fields[i].name, json_string(app->values[i]));
  char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
  json_decref(o);
  return s;
}

static bool fee_unpaid(const pk_app *app) {
  return app->service->fee_rials > 0 && !(app->paying && app->pay.outcome == PK_APP_PAY_APPROVED);
}

static pk_app_event review_key(pk_app *app, pk_key key) {
  if (key.code == PK_KEY_ENTER) return fee_unpaid(app) ? PK_EV_APP_PAY : PK_EV_APP_SEND;
  return key.code == PK_KEY_BACK || key.code == PK_KEY_CANCEL ? PK_EV_APP_BACK : PK_EV_APP_NONE;
}

const pk_screen_ops pk_screen_review = {NULL, review_key, NULL};

/* One request per intent: a resend of the same fields after a Cancel or an answer nobody saw
 * is resolved as that request (its queue reference); changed fields are a new request. */
static pk_app_event submit_enter(pk_app *app) {
  char *json = fields_json(app);
  if (!json) {
    pk_app_set_message(app, N_("The kiosk could not prepare this request. Please try again."));
    return PK_EV_APP_SUBMIT_FAILED;
  }
  if (app->sent_json && strcmp(app->sent_json, json)) pk_app_forget_sent(app);
  if (!app->sent_json) app->sent_json = strdup(json);
  app->message = NULL;
  app->ops->submit(app->be, app, app->gen, app->service->id, json, app->ref);
  pk_free_wiped(json);
  return PK_EV_APP_NONE;
}

/* Esc stops waiting; it cannot unsend. The answer still comes, and is told on the review. */
static pk_app_event submit_key(pk_app *app, pk_key key) {
  if (key.code != PK_KEY_CANCEL && key.code != PK_KEY_BACK) return PK_EV_APP_NONE;
  pk_app_set_message(app, N_("You stopped waiting. The request may still reach the window: this screen will say "
                             "what became of it. Sending it again unchanged will not register it twice."));
  return PK_EV_APP_STOP_WAITING;
}

const pk_screen_ops pk_screen_submit = {submit_enter, submit_key, NULL};

static void take_receipt(pk_app *app, const pk_app_submit_result *r) {
  free(app->receipt.jws);
  memset(&app->receipt, 0, sizeof app->receipt);
  snprintf(app->receipt.ref, sizeof app->receipt.ref, "%s", r->ref);
  app->receipt.queued = r->outcome == PK_SUBMIT_QUEUED;
  snprintf(app->receipt.tracking, sizeof app->receipt.tracking, "%s", r->tracking);
  snprintf(app->receipt.service_id, sizeof app->receipt.service_id, "%s", app->service->id);
  app->receipt.jws = r->jws ? strdup(r->jws) : NULL;
  app->receipt.at = (long long)time(NULL);
  if (app->paying && app->pay.outcome == PK_APP_PAY_APPROVED) {
    app->receipt.paid = app->pay.amount;
    snprintf(app->receipt.bank_ref, sizeof app->receipt.bank_ref, "%s", app->pay.rrn);
    snprintf(app->receipt.invoice, sizeof app->receipt.invoice, "%s", app->pay.invoice);
  }
  app->print_state = NULL;
  pk_app_forget_form(app);
}

static const char *outcome_msgid(pk_submit_outcome o) {
  switch (o) {
  case PK_SUBMIT_IN_DOUBT:
    return N_("The national window's answer did not arrive, so it is not yet known whether your request was "
              "registered. The kiosk keeps checking with the same request and will not register it twice. If "
              "you change the form, it becomes a new request.");
  case PK_SUBMIT_NOT_REGISTERED:
    return N_("The national window did not receive this request: nothing was registered. You can send it again.");
  default: return NULL;
  }
}

void pk_app_submit_recorded(pk_app *app, unsigned gen, const char *ref) {
  if (gen == app->gen && app->sent_json) snprintf(app->ref, sizeof app->ref, "%s", ref);
}

/* Answers for the request on screen: on the submit screen, or on the review after Esc. */
void pk_app_submit_done(pk_app *app, unsigned gen, const pk_app_submit_result *r) {
  bool waiting = app->screen == PK_SCREEN_SUBMIT,
       ours = app->screen == PK_SCREEN_REVIEW && app->ref[0] && !strcmp(app->ref, r->ref);
  if (gen != app->gen || (!waiting && !ours)) return;
  pk_app_input_begins(app);
  if (r->outcome != PK_SUBMIT_IN_DOUBT) pk_app_desk_outcome(app, r->outcome);
  if (r->outcome == PK_SUBMIT_REGISTERED || r->outcome == PK_SUBMIT_QUEUED) {
    take_receipt(app, r);
    pk_app_dispatch(app, PK_EV_APP_SUBMITTED);
    return;
  }
  if (r->outcome == PK_SUBMIT_IN_DOUBT) snprintf(app->ref, sizeof app->ref, "%s", r->ref);
  else pk_app_forget_sent(app);
  pk_app_failure f = r->fail;
  if (outcome_msgid(r->outcome)) f.msgid = outcome_msgid(r->outcome);
  if (!f.msgid) f.msgid = N_("The national window did not accept this request.");
  pk_app_fail(app, &f);
  if (waiting) pk_app_dispatch(app, PK_EV_APP_SUBMIT_FAILED);
}

static pk_app_event receipt_key(pk_app *app, pk_key key) {
  if (key.code == PK_KEY_PRINT || pk_key_digit(key) == 1) {
    if (!app->receipt.jws) return PK_EV_APP_NONE;
    app->print_state = N_("Printing...");
    app->dirty = true;
    app->ops->print(app->be, app, app->gen, app->receipt.jws);
    return PK_EV_APP_NONE;
  }
  bool done = key.code == PK_KEY_ENTER || key.code == PK_KEY_BACK || pk_key_digit(key) == 0;
  return done ? PK_EV_APP_DONE : PK_EV_APP_NONE;
}

const pk_screen_ops pk_screen_receipt = {NULL, receipt_key, NULL};

void pk_app_print_done(pk_app *app, unsigned gen, const pk_app_failure *fail) {
  if (gen != app->gen) return;
  app->print_state = fail ? fail->msgid : N_("Printed. Please take your receipt.");
  app->dirty = true;
}

size_t pk_app_form(const pk_app *app, const pk_form_field **fields) {
  if (fields) *fields = app->fields;
  return app->nfields;
}
size_t pk_app_form_current(const pk_app *app) { return app->field; }
const char *pk_app_form_value(const pk_app *app, size_t i) { return i < app->nfields ? app->values[i] : NULL; }
const char *pk_app_form_error(const pk_app *app, size_t i) { return i < app->nfields ? app->errors[i] : NULL; }
const pk_app_receipt *pk_app_last_receipt(const pk_app *app) {
  return app->receipt.tracking[0] || app->receipt.ref[0] ? &app->receipt : NULL;
}
const char *pk_app_pending_ref(const pk_app *app) { return app->ref[0] ? app->ref : NULL; }
const char *pk_app_print_state(const pk_app *app) { return app->print_state; }

void pk_app_recent_request(pk_app *app, unsigned gen, const pk_app_recent *r) {
  if (gen != app->gen || !app->has_session) return;
  app->recent = *r;
  app->dirty = true;
}
const pk_app_recent *pk_app_recent_shown(const pk_app *app) { return app->recent.ref[0] ? &app->recent : NULL; }
