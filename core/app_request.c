/* Following a request by tracking code, the inbox, and documents from inquiries. */
#include <stdlib.h>
#include <string.h>

#include "app_input.h"
#include "app_private.h"
#include "pishkhan/catalog.h"
#include "pishkhan/i18n.h"
#include "pishkhan/outbox.h"

void pk_app_fail(pk_app *app, const pk_app_failure *fail) {
  app->failure = *fail;
  pk_app_set_message(app, fail->msgid);
}

void pk_app_forget_results(pk_app *app) {
  free(app->receipt.jws);
  pk_wipe(&app->receipt, sizeof app->receipt);
  free(app->status.jws);
  pk_wipe(&app->status, sizeof app->status);
  app->has_status = false;
  if (app->inbox) pk_wipe(app->inbox, app->ninbox * sizeof *app->inbox);
  free(app->inbox);
  app->inbox = NULL;
  app->ninbox = 0;
  if (app->doc.rows) pk_wipe(app->doc.rows, app->doc.nrows * sizeof *app->doc.rows);
  free(app->doc.rows);
  free(app->doc.jws);
  pk_wipe(&app->doc, sizeof app->doc);
  pk_wipe(&app->failure, sizeof app->failure);
  pk_wipe(app->query, sizeof app->query);
  app->print_state = NULL;
}

static pk_app_event status_enter(pk_app *app) {
  app->query[0] = 0;
  app->has_status = false;
  app->print_state = NULL;
  return PK_EV_APP_NONE;
}

const char *pk_app_code_not_found_msgid(void) {
  return N_("No request has this number; compare it with your receipt.");
}

/* The window's tracking codes are 16 digits, this kiosk's queue references 10 with a check digit;
 * dashes only group them for reading. NULL when `q` may be asked about (its digits in `digits`). */
static const char *code_problem(const char *q, char *digits, size_t size) {
  const char *wrong_shape =
      N_("A tracking code has 16 digits and a queue reference 10. Compare the number with your receipt.");
  size_t n = 0;
  for (; *q; q++) {
    if (*q == '-') continue;
    if (*q < '0' || *q > '9' || n + 1 >= size) return wrong_shape;
    digits[n++] = *q;
  }
  digits[n] = 0;
  if (n == PK_OUTBOX_REF_DIGITS) return pk_outbox_ref_valid(digits) ? NULL : pk_app_code_not_found_msgid();
  return n == PK_TRACKING_DIGITS ? NULL : wrong_shape;
}

static void ask_status(pk_app *app) {
  char digits[sizeof app->query];
  const char *problem = code_problem(app->query, digits, sizeof digits);
  app->has_status = false;
  if (problem) {
    pk_app_set_message(app, problem);
    return;
  }
  app->message = NULL;
  app->ops->track(app->be, app, app->gen, digits);
}

/* Tracking codes are digits and dashes; scanned text may bring the digits of any script. */
static pk_app_event status_key(pk_app *app, pk_key key) {
  int d = pk_key_digit(key);
  if (d >= 0 || (key.code == PK_KEY_CHAR && key.cp == '-')) {
    pk_utf8_append(app->query, 33, d >= 0 ? (uint32_t)('0' + d) : '-');
    app->has_status = false;
    app->dirty = true;
  } else if (key.code == PK_KEY_CHAR && ((key.cp | 0x20) >= 'a' && (key.cp | 0x20) <= 'z')) {
    pk_utf8_append(app->query, 33, key.cp & ~0x20u);
    app->dirty = true;
  } else if (key.code == PK_KEY_BACK && app->query[0]) {
    pk_utf8_pop(app->query);
    app->dirty = true;
  } else if (key.code == PK_KEY_PRINT && app->has_status && app->status.jws) {
    /* A receipt lost, or a request resolved after the citizen left: printed again here. */
    app->print_state = N_("Printing...");
    app->dirty = true;
    app->ops->print(app->be, app, app->gen, app->status.jws);
  } else if (key.code == PK_KEY_ENTER && app->query[0]) {
    ask_status(app);
  } else if (key.code == PK_KEY_BACK || key.code == PK_KEY_CANCEL) {
    return PK_EV_APP_BACK;
  }
  return PK_EV_APP_NONE;
}

const pk_screen_ops pk_screen_status = {status_enter, status_key, NULL};

void pk_app_track_done(pk_app *app, unsigned gen, const pk_app_failure *fail, const pk_app_status *st) {
  if (gen != app->gen || app->screen != PK_SCREEN_STATUS) return;
  if (fail) {
    pk_app_fail(app, fail);
    return;
  }
  free(app->status.jws);
  app->status = *st;
  app->status.jws = st->jws ? strdup(st->jws) : NULL;
  app->print_state = NULL;
  app->has_status = true;
  app->dirty = true;
}

static pk_app_event inbox_enter(pk_app *app) {
  app->sel = 0;
  app->inbox_open = false;
  app->ops->inbox(app->be, app, app->gen);
  return PK_EV_APP_NONE;
}

/* The catalog's service a proactive notice is about. The contract's inbox item names no
 * service, so the notice's title (the window titles a notice with its service) finds it. */
static const pk_service *notice_service(const pk_app *app, const pk_app_inbox_item *it) {
  if (!app->cat || strcmp(it->kind, "proactive")) return NULL;
  const pk_service *hits[8];
  size_t n = pk_catalog_search(app->cat, it->title_fa, hits, 8);
  for (size_t i = 0; i < n && i < 8; i++)
    if (hits[i]->proactive && !strcmp(hits[i]->title_fa, it->title_fa)) return hits[i];
  return NULL;
}

/* An opened item: Enter goes on to the service a notice offers, Back returns to the list. */
static pk_app_event opened_item_key(pk_app *app, pk_key key) {
  const pk_service *svc = pk_app_inbox_service(app);
  if (key.code == PK_KEY_ENTER && svc) {
    app->service = svc;
    app->service_from_search = false;
    app->service_from_inbox = true;
    return PK_EV_APP_OPEN;
  }
  if (key.code == PK_KEY_BACK || key.code == PK_KEY_CANCEL) {
    app->inbox_open = false;
    app->dirty = true;
  }
  return PK_EV_APP_NONE;
}

static pk_app_event inbox_key(pk_app *app, pk_key key) {
  if (app->inbox_open) return opened_item_key(app, key);
  switch (pk_app_list_key(app, key, app->ninbox, true)) {
  case PK_LIST_OPEN:
    app->inbox_open = true;
    app->dirty = true;
    return PK_EV_APP_NONE;
  case PK_LIST_BACK: return PK_EV_APP_BACK;
  default: return PK_EV_APP_NONE;
  }
}

const pk_screen_ops pk_screen_inbox = {inbox_enter, inbox_key, NULL};

void pk_app_inbox_done(pk_app *app, unsigned gen, const pk_app_failure *fail, const pk_app_inbox_item *items,
                       size_t n) {
  if (gen != app->gen || app->screen != PK_SCREEN_INBOX) return;
  if (fail) {
    pk_app_fail(app, fail);
    return;
  }
  free(app->inbox);
  app->inbox = n ? malloc(n * sizeof *items) : NULL;
  app->ninbox = app->inbox ? n : 0;
  if (app->inbox) memcpy(app->inbox, items, n * sizeof *items);
  app->sel = 0;
  app->inbox_open = false;
  app->dirty = true;
}

static pk_app_event document_enter(pk_app *app) {
  app->doc_page = 0;
  app->ops->document(app->be, app, app->gen, "report_card");
  return PK_EV_APP_NONE;
}

static pk_app_event document_key(pk_app *app, pk_key key) {
  size_t pages = (app->doc.nrows + PK_PAGE_SIZE - 1) / PK_PAGE_SIZE;
  switch (pk_app_list_key(app, key, app->doc.nrows, false)) {
  case PK_LIST_BACK: return PK_EV_APP_BACK;
  case PK_LIST_MOVED:
    app->doc_page = app->sel / PK_PAGE_SIZE;
    if (pages && app->doc_page >= pages) app->doc_page = pages - 1;
    return PK_EV_APP_NONE;
  default: return PK_EV_APP_NONE;
  }
}

const pk_screen_ops pk_screen_document = {document_enter, document_key, NULL};

void pk_app_document_done(pk_app *app, unsigned gen, const pk_app_failure *fail, const pk_app_document *doc) {
  if (gen != app->gen || app->screen != PK_SCREEN_DOCUMENT) return;
  if (fail) {
    pk_app_fail(app, fail);
    return;
  }
  free(app->doc.rows);
  free(app->doc.jws);
  app->doc = *doc;
  app->doc.rows = doc->nrows ? malloc(doc->nrows * sizeof *doc->rows) : NULL;
  app->doc.nrows = app->doc.rows ? doc->nrows : 0;
  if (app->doc.rows) memcpy(app->doc.rows, doc->rows, doc->nrows * sizeof *doc->rows);
  app->doc.jws = doc->jws ? strdup(doc->jws) : NULL;
  app->sel = 0;
  app->doc_page = 0;
  app->dirty = true;
}

const pk_app_inbox_item *pk_app_inbox_at(const pk_app *app, size_t i) {
  return i < app->ninbox ? &app->inbox[i] : NULL;
}
const pk_app_inbox_item *pk_app_inbox_opened(const pk_app *app) {
  return app->screen == PK_SCREEN_INBOX && app->inbox_open ? pk_app_inbox_at(app, app->sel) : NULL;
}
const pk_service *pk_app_inbox_service(const pk_app *app) {
  const pk_app_inbox_item *it = pk_app_inbox_opened(app);
  return it ? notice_service(app, it) : NULL;
}
const pk_app_status *pk_app_track_result(const pk_app *app) { return app->has_status ? &app->status : NULL; }
const pk_app_document *pk_app_document_shown(const pk_app *app) { return app->doc.title_fa[0] ? &app->doc : NULL; }
size_t pk_app_document_page(const pk_app *app) { return app->doc_page; }
const pk_app_failure *pk_app_failure_shown(const pk_app *app) {
  return app->message && app->message == app->failure.msgid ? &app->failure : NULL;
}
