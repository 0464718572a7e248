/* Counter mode: the clerk's desk, drawn where home is while no citizen is served, and the
 * companies a citizen may act for. Nothing of a citizen is ever drawn on the desk. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "input.h"
#include "pishkhan/i18n.h"
#include "view_counter.h"
#include "view_list.h"

bool ui_desk_clerk_signing(const pk_app *app) { return pk_app_clerk_signing(app); }

static void line_n(int y, int margin, const char *msgid, unsigned long long n) {
  char num[24];
  snprintf(num, sizeof num, "%llu", n);
  char *d = ui_digits(num);
  char *line = ui_fmt("%s: %s", _(msgid), d ? d : num);
  if (line) ui_put_start(y, margin, line);
  free(line);
  free(d);
}

static void draw_clerk(const pk_app_shift *s, int y) {
  const pk_app_clerk *c = &s->clerk;
  char *who = ui_fmt("%s: %s   %s: %s", _("Clerk"), ui_pick(c->name_fa, c->name_en), _("Office"), c->office_name);
  attron(A_BOLD);
  if (who) ui_put_start(y, 2, who);
  attroff(A_BOLD);
  free(who);
}

static void draw_open(const pk_app *app, const pk_app_shift *s, int top, int rows) {
  draw_clerk(s, top);
  if (s->clerk.copy_of) ui_put_start(top + 1, 2, _("Opened without the window: the clerk's register as this kiosk last saw it."));
  char num[16];
  snprintf(num, sizeof num, "%u", s->ticket);
  char *d = ui_digits(num);
  char *called = ui_fmt("%s  %s", _("Now serving ticket"), d ? d : num);
  attron(A_BOLD | A_REVERSE);
  if (called && s->ticket) ui_put_center(top + 2, called);
  attroff(A_BOLD | A_REVERSE);
  free(called);
  free(d);
  ui_put_start(top + 4, 3, _("A citizen with their card: they insert it in the citizen's reader."));
  ui_put_start(top + 5, 3, _("1  A citizen without a card: a one-time code to their registered mobile"));
  ui_hit_add(top + 5, (pk_key){PK_KEY_CHAR, '1'});
  ui_put_start(top + 6, 3, _("2  Level 1 services only: the citizen's national code and date of birth"));
  ui_hit_add(top + 6, (pk_key){PK_KEY_CHAR, '2'});
  ui_put_start(top + 7, 3, _("The citizen types their PIN and codes on their own keypad, never on this keyboard."));
  line_n(top + 9, 3, N_("Citizens served this shift"), (unsigned long long)s->by_card + s->by_otp + s->by_level1);
  line_n(top + 10, 3, N_("Requests registered"), s->registered);
  line_n(top + 11, 3, N_("Requests queued"), s->queued);
}

static void draw_report(const pk_app_shift *s, int top, int rows) {
  attron(A_BOLD);
  ui_put_start(top, 2, _("The shift is closed."));
  attroff(A_BOLD);
  draw_clerk(s, top + 1);
  int y = top + 3;
  line_n(y++, 3, N_("Citizens with their card"), s->by_card);
  line_n(y++, 3, N_("Citizens by one-time code"), s->by_otp);
  line_n(y++, 3, N_("Citizens by date of birth (level 1)"), s->by_level1);
  line_n(y++, 3, N_("Acting for a company"), s->for_entity);
  line_n(y++, 3, N_("Requests registered"), s->registered);
  line_n(y++, 3, N_("Requests queued"), s->queued);
  line_n(y++, 3, N_("Requests refused"), s->refused);
  line_n(y++, 3, N_("Times locked"), s->locks);
  line_n(y++, 3, N_("Audit log checkpoint"), s->audit_size);
  char *where = ui_fmt("%s %s", _("Report written to"), s->report_path[0] ? s->report_path : _("(not written: see the log)"));
  if (where) ui_paragraph(y + 1, 3, 2, where);
  free(where);
}

void ui_desk_draw(const pk_app *app, const ui_status *st, int top, int rows) {
  const pk_app_shift *s = pk_app_shift_shown(app);
  int mid = top + rows / 2;
  switch (pk_app_desk(app)) {
  case PK_DESK_OPEN: draw_open(app, s, top, rows); break;
  case PK_DESK_REPORT: draw_report(s, top, rows); break;
  case PK_DESK_SWAP:
    draw_clerk(s, top);
    attron(A_BOLD);
    ui_put_center(mid - 1, _("Insert the citizen's card in the reader."));
    attroff(A_BOLD);
    ui_paragraph(mid + 1, 4, 2, _("One reader: the counter stays locked for the clerk until the citizen's card is out and "
                                  "the clerk's card and PIN are back."));
    break;
  case PK_DESK_LOCKED:
    attron(A_BOLD);
    ui_put_center(mid - 2, _("The counter is locked."));
    attroff(A_BOLD);
    ui_put_center(mid, _("Clerk: insert your card and type your PIN to resume the shift."));
    break;
  default:
    attron(A_BOLD);
    ui_put_center(mid - 2, _("Counter closed"));
    attroff(A_BOLD);
    ui_put_center(mid, _("Clerk: insert your card in the clerk's reader and type your PIN to open the shift."));
    break;
  }
  if (st->link) ui_put_center(top + rows - 1, _(st->link));
}

const char *ui_desk_hints(const pk_app *app) {
  switch (pk_app_desk(app)) {
  case PK_DESK_OPEN: return N_("F3: call the next ticket   1: citizen without a card   F8: end the shift");
  case PK_DESK_REPORT: return N_("Enter: finish");
  default: return N_("Insert the clerk's card");
  }
}

void ui_desk_acting_for(const pk_app *app, int y) {
  const pk_app_entity *e = pk_app_acting_for(app);
  char *by = pk_app_assisted_by(app) ? ui_fmt("%s", _("With the help of the counter clerk")) : NULL;
  char *id = e ? ui_digits(e->legal_id) : NULL;
  char *line = e ? ui_fmt("%s %s (%s)%s%s", _("Acting for:"), e->name, id ? id : e->legal_id, by ? "   " : "", by ? by : "")
                 : by;
  if (line) ui_put_start(y, 2, line);
  if (line != by) free(line);
  free(by);
  free(id);
}

/* ---- the companies */

static const char *entity_row(const pk_app *app, size_t i) {
  static char row[320];
  const pk_app_entity *e = pk_app_entity_at(app, i);
  char *id = e ? ui_digits(e->legal_id) : NULL;
  snprintf(row, sizeof row, "%s  (%s)", e ? e->name : "", id ? id : (e ? e->legal_id : ""));
  free(id);
  return row;
}

static void draw_entity(const pk_app *app, const ui_status *st, int top, int rows) {
  attron(A_BOLD);
  ui_put_start(top, 2, _("Act for a company"));
  attroff(A_BOLD);
  ui_paragraph(top + 1, 3, 2, _("The companies the national window lists you as a signatory of. Type its number or its 11-digit "
                                "national ID, then press Enter."));
  int y = ui_list(app, top + 4, entity_row, true);
  const char *q = pk_app_query(app);
  if (q[0]) {
    char *d = ui_digits(q);
    char *line = ui_fmt("%s %s_", _("National ID:"), d ? d : q);
    if (line) ui_put_start(y, 3, line);
    free(line);
    free(d);
  }
}

const ui_view ui_view_entity = {.draw = draw_entity,
                                .hints = N_("Number and Enter: choose   *: for myself   Backspace: back")};
