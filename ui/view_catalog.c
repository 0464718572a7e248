/* Views of finding a service: agencies, their services, search, the service card. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "pishkhan/i18n.h"
#include "view.h"
#include "view_pay.h"
#include "view_list.h"

static const char *agency_row(const pk_app *app, size_t i) {
  const pk_agency *a = pk_app_agency_at(app, i);
  return a ? ui_pick(a->name_fa, a->name_en) : "";
}

static const char *service_row(const pk_app *app, size_t i) {
  const pk_service *s = pk_app_service_at(app, i);
  return s ? ui_pick(s->title_fa, s->title_en) : "";
}

/* An agency's or a service's name: a sign before its digits stays there («پلیس +۱۰»). */
static void title(int y, const char *text) {
  char *name = pk_isolate_signed(text);
  attron(A_BOLD);
  ui_put_start(y, 2, name ? name : text);
  attroff(A_BOLD);
  free(name);
}

static void draw_agencies(const pk_app *app, const ui_status *st, int top, int rows) {
  title(top, _("Choose an agency"));
  ui_list(app, top + 2, agency_row, true);
}

static void draw_services(const pk_app *app, const ui_status *st, int top, int rows) {
  const pk_agency *a = pk_app_current_agency(app);
  title(top, a ? ui_pick(a->name_fa, a->name_en) : "");
  ui_list(app, top + 2, service_row, true);
}

/* A result names its agency: the same title comes from several (a permit of each city). */
static const char *search_row(const pk_app *app, size_t i) {
  static char row[512];
  const pk_service *s = pk_app_service_at(app, i);
  const pk_agency *a = pk_app_agency_of(app, s);
  if (!s) return "";
  snprintf(row, sizeof row, "%s — %s", ui_pick(s->title_fa, s->title_en), a ? ui_pick(a->name_fa, a->name_en) : "");
  return a ? row : ui_pick(s->title_fa, s->title_en);
}

static void draw_search(const pk_app *app, const ui_status *st, int top, int rows) {
  char *query = ui_digits(pk_app_query(app));
  char *prompt = ui_fmt("%s %s%s", _("Search:"), query ? query : "", pk_app_search_picking(app) ? "" : "_");
  attron(A_BOLD);
  if (prompt) ui_put_start(top, 2, prompt);
  attroff(A_BOLD);
  free(prompt);
  free(query);
  if (!pk_app_query(app)[0]) {
    ui_put_start(top + 2, 3, _("Type a word from the service's name, for example: tax, insurance, report card."));
    return;
  }
  char *n = pk_amount_format((long long)pk_app_list_count(app));
  char *found = ui_subst(_("%s services found"), n ? n : "", (char *)NULL);
  if (found) ui_put_start(top + 1, 3, found);
  free(found);
  free(n);
  ui_list(app, top + 3, search_row, pk_app_search_picking(app));
}

static void add_line(int *y, const char *label, const char *value) {
  char *line = ui_fmt("%s %s", label, value);
  if (line) ui_put_start((*y)++, 3, line);
  free(line);
}

static void draw_fee_and_level(const pk_service *s, int *y) {
  char lvl[8];
  snprintf(lvl, sizeof lvl, "%d", s->auth_level);
  char *lvl_d = ui_digits(lvl);
  add_line(y, _("Authentication level:"), lvl_d ? lvl_d : lvl);
  free(lvl_d);
  if (s->fee_rials > 0) {
    ui_draw_fee((*y)++, s->fee_rials);
  } else {
    add_line(y, _("Fee:"), _("free of charge"));
  }
}

static void draw_service(const pk_app *app, const ui_status *st, int top, int rows) {
  const pk_service *s = pk_app_current_service(app);
  if (!s) return;
  title(top, ui_pick(s->title_fa, s->title_en));
  int y = top + 2;
  y += ui_paragraph(y, 3, 3, ui_pick(s->desc_fa, s->desc_en));
  y++;
  draw_fee_and_level(s, &y);
  add_line(&y, _("Smart service:"), s->smart ? _("yes, no documents and no visit needed") : _("no"));
  if (s->ndocuments) {
    add_line(&y, _("Documents:"), "");
    for (size_t i = 0; i < s->ndocuments && y < top + rows - 1; i++) add_line(&y, "  -", ui_pick(s->documents_fa[i], s->documents_en[i]));
  }
  if (s->auth_level > pk_app_session_level(app))
    ui_paragraph(top + rows - 2, 3, 2, _("This service needs a higher authentication level than this session has."));
  /* A citizen back after a crash or a walk-away: say it before the same request is sent again. */
  const pk_app_recent *r = pk_app_recent_shown(app);
  if (r && !strcmp(r->service_id, s->id)) {
    char *line = ui_fmt("%s %s", _("You already sent a request for this service here today:"), _(r->state_msgid));
    if (line) ui_paragraph(top + rows - 4, 3, 2, line);
    free(line);
  }
}

const ui_view ui_view_agencies = {.draw = draw_agencies,
                                  .hints = N_("Digits: choose   Arrows: move, next page   Backspace: back")};
const ui_view ui_view_services = {.draw = draw_services,
                                  .hints = N_("Digits: choose   Arrows: move, next page   Backspace: back")};
const ui_view ui_view_search = {.draw = draw_search,
                                .hints = N_("Type to search   Arrows, then a digit: choose   Enter: open   Backspace: erase/back")};
const ui_view ui_view_service = {.draw = draw_service, .hints = N_("Enter: request this service   Backspace: back")};
