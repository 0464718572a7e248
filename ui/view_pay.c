/* The fee's payment on the card terminal: the amount in digits and in words, what to do on
 * the terminal, the progress and the outcome in plain words. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>

#include "pishkhan/receipt.h"

#include "draw.h"
#include "pishkhan/i18n.h"
#include "view.h"
#include "view_list.h"
#include "view_pay.h"

static const char spin[] = "|/-\\";

/* "Fee: ۵۰٬۰۰۰ rials (پنجاه هزار ریال)": Persian readers check the words, as on a cheque. */
static char *fee_text(long long rials) {
  char *amount = pk_amount_format(rials), *words = ui_rtl() ? pk_amount_words_rials_fa(rials) : NULL;
  char *line = words ? ui_fmt("%s %s %s (%s)", _("Fee:"), amount ? amount : "", _("rials"), words)
                     : ui_fmt("%s %s %s", _("Fee:"), amount ? amount : "", _("rials"));
  free(words);
  free(amount);
  return line;
}

void ui_draw_fee(int y, long long rials) {
  char *line = fee_text(rials);
  if (line) ui_put_start(y, 3, line);
  free(line);
}

void ui_draw_payment(int y, long long rials, const char *bank_ref, const char *invoice) {
  char *amount = pk_amount_format(rials), *rrn = ui_code_text(bank_ref);
  char *line = ui_fmt("%s %s %s   %s %s   %s %s", _("Paid:"), amount ? amount : "", _("rials"), _("Bank reference:"),
                      rrn ? rrn : bank_ref, _("Invoice:"), invoice);
  if (line) ui_put_start(y, 3, line);
  free(line);
  free(rrn);
  free(amount);
}

#define QR_QUIET 2 /* modules of light margin around the code: it sits on the terminal's dark body */

/* The code in half blocks, two module rows a cell: a cell is about twice as tall as it is wide,
 * so the modules come out square. */
static void draw_qr(const pk_qr *q, int y, int x) {
  int side = q->size + 2 * QR_QUIET;
  bool paired = has_colors() && COLOR_PAIRS > UI_PAIR_QR;
  attr_t a = paired ? COLOR_PAIR(UI_PAIR_QR) : A_REVERSE; /* reversed: dark on light on a dark body */
  attron(a);
  for (int r = 0; r < side; r += 2) {
    move(y + r / 2, x);
    for (int c = 0; c < side; c++) {
      int mr = r - QR_QUIET, mc = c - QR_QUIET;
      bool top = mr >= 0 && mr < q->size && mc >= 0 && mc < q->size && q->dark[mr * q->size + mc];
      bool low = mr + 1 >= 0 && mr + 1 < q->size && mc >= 0 && mc < q->size && q->dark[(mr + 1) * q->size + mc];
      /* with A_REVERSE the glyph's ink is the light colour: draw the light modules instead */
      if (!paired) top = !top, low = !low;
      addstr(top && low ? "\u2588" : top ? "\u2580" : low ? "\u2584" : " ");
    }
  }
  attroff(a);
}

static const char *title_of(pk_app_pay_way way) {
  switch (way) {
  case PK_APP_PAY_PHONE: return _("Paying the fee with your phone");
  case PK_APP_PAY_CASH: return _("Paying the fee in cash at the counter");
  default: return _("Paying the fee on the card terminal");
  }
}

/* The text of the screen in the columns [x, x + width): title, service, fee, the sentence. */
static void draw_words(const pk_app *app, const ui_status *st, int top, int rows, int x, int width) {
  const pk_app_payment *p = pk_app_payment_shown(app);
  const pk_service *s = pk_app_current_service(app);
  attron(A_BOLD);
  ui_text(top, x, width, title_of(p ? p->way : PK_APP_PAY_CARD));
  attroff(A_BOLD);
  int y = top + 1;
  if (s) y += ui_paragraph_at(y, x, width, 2, ui_pick(s->title_fa, s->title_en));
  char *fee = s ? fee_text(p && p->amount ? p->amount : s->fee_rials) : NULL;
  if (fee) y += 1 + ui_paragraph_at(y + 1, x, width, 3, fee);
  free(fee);
  if (!p) return;
  bool waiting = p->outcome == PK_APP_PAY_PROGRESS;
  int at = top + rows / 2 > y + 2 ? top + rows / 2 : y + 2;
  if (!waiting) ui_bar(at, p->outcome == PK_APP_PAY_APPROVED ? UI_PAIR_GOOD : UI_PAIR_ALERT, true);
  char *line = waiting ? ui_fmt("%s  %c", _(p->msgid), spin[st->spinner % 4]) : NULL;
  int used = ui_paragraph_at(at, x, width, top + rows - at, line ? line : _(p->msgid));
  if (!waiting) ui_bar(at, p->outcome == PK_APP_PAY_APPROVED ? UI_PAIR_GOOD : UI_PAIR_ALERT, false);
  free(line);
  if (p->outcome == PK_APP_PAY_DECLINED && at + used + 1 < top + rows)
    ui_paragraph_at(at + used + 1, x, width, 2,
                    p->way == PK_APP_PAY_PHONE ? _("Enter: show a new code. Esc: cancel (nothing is sent).")
                    : p->way == PK_APP_PAY_CASH ? _("Enter: try again. Esc: cancel (nothing is sent).")
                                                : _("Enter: try another card. Esc: cancel (nothing is sent)."));
}

/* The phone's way: the code at the reading end, the words beside it; on a screen too small for
 * both, the code alone (the hints still say Esc). */
static void draw_pay(const pk_app *app, const ui_status *st, int top, int rows) {
  const pk_app_payment *p = pk_app_payment_shown(app);
  pk_qr q = {0};
  if (!p || !p->pay_url[0] || pk_qr_matrix_compact(p->pay_url, &q) != 0) {
    draw_words(app, st, top, rows, 2, COLS - 4);
    return;
  }
  int side = q.size + 2 * QR_QUIET, h = (side + 1) / 2;
  if (h > rows || side + 24 > COLS) {
    draw_qr(&q, h <= LINES ? (LINES - h) / 2 : 0, (COLS - side) / 2 > 0 ? (COLS - side) / 2 : 0);
  } else {
    int words = COLS - side - 6;
    draw_qr(&q, top + (rows - h) / 2, ui_rtl() ? 2 : COLS - side - 2);
    draw_words(app, st, top, rows, ui_rtl() ? side + 4 : 2, words);
  }
  pk_qr_free(&q);
}

static const char *pay_hints(const pk_app *app) {
  const pk_app_payment *p = pk_app_payment_shown(app);
  bool declined = p && p->outcome == PK_APP_PAY_DECLINED;
  if (declined && p->way == PK_APP_PAY_PHONE) return N_("Enter: a new code   Esc: cancel");
  if (declined && p->way == PK_APP_PAY_CASH) return N_("Enter: try again   Esc: cancel");
  if (declined) return N_("Enter: try another card   Esc: cancel");
  if (p && p->clerk_confirms) return N_("Enter: the cash is in hand   Esc: cancel");
  return N_("Esc: cancel the payment (any amount taken is given back)");
}

const ui_view ui_view_pay = {.draw = draw_pay, .hints_now = pay_hints};
