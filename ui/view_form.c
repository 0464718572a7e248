/* Views of a request: the form, the review, sending, and the receipt with its QR code. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "pishkhan/i18n.h"
#include "pishkhan/receipt.h"
#include "pishkhan/secret.h"
#include "view.h"
#include "view_counter.h"
#include "view_pay.h"
#include "view_list.h"

static const char spin[] = "|/-\\";

/* Codes, numbers and dates read left to right even inside Persian, in the UI's digits. */
static char *shown_value(const pk_form_field *f, const char *v) {
  if (f->type == PK_FIELD_CHOICE) {
    for (size_t i = 0; i < f->nchoices; i++)
      if (!strcmp(f->choices[i].value, v)) return strdup(ui_pick(f->choices[i].label_fa, f->choices[i].label_en));
    return strdup("");
  }
  if (f->type == PK_FIELD_TEXT) return strdup(v);
  char *digits = f->type == PK_FIELD_AMOUNT && v[0] ? pk_amount_format(atoll(v)) : ui_digits(v);
  char *iso = pk_isolate_ltr(digits ? digits : v);
  if (digits) pk_wipe(digits, strlen(digits));
  free(digits);
  return iso;
}

/* A field the state knew (source: where from) is shown with its source and no cursor: it is
 * not the citizen's to type. */
static void draw_field(const pk_form_field *f, const char *v, const char *source, bool current, int y) {
  char *val = shown_value(f, v);
  char *text = source ? ui_fmt("%s: %s  (%s)", ui_pick(f->label_fa, f->label_en), val ? val : "", _(source))
                      : ui_fmt("%s%s: %s%s", f->required ? "* " : "", ui_pick(f->label_fa, f->label_en),
                               val ? val : "", current ? "_" : "");
  char *line = text ? ui_marked(current, text) : NULL;
  if (text) pk_wipe(text, strlen(text));
  free(text);
  if (current) ui_bar(y, UI_PAIR_SELECT, true);
  if (line) ui_put_start(y, 3, line);
  if (current) ui_bar(y, UI_PAIR_SELECT, false);
  if (line) pk_wipe(line, strlen(line));
  if (val) pk_wipe(val, strlen(val));
  free(line);
  free(val);
}

static const char *field_help(const pk_form_field *f) {
  switch (f->type) {
  case PK_FIELD_JALALI_DATE: return _("Type the date as digits, e.g. 13700512. Arrows: a day; PgUp/PgDn: a month; + and -: a year.");
  case PK_FIELD_CHOICE: return _("Press the number of your choice, or use the arrows.");
  case PK_FIELD_NATIONAL_CODE: return _("10 digits.");
  case PK_FIELD_MOBILE: return _("Example: 09121234567");
  case PK_FIELD_POSTAL_CODE: return _("10 digits, without a dash.");
  case PK_FIELD_AMOUNT: return _("In rials, digits only.");
  default: return ui_pick(f->hint_fa, f->hint_en);
  }
}

static void draw_choices(const pk_form_field *f, int y) {
  for (size_t i = 0; i < f->nchoices && i < 9; i++) {
    char num[24];
    snprintf(num, sizeof num, "%zu", i + 1);
    char *d = ui_digits(num);
    char *line = ui_fmt("%s  %s", d ? d : num, ui_pick(f->choices[i].label_fa, f->choices[i].label_en));
    if (line) ui_put_start(y + (int)i, 6, line);
    free(line);
    free(d);
  }
}

static void draw_form(const pk_app *app, const ui_status *st, int top, int rows) {
  const pk_form_field *fields;
  size_t n = pk_app_form(app, &fields), cur = pk_app_form_current(app);
  const pk_service *s = pk_app_current_service(app);
  attron(A_BOLD);
  if (s) ui_put_start(top, 2, ui_pick(s->title_fa, s->title_en));
  attroff(A_BOLD);
  if (n == 0) {
    ui_put_start(top + 2, 3, _("This service needs no information. Press Enter to continue."));
    return;
  }
  /* Keep the current field on screen; the fields below it scroll. */
  int room = rows - 6;
  size_t first = cur >= (size_t)room ? cur - (size_t)room + 1 : 0;
  int y = top + 2;
  for (size_t i = first; i < n && y < top + 2 + room; i++)
    draw_field(&fields[i], pk_app_form_value(app, i), pk_app_form_source(app, i), i == cur, y++);
  /* The error and the help right under the fields, where the eye is, not at the screen's foot. */
  const char *err = pk_app_form_error(app, cur);
  y++;
  if (err) {
    ui_bar(y, UI_PAIR_ALERT, true);
    ui_put_start(y, 3, _(err));
    ui_bar(y, UI_PAIR_ALERT, false);
    y++;
  }
  if (!pk_app_form_source(app, cur)) ui_put_start(y++, 3, field_help(&fields[cur]));
  if (fields[cur].type == PK_FIELD_CHOICE && y + (int)fields[cur].nchoices <= top + rows)
    draw_choices(&fields[cur], y);
}

/* A code the citizen may type later: left to right, in the digits of the interface. */
static void draw_code(int y, const char *label, const char *code) {
  char *shown = ui_code_text(code);
  char *line = ui_fmt("%s %s", label, shown ? shown : code);
  if (line) ui_put_start(y, 3, line);
  free(line);
  free(shown);
}

static void draw_review(const pk_app *app, const ui_status *st, int top, int rows) {
  const pk_form_field *fields;
  size_t n = pk_app_form(app, &fields);
  attron(A_BOLD);
  ui_put_start(top, 2, _("Please check your request before sending it."));
  attroff(A_BOLD);
  for (size_t i = 0; i < n && (int)i < rows - 4; i++)
    draw_field(&fields[i], pk_app_form_value(app, i), pk_app_form_source(app, i), false, top + 2 + (int)i);
  const pk_service *s = pk_app_current_service(app);
  if (s && s->fee_rials > 0) ui_draw_fee(top + 3 + (int)(n < (size_t)rows - 6 ? n : (size_t)rows - 6), s->fee_rials);
  const pk_app_failure *f = pk_app_failure_shown(app);
  if (f && (f->fa[0] || f->en[0])) ui_put_start(top + rows - 1, 3, ui_pick(f->fa, f->en));
  const char *ref = pk_app_pending_ref(app);
  if (ref) draw_code(top + rows - 2, _("Queue reference:"), ref);
}

static void draw_submit(const pk_app *app, const ui_status *st, int top, int rows) {
  char *line = ui_fmt("%s  %c", _("Sending your request to the national window..."), spin[st->spinner % 4]);
  if (line) ui_put_center(top + rows / 2, line);
  free(line);
  ui_put_center(top + rows / 2 + 2, _("Esc: cancel"));
}

/* Two QR rows per terminal row with half blocks, and a quiet zone of two modules. */
static bool draw_qr(const char *text, int y, int x_right, int max_rows) {
  pk_qr qr;
  if (!text || pk_qr_matrix(text, &qr) != 0) return false;
  int q = 2, side = qr.size + 2 * q;
  bool fits = (side + 1) / 2 <= max_rows && side + 2 <= x_right;
  for (int r = 0; fits && r < side; r += 2) {
    move(y + r / 2, x_right - side);
    for (int c = 0; c < side; c++) {
      int m0 = r - q, m1 = r + 1 - q, mc = c - q;
      bool top = m0 >= 0 && m0 < qr.size && mc >= 0 && mc < qr.size && qr.dark[m0 * qr.size + mc];
      bool bot = m1 >= 0 && m1 < qr.size && mc >= 0 && mc < qr.size && qr.dark[m1 * qr.size + mc];
      /* Light modules are drawn as blocks so that a dark-background terminal scans too. */
      addstr(top ? (bot ? " " : "▄") : (bot ? "▀" : "█"));
    }
  }
  pk_qr_free(&qr);
  return fits;
}

static void draw_receipt(const pk_app *app, const ui_status *st, int top, int rows) {
  const pk_app_receipt *r = pk_app_last_receipt(app);
  if (!r) return;
  attron(A_BOLD);
  if (r->queued) {
    ui_put_start(top, 2, _("Your request was recorded at this kiosk."));
    draw_code(top + 2, _("Queue reference:"), r->ref);
  } else {
    ui_put_start(top, 2, _("Your request was registered."));
    draw_code(top + 2, _("Tracking code:"), r->tracking);
  }
  attroff(A_BOLD);
  const pk_service *s = pk_app_current_service(app);
  if (s) ui_put_start(top + 3, 3, ui_pick(s->title_fa, s->title_en));
  ui_put_start(top + (r->paid > 0 ? 6 : 5), 3, r->queued ? _("It will be delivered to the national window when the connection returns. "
                                         "Keep this reference to follow it.")
                                     : _("Keep this code to follow your request."));
  if (r->paid > 0) ui_draw_payment(top + 4, r->paid, r->bank_ref, r->invoice);
  const char *ps = pk_app_print_state(app);
  if (ps) ui_put_start(top + 7, 3, _(ps));
  ui_desk_acting_for(app, top + 8); /* for a company, with the clerk's help: as the paper says */
  if (!draw_qr(r->jws, top, ui_rtl() ? COLS / 2 : COLS - 1, rows))
    ui_put_start(top + 9, 3, _("The QR code to verify this receipt is on the printed copy."));
}

const ui_view ui_view_form = {.draw = draw_form,
                              .hints = N_("Enter: next   Up/Down: fields   Backspace: erase/back   Esc: cancel")};
const ui_view ui_view_review = {.draw = draw_review, .hints = N_("Enter: send   Backspace: change")};
const ui_view ui_view_submit = {.draw = draw_submit, .hints = N_("Please wait   Esc: cancel")};
const ui_view ui_view_receipt = {.draw = draw_receipt, .hints = N_("1 or F4: print   Enter: done")};
