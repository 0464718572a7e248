/* Paying a service's fee on the card terminal, between the review and the submit. The money
 * is the backend's business (trace before the terminal, reversal of what is not submitted);
 * this screen says what to do, what happened, and never lets a request leave unpaid. */
#include <string.h>

#include "app_private.h"
#include "pishkhan/i18n.h"

/* The way is the kiosk's ([payment] terminal); what to do first is said before the backend's
 * first word, so the screen never stands empty. */
static pk_app_payment first_word(const pk_app *app) {
  const char *t = app->cfg->pay_terminal;
  pk_app_payment p = {.outcome = PK_APP_PAY_PROGRESS, .amount = app->service->fee_rials};
  if (!strcmp(t, "qr"))
    p.way = PK_APP_PAY_PHONE, p.msgid = N_("Preparing the payment code for your phone...");
  else if (!strcmp(t, "counter"))
    p.way = PK_APP_PAY_CASH, p.msgid = N_("Preparing the invoice for the cash payment...");
  else
    p.msgid = N_("Follow the card terminal: insert or swipe your bank card and type your PIN on the terminal, "
                 "never on this screen.");
  return p;
}

static void ask(pk_app *app) {
  app->pay = first_word(app);
  app->paying = true;
  app->message = NULL;
  app->dirty = true;
  app->ops->pay(app->be, app, app->gen, app->service->id, app->service->fee_rials);
}

/* Back from a failed submit, a payment already approved is not asked again. */
static pk_app_event pay_enter(pk_app *app) {
  if (app->paying && app->pay.outcome == PK_APP_PAY_APPROVED) return PK_EV_APP_PAID;
  ask(app);
  return PK_EV_APP_NONE;
}

static pk_app_event cancel(pk_app *app) {
  bool under_way = app->pay.outcome == PK_APP_PAY_PROGRESS;
  if (under_way) app->ops->pay_cancel(app->be, app, app->gen);
  pk_app_set_message(app, under_way ? N_("Payment cancelled. If your card was charged, the amount is given back "
                                         "to it; the request was not sent.")
                                    : N_("The request was not sent."));
  app->paying = false;
  return PK_EV_APP_PAY_CANCELLED;
}

/* Enter after a decline tries again (another card, a new code); Esc cancels (and reverses
 * what is under way). Cash: Enter is the clerk's word that the cash is in hand, taken once. */
static pk_app_event pay_key(pk_app *app, pk_key key) {
  if (key.code == PK_KEY_CANCEL || key.code == PK_KEY_BACK) return cancel(app);
  if (key.code != PK_KEY_ENTER) return PK_EV_APP_NONE;
  if (app->pay.outcome == PK_APP_PAY_DECLINED) ask(app);
  else if (app->pay.outcome == PK_APP_PAY_PROGRESS && app->pay.clerk_confirms && app->ops->pay_cash) {
    app->pay.clerk_confirms = false;
    app->pay.msgid = N_("Recording the cash payment with the national window...");
    app->dirty = true;
    app->ops->pay_cash(app->be, app, app->gen);
  }
  return PK_EV_APP_NONE;
}

const pk_screen_ops pk_screen_pay = {pay_enter, pay_key, NULL};

/* Cash is counted at the desk, in front of the screen: the usual idle time applies to it. */
bool pk_app_paying_at_terminal(const pk_app *app) {
  return app->screen == PK_SCREEN_PAY && app->paying && app->pay.outcome == PK_APP_PAY_PROGRESS &&
         app->pay.way != PK_APP_PAY_CASH;
}

void pk_app_pay_update(pk_app *app, unsigned gen, const pk_app_payment *p) {
  if (gen != app->gen || app->screen != PK_SCREEN_PAY || !app->paying) return;
  pk_app_input_begins(app);
  /* Back from the terminal: the idle time counts from the answer, as from a key. */
  if (p->outcome != PK_APP_PAY_PROGRESS && pk_app_paying_at_terminal(app)) app->last_activity = app->now;
  app->pay = *p;
  app->dirty = true;
  if (p->outcome == PK_APP_PAY_APPROVED) pk_app_dispatch(app, PK_EV_APP_PAID);
}

const pk_app_payment *pk_app_payment_shown(const pk_app *app) { return app->paying ? &app->pay : NULL; }
