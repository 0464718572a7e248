/* Views of following requests: status by tracking code, the inbox, documents. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "pishkhan/i18n.h"
#include "view.h"
#include "view_list.h"

static char *jalali_of(long long t) {
  int y, m, d;
  if (t <= 0 || pk_jalali_from_time(t, &y, &m, &d) != 0) return NULL;
  return pk_jalali_format(y, m, d, PK_JDATE_LONG);
}

static void labelled(int y, const char *label, const char *value) {
  char *line = ui_fmt("%s %s", label, value ? value : "");
  if (line) ui_put_start(y, 3, line);
  free(line);
}

static void draw_status(const pk_app *app, const ui_status *st, int top, int rows) {
  attron(A_BOLD);
  ui_put_start(top, 2, _("Type or scan the tracking code, then press Enter."));
  attroff(A_BOLD);
  char *code = ui_code_text(pk_app_query(app));
  char *line = ui_fmt("%s %s_", _("Tracking code:"), code ? code : "");
  if (line) ui_put_start(top + 2, 3, line);
  free(line);
  free(code);
  const pk_app_status *r = pk_app_track_result(app);
  if (!r) return;
  attron(A_BOLD);
  labelled(top + 4, _("Status:"), ui_pick(r->status_fa, r->status_en));
  attroff(A_BOLD);
  char *sub = jalali_of(r->submitted_at), *upd = jalali_of(r->updated_at);
  labelled(top + 5, _("Submitted on:"), sub);
  labelled(top + 6, _("Last change:"), upd);
  free(sub);
  free(upd);
  /* Asked by queue reference: the window's own tracking code, once it has one. */
  if (r->tracking[0] && strcmp(r->tracking, pk_app_query(app))) {
    char *tr = ui_code_text(r->tracking);
    attron(A_BOLD);
    labelled(top + 7, _("The window's tracking code:"), tr ? tr : r->tracking);
    attroff(A_BOLD);
    free(tr);
  }
  if (r->jws) ui_put_start(top + 9, 3, _("F4: print the window's receipt of this request"));
  const char *ps = pk_app_print_state(app);
  if (ps) ui_put_start(top + 10, 3, _(ps));
}

/* The window's own sentences carry numbers in Latin digits («کد رهگیری 1457...»): in Persian
 * they are read in Persian digits, as everything else on the screen. malloc'd. */
static char *window_text(const char *fa, const char *en) { return ui_digits(ui_pick(fa, en)); }

static const char *inbox_row(const pk_app *app, size_t i) {
  const pk_app_inbox_item *it = pk_app_inbox_at(app, i);
  return it ? ui_pick(it->title_fa, it->title_en) : "";
}

/* An item opened: its title, when it came and its whole body; a notice offering a service
 * says how to go on to it. */
static void draw_inbox_item(const pk_app *app, const pk_app_inbox_item *it, int top, int rows) {
  attron(A_BOLD);
  ui_put_start(top, 2, ui_pick(it->title_fa, it->title_en));
  attroff(A_BOLD);
  char *when = jalali_of(it->at);
  if (when) ui_put_start(top + 1, 3, when);
  free(when);
  bool offers = pk_app_inbox_service(app) != NULL;
  char *body = window_text(it->body_fa, it->body_en);
  int y = top + 3 + (body ? ui_paragraph(top + 3, 3, rows - (offers ? 5 : 3), body) : 0);
  free(body);
  if (!offers) return;
  attron(A_BOLD);
  ui_put_start(y + 1, 3, _("Enter: go to this service and fill in its form"));
  attroff(A_BOLD);
}

static void draw_inbox(const pk_app *app, const ui_status *st, int top, int rows) {
  const pk_app_inbox_item *open = pk_app_inbox_opened(app);
  if (open) {
    draw_inbox_item(app, open, top, rows);
    return;
  }
  attron(A_BOLD);
  ui_put_start(top, 2, _("Your inbox"));
  attroff(A_BOLD);
  if (pk_app_list_count(app) == 0) {
    ui_put_start(top + 2, 3, pk_app_message(app) ? "" : _("No messages."));
    return;
  }
  int y = ui_list(app, top + 2, inbox_row, true);
  const pk_app_inbox_item *it = pk_app_inbox_at(app, pk_app_list_selected(app));
  char *body = it ? window_text(it->body_fa, it->body_en) : NULL;
  if (body) ui_paragraph(y, 3, top + rows - y, body);
  free(body);
}

static const char *inbox_hints(const pk_app *app) {
  if (!pk_app_inbox_opened(app)) return N_("Digits: choose   Arrows: move   Backspace: back");
  return pk_app_inbox_service(app) ? N_("Enter: open the service   Backspace: inbox")
                                   : N_("Backspace: inbox");
}

static void draw_document(const pk_app *app, const ui_status *st, int top, int rows) {
  const pk_app_document *d = pk_app_document_shown(app);
  if (!d) {
    ui_put_center(top + rows / 2, pk_app_message(app) ? "" : _("Asking the agency for your document..."));
    return;
  }
  attron(A_BOLD);
  ui_put_start(top, 2, ui_pick(d->title_fa, d->title_en));
  attroff(A_BOLD);
  /* The subject is a masked code such as ******4561: it reads left to right. */
  char *subject = pk_isolate_ltr(d->subject);
  if (subject) ui_put_start(top + 1, 3, subject);
  free(subject);
  size_t first = pk_app_document_page(app) * PK_PAGE_SIZE;
  for (size_t i = first; i < d->nrows && i < first + PK_PAGE_SIZE; i++) {
    char *v = ui_digits(ui_pick(d->rows[i].value, d->rows[i].value_en));
    char *label = ui_fmt("%s:", ui_pick(d->rows[i].label_fa, d->rows[i].label_en));
    labelled(top + 3 + (int)(i - first), label ? label : "", v);
    free(label);
    free(v);
  }
}

const ui_view ui_view_status = {.draw = draw_status, .hints = N_("Digits: code   Enter: look up   Backspace: erase/back")};
const ui_view ui_view_inbox = {.draw = draw_inbox, .hints_now = inbox_hints};
const ui_view ui_view_document = {.draw = draw_document, .hints = N_("Arrows: next page   Backspace: back")};
