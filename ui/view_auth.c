/* Views of the login flow: home, card reading and refusals, PIN, dashboard. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "input.h"
#include "pishkhan/backend.h"
#include "pishkhan/i18n.h"
#include "view.h"
#include "view_counter.h"

static const char spin[] = "|/-\\";

/* A card still in after a sign-out or a refusal: the one thing to do is take it out, so
 * "insert your card" waits until it is out (a card held at start is read when the hold ends). */
static bool card_to_take(const pk_app *app) { return pk_app_card_present(app) && !pk_app_hold(app); }

static void draw_home(const pk_app *app, const ui_status *st, int top, int rows) {
  if (pk_app_desk(app) != PK_DESK_OFF) {
    ui_desk_draw(app, st, top, rows);
    return;
  }
  attron(A_BOLD);
  ui_put_center(top + rows / 2 - 3, card_to_take(app) ? _("Please take your card.") : _("Welcome"));
  attroff(A_BOLD);
  if (!card_to_take(app)) {
    ui_put_center(top + rows / 2 - 1, _("Please insert your national smart ID card into the reader."));
    ui_put_center(top + rows / 2 + 1, _("Your card and PIN keep your requests safe."));
  }
  if (st->link) ui_put_center(top + rows / 2 + 3, _(st->link));
  /* In words, and in the language it offers: whoever cannot read this screen's can read it.
   * Deliberately not translated. */
  ui_put_center(top + rows - 4, ui_rtl() ? "For English, press F2. For help, press F1."
                                         : "برای فارسی، کلید F2 را بزنید.");
  if (pk_app_hold(app)) ui_put_center(top + rows / 2 + 5, _(pk_app_hold(app)));
  if (st->queued) {
    char n[24], *digits, *line;
    snprintf(n, sizeof n, "%zu", st->queued);
    digits = ui_digits(n);
    line = ui_fmt("%s %s", _("Requests waiting to be delivered:"), digits ? digits : n);
    if (line) ui_put_center(top + rows / 2 + 4, line);
    free(line);
    free(digits);
  }
  if (st->demo) {
    char *who = ui_fmt("%s %s", _("Demo card:"), st->demo_persona ? st->demo_persona : "");
    ui_put_center(top + rows - 2, _("Demo: F5 inserts or removes the card, F6 switches the demo card."));
    if (who) ui_put_center(top + rows - 1, who);
    free(who);
  }
}

static void draw_busy(const ui_status *st, int y, const char *msgid) {
  char *line = ui_fmt("%s  %c", _(msgid), spin[st->spinner % 4]);
  if (line) ui_put_center(y, line);
  free(line);
}

static void draw_card_read(const pk_app *app, const ui_status *st, int top, int rows) {
  draw_busy(st, top + rows / 2 - 1, N_("Reading your card, please wait."));
  ui_put_center(top + rows / 2 + 1, _("Do not remove the card."));
}

static const char *refusal_msgid(pk_card_result r) {
  switch (r) {
  case PK_CARDRES_EXPIRED: return N_("This card has expired. Please renew it at a civil registration office.");
  case PK_CARDRES_REVOKED: return N_("This card's certificate has been revoked. Please contact the civil registration office.");
  case PK_CARDRES_TAMPERED:
    return N_("The data on this card failed the issuer's signature check, so the card cannot be used. Please take it "
              "to a civil registration office (Sabt-e Ahval) to have it checked or replaced.");
  case PK_CARDRES_UNKNOWN_CARD: return N_("This is not a national smart ID card, or it cannot be read.");
  case PK_CARDRES_AUTH_REFUSED: return N_("The national window did not accept this card's signature.");
  case PK_CARDRES_NET: return pk_net_error_msgid(PK_NET_OFFLINE);
  case PK_CARDRES_WINDOW_DOWN: return pk_net_error_msgid(PK_NET_SERVER);
  case PK_CARDRES_WINDOW_TLS: return pk_net_error_msgid(PK_NET_TLS);
  case PK_CARDRES_WINDOW_ANSWER: return pk_net_error_msgid(PK_NET_PROTOCOL);
  case PK_CARDRES_NOT_CLERK:
    return N_("This card is not a counter clerk's card, or the national window's register of clerks does not list its holder.");
  case PK_CARDRES_OTHER_CLERK: return N_("This counter's shift belongs to another clerk: only their card unlocks it.");
  case PK_CARDRES_CRL_STALE:
    return N_("Without a connection this kiosk cannot check cards: its revocation list is too old. Please ask the clerk.");
  default: return N_("The card could not be read. Please take it out and insert it again.");
  }
}

static void draw_card_error(const pk_app *app, const ui_status *st, int top, int rows) {
  attron(A_BOLD);
  ui_paragraph(top + rows / 2 - 2, 4, 3, _(refusal_msgid(pk_app_card_result(app))));
  attroff(A_BOLD);
  ui_put_center(top + rows / 2 + 2, _("Please take your card."));
}

static void draw_tries(const pk_app *app, int y) {
  int tries = pk_app_pin_tries(app);
  if (tries < 0) return;
  /* Said before it happens: after a block the citizen needs an office and the PUK letter. */
  if (tries == 1) {
    ui_bar(y, UI_PAIR_ALERT, true);
    ui_put_center(y, _("Last try: one more wrong PIN blocks your card."));
    ui_bar(y, UI_PAIR_ALERT, false);
    return;
  }
  char n[16];
  snprintf(n, sizeof n, "%d", tries);
  char *digits = ui_digits(n);
  char *line = ui_subst(_("Tries left before the PIN is blocked: %s"), digits ? digits : n, (char *)NULL);
  if (line) ui_put_center(y, line);
  free(line);
  free(digits);
}

static void draw_pin(const pk_app *app, const ui_status *st, int top, int rows) {
  int mid = top + rows / 2;
  ui_put_center(mid - 3, pk_app_desk(app) != PK_DESK_OFF && !ui_desk_clerk_signing(app)
                             ? _("Citizen: type your card PIN on the keypad in front of you, then press Enter.")
                             : _("Enter your card PIN, then press Enter."));
  draw_tries(app, mid - 1);
  char stars[32] = "";
  size_t n = pk_app_pin_length(app);
  for (size_t i = 0; i < n && i < 12; i++) strcat(stars, "* ");
  attron(A_BOLD);
  mvhline(mid + 1, COLS / 2 - 12, '_', 24);
  mvaddstr(mid + 1, COLS / 2 - (int)strlen(stars) / 2, stars);
  attroff(A_BOLD);
  ui_put_center(mid + 3, _("Nobody at this office will ever ask for your PIN."));
}

static void draw_pin_blocked(const pk_app *app, const ui_status *st, int top, int rows) {
  attron(A_BOLD);
  ui_put_center(top + rows / 2 - 2, _("Your card PIN is blocked."));
  attroff(A_BOLD);
  ui_paragraph(top + rows / 2, 4, 3,
               _("To unblock it, take your card and your PUK letter to a civil registration office "
                 "(Sabt-e Ahval) or a police +10 office."));
}

static void draw_auth(const pk_app *app, const ui_status *st, int top, int rows) {
  if (pk_app_pinpad(app)) {
    attron(A_BOLD);
    ui_put_center(top + rows / 2 - 2, _("Type your PIN on the card reader's keypad, then press its OK key."));
    attroff(A_BOLD);
    draw_tries(app, top + rows / 2);
  }
  draw_busy(st, top + rows / 2 + 2, N_("Checking your PIN and signing in to the national window."));
}

/* The citizen's latest request here: what became of it, so nobody sends it twice. */
static void draw_recent(const pk_app *app, int y) {
  const pk_app_recent *r = pk_app_recent_shown(app);
  if (!r) return;
  char *code = ui_code_text(r->tracking[0] ? r->tracking : r->ref);
  char *line = ui_fmt("%s %s  %s", _("Your last request here:"), code ? code : "", _(r->state_msgid));
  if (line) ui_paragraph(y, 2, 2, line);
  free(line);
  free(code);
}

/* A counter's quick pick: its key, then the service's title. */
static void draw_quick(const pk_service *svc, int key, int y) {
  char k[4];
  snprintf(k, sizeof k, "%d", key);
  char *digit = ui_digits(k);
  const char *title = ui_rtl() || !svc->title_en[0] ? svc->title_fa : svc->title_en;
  char *line = ui_fmt("%s  %s", digit ? digit : k, title);
  if (line) ui_put_start(y, 4, line);
  ui_hit_add(y, (pk_key){PK_KEY_CHAR, (uint32_t)('0' + key)});
  free(line);
  free(digit);
}

static void draw_dashboard(const pk_app *app, const ui_status *st, int top, int rows) {
  const pk_citizen *who = pk_app_citizen(app);
  if (!who) return;
  const char *name = ui_rtl() ? who->name_fa : who->name_en;
  char *hello = ui_subst(_("Hello, %s"), name, (char *)NULL);
  attron(A_BOLD);
  if (hello) ui_put_start(top, 2, hello);
  attroff(A_BOLD);
  free(hello);
  if (st->link) ui_put_start(top + rows - 1, 2, _(st->link));
  draw_recent(app, top + rows - 3);
  static const char *items[] = {
      N_("1  Find a service"), N_("2  Services by agency"), N_("3  Follow a request (tracking code)"),
      N_("4  My inbox"), N_("5  My documents (report card)"), N_("6  Act for a company"), N_("0  Sign out"),
  };
  static const char keys[] = "1234560";
  ui_desk_acting_for(app, top + 1);
  const pk_service *quick[PK_QUICK_MAX];
  int nq = (int)pk_app_quick_services(app, quick, PK_QUICK_MAX);
  int n = (int)(sizeof items / sizeof *items), lines = n + (nq ? nq + 1 : 0);
  int step = rows >= 2 * lines + 6 ? 2 : 1; /* room for recent and link */
  for (int i = 0; i < n; i++) {
    ui_put_start(top + 2 + step * i, 4, _(items[i]));
    ui_hit_add(top + 2 + step * i, (pk_key){PK_KEY_CHAR, (uint32_t)keys[i]});
  }
  for (int i = 0; i < nq; i++) draw_quick(quick[i], 7 + i, top + 2 + step * (n + 1 + i));
}

static const char *home_hints(const pk_app *app) {
  if (pk_app_desk(app) != PK_DESK_OFF) return ui_desk_hints(app);
  return card_to_take(app) ? N_("Take your card")
                           : N_("Insert your card   No card? 1: code by text   2: date of birth (level 1)");
}

/* ---- sign-in without a card ---- */

static void otp_line(int y, const char *label, const char *ascii, bool current) {
  char *digits = ui_digits(ascii);
  char *line = ui_fmt("%s %s%s", label, digits ? digits : ascii, current ? "_" : "");
  if (current) attron(A_BOLD);
  if (line) ui_put_start(y, 4, line);
  if (current) attroff(A_BOLD);
  free(line);
  free(digits);
}

/* A sign-in without a card: its title and why, the national code, then its second field. */
typedef struct {
  const char *title, *why, *second_label, *busy;
} two_fields;

static void draw_two_fields(const pk_app *app, const ui_status *st, int top, const two_fields *t, const char *second) {
  attron(A_BOLD);
  ui_put_start(top, 2, _(t->title));
  attroff(A_BOLD);
  int y = top + 2;
  y += ui_paragraph(y, 3, 3, _(t->why));
  y++;
  bool busy = pk_app_otp_busy(app);
  otp_line(y, _("National code:"), pk_app_otp_national_code(app), !busy && pk_app_otp_field(app) == 0);
  otp_line(y + 2, _(t->second_label), second, !busy && pk_app_otp_field(app) == 1);
  if (busy) draw_busy(st, y + 4, t->busy);
}

static void draw_otp_id(const pk_app *app, const ui_status *st, int top, int rows) {
  static const two_fields t = {
      N_("Sign in without a card"),
      N_("For services that do not need your card. The national window sends a code by text message to the mobile "
         "registered for your national code."),
      N_("Mobile number:"), N_("Asking the national window to send the code.")};
  draw_two_fields(app, st, top, &t, pk_app_otp_mobile(app));
}

static void draw_level1(const pk_app *app, const ui_status *st, int top, int rows) {
  static const two_fields t = {
      N_("Sign in with your national code and date of birth"),
      N_("Only for level 1 services, such as general inquiries. The national window checks your date of birth "
         "against the civil register. For other services, use your card or a code by text message."),
      N_("Date of birth (year/month/day):"), N_("Asking the national window to check it.")};
  char birth[16];
  pk_app_level1_birth(app, birth, sizeof birth);
  draw_two_fields(app, st, top, &t, birth);
}

static void draw_otp_code(const pk_app *app, const ui_status *st, int top, int rows) {
  int mid = top + rows / 2;
  char *masked = ui_digits(pk_app_otp_mobile_masked(app));
  char *sent = ui_subst(_("A code was sent by text message to %s. Type it, then press Enter."), masked ? masked : "",
                        (char *)NULL);
  if (sent) ui_paragraph(mid - 4, 3, 2, sent);
  free(sent);
  free(masked);
  char stars[32] = "";
  for (size_t i = 0, n = pk_app_pin_length(app); i < n && i < 12; i++) strcat(stars, "* ");
  attron(A_BOLD);
  mvhline(mid, COLS / 2 - 12, '_', 24);
  mvaddstr(mid, COLS / 2 - (int)strlen(stars) / 2, stars);
  attroff(A_BOLD);
  if (pk_app_otp_busy(app)) draw_busy(st, mid + 2, N_("Checking the code."));
  ui_put_center(mid + 4, _("Nobody at this office will ever ask for this code."));
}

const ui_view ui_view_home = {.draw = draw_home, .hints_now = home_hints, .says_card_out = true};
const ui_view ui_view_otp_id = {.draw = draw_otp_id,
                                .hints = N_("Digits: type   Enter: next   Backspace: erase/back   Esc: cancel")};
const ui_view ui_view_otp_code = {.draw = draw_otp_code,
                                  .hints = N_("Digits: code   Enter: confirm   Backspace: erase/back   Esc: cancel")};
const ui_view ui_view_level1 = {.draw = draw_level1,
                                .hints = N_("Digits: type   Enter: next   Backspace: erase/back   Esc: cancel")};
const ui_view ui_view_card_read = {.draw = draw_card_read, .hints = N_("Please wait")};
const ui_view ui_view_card_error = {.draw = draw_card_error, .hints = N_("Take your card")};
const ui_view ui_view_pin = {.draw = draw_pin, .hints = N_("Digits: PIN   Enter: confirm   Backspace: erase   Esc: cancel")};
const ui_view ui_view_pin_blocked = {.draw = draw_pin_blocked, .hints = N_("Take your card")};
const ui_view ui_view_auth = {.draw = draw_auth, .hints = N_("Please wait   Esc: cancel")};
const ui_view ui_view_dashboard = {.draw = draw_dashboard, .hints = N_("Digits: choose   0: sign out")};
