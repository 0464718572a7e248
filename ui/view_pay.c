/* The fee's payment on the card terminal: the amount in digits and in words, what to do on
 * the terminal, the progress and the outcome in plain words. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>

#include "draw.h"
#include "pishkhan/i18n.h"
#include "view.h"
#include "view_list.h"
#include "view_pay.h"

static const char spin[] = "|/-\\";

/* "Fee: ۵۰٬۰۰۰ rials (پنجاه هزار ریال)": Persian readers check the words, as on a cheque. */
void ui_draw_fee(int y, long long rials) {
  char *amount = pk_amount_format(rials), *words = ui_rtl() ? pk_amount_words_rials_fa(rials) : NULL;
  char *line = words ? ui_fmt("%s %s %s (%s)", _("Fee:"), amount ? amount : "", _("rials"), words)
                     : ui_fmt("%s %s %s", _("Fee:"), amount ? amount : "", _("rials"));
  if (line) ui_put_start(y, 3, line);
  free(line);
  free(words);
  free(amount);
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

static void draw_pay(const pk_app *app, const ui_status *st, int top, int rows) {
  const pk_app_payment *p = pk_app_payment_shown(app);
  const pk_service *s = pk_app_current_service(app);
  attron(A_BOLD);
  ui_put_start(top, 2, _("Paying the fee on the card terminal"));
  attroff(A_BOLD);
  if (s) ui_put_start(top + 1, 3, ui_pick(s->title_fa, s->title_en));
  if (s) ui_draw_fee(top + 3, p && p->amount ? p->amount : s->fee_rials);
  if (!p) return;
  bool waiting = p->outcome == PK_APP_PAY_PROGRESS;
  if (!waiting) ui_bar(top + rows / 2, p->outcome == PK_APP_PAY_APPROVED ? UI_PAIR_GOOD : UI_PAIR_ALERT, true);
  char *line = waiting ? ui_fmt("%s  %c", _(p->msgid), spin[st->spinner % 4]) : NULL;
  ui_put_start(top + rows / 2, 3, line ? line : _(p->msgid));
  if (!waiting) ui_bar(top + rows / 2, p->outcome == PK_APP_PAY_APPROVED ? UI_PAIR_GOOD : UI_PAIR_ALERT, false);
  free(line);
  if (p->outcome == PK_APP_PAY_DECLINED)
    ui_put_start(top + rows / 2 + 2, 3, _("Enter: try another card. Esc: cancel (nothing is sent)."));
}

static const char *pay_hints(const pk_app *app) {
  const pk_app_payment *p = pk_app_payment_shown(app);
  if (p && p->outcome == PK_APP_PAY_DECLINED) return N_("Enter: try another card   Esc: cancel");
  return N_("Esc: cancel the payment (any amount taken is given back)");
}

const ui_view ui_view_pay = {.draw = draw_pay, .hints_now = pay_hints};
