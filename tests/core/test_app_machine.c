/* The transition table walked two ways. On paper: every screen is reachable from home, every
 * screen under the session leads home on card removal and on the idle timeout, and home can be
 * reached from everywhere. For real: every row of the table is driven by the input a citizen
 * (or the card, the window, the clock) would give, on a fresh app with a real catalog store,
 * and must land where the table says; every screen leaves by a key of its own; card removal
 * and the idle timeout from each of the 18 session screens wipe the session. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "app_fixture.h"
#include "pishkhan/app.h"
#include "pishkhan/catalog.h"
#include "pishkhan/i18n.h"

/* ---- the table on paper */

static size_t reachable_from(int start, bool seen[PK_SCREEN_COUNT]) {
  int queue[PK_SCREEN_COUNT], head = 0, tail = 0;
  size_t n = 0;
  memset(seen, 0, PK_SCREEN_COUNT * sizeof *seen);
  seen[start] = true, queue[tail++] = start, n++;
  while (head < tail) {
    int s = queue[head++];
    for (int ev = 0; ev < PK_EV_APP_COUNT; ev++) {
      int to = pk_app_next_screen((pk_screen_id)s, (pk_app_event)ev);
      if (to >= 0 && !seen[to]) seen[to] = true, queue[tail++] = to, n++;
    }
  }
  return n;
}

static void test_every_screen_is_reachable_from_home(void **state) {
  bool seen[PK_SCREEN_COUNT];
  assert_int_equal(reachable_from(PK_SCREEN_HOME, seen), PK_SCREEN_COUNT);
}

static void test_home_is_reachable_from_every_screen(void **state) {
  bool seen[PK_SCREEN_COUNT];
  for (int s = 0; s < PK_SCREEN_COUNT; s++) {
    reachable_from(s, seen);
    if (!seen[PK_SCREEN_HOME]) fail_msg("%s cannot lead home", pk_screen_name((pk_screen_id)s));
  }
}

static void test_session_exits_lead_home_from_every_session_screen(void **state) {
  const pk_app_event exits[] = {PK_EV_APP_CARD_REMOVED, PK_EV_APP_IDLE_TIMEOUT, PK_EV_APP_LOGOUT};
  for (int s = 0; s < PK_SCREEN_COUNT; s++) {
    assert_int_equal(pk_screen_in_session((pk_screen_id)s), s != PK_SCREEN_HOME);
    for (size_t i = 0; s != PK_SCREEN_HOME && i < sizeof exits / sizeof *exits; i++)
      assert_int_equal(pk_app_next_screen((pk_screen_id)s, exits[i]), PK_SCREEN_HOME);
  }
  /* Nobody is at home: the clock does nothing there. */
  assert_int_equal(pk_app_next_screen(PK_SCREEN_HOME, PK_EV_APP_IDLE_TIMEOUT), -1);
}

static void test_no_row_twice_and_names_unique(void **state) {
  size_t n;
  const pk_transition *t = pk_app_transitions(&n);
  for (size_t i = 0; i < n; i++)
    for (size_t j = i + 1; j < n; j++)
      assert_false(t[i].from == t[j].from && t[i].ev == t[j].ev);
  for (int a = 0; a < PK_SCREEN_COUNT; a++)
    for (int b = a + 1; b < PK_SCREEN_COUNT; b++)
      assert_string_not_equal(pk_screen_name((pk_screen_id)a), pk_screen_name((pk_screen_id)b));
  assert_string_equal(pk_app_event_name(PK_EV_APP_CARD_REMOVED), "card-removed");
}

/* ---- the table for real */

static const pk_citizen zahra = {.name_fa = "زهرا محمدی", .national_code = "0071234561"};

/* The path being driven goes through the payment: the service opened must charge a fee. */
static bool fee_path, want_fee; /* want_fee: the next drive ends on a fee service's review */

/* The inbox's proactive notice opened by its digit; the Enter that follows goes to its service. */
static void open_notice(fixture *f) {
  pk_app_inbox_item notice = {.kind = "proactive", .title_fa = "نام‌نویسی پایه اول ابتدایی"};
  pk_app_inbox_done(f->app, f->fb.last_gen, NULL, &notice, 1);
  fx_type(f, "1");
}

/* When the clock ends a session on `s`: at the card terminal the sale's own bound (app.c),
 * elsewhere the idle limit. */
static uint64_t idle_limit_ms(const fixture *f, pk_screen_id s) {
  uint64_t limit = (uint64_t)f->cfg.idle_timeout_s * 1000, sale = (uint64_t)f->cfg.pay_sale_timeout_ms + 15000;
  return s == PK_SCREEN_PAY && sale > limit ? sale : limit;
}

/* What a citizen, the card, the window or the clock does to cause ev on screen `from`. */
static void cause(fixture *f, pk_screen_id from, pk_app_event ev) {
  pk_app *a = f->app;
  unsigned g = f->fb.last_gen;
  static const pk_app_failure refused = {.msgid = "The national window did not accept this request."};
  switch (ev) {
  case PK_EV_APP_CARD_INSERTED: pk_app_card_inserted(a, "R", f->now); break;
  case PK_EV_APP_CARD_REMOVED: pk_app_card_removed(a, "R", f->now); break;
  case PK_EV_APP_IDLE_TIMEOUT: pk_app_tick(a, f->now + idle_limit_ms(f, from)); break;
  case PK_EV_APP_CANCEL: fx_key(f, PK_KEY_CANCEL, 0); break;
  case PK_EV_APP_LOGOUT: fx_type(f, "0"); break;
  case PK_EV_APP_TAKE_CARD:
  case PK_EV_APP_SEND:
  case PK_EV_APP_PAY:
  case PK_EV_APP_REQUEST:
  case PK_EV_APP_FORM_DONE:
  case PK_EV_APP_DONE: fx_key(f, PK_KEY_ENTER, 0); break;
  case PK_EV_APP_CARD_VERIFIED: pk_app_card_open_done(a, g, PK_CARDRES_OK, &zahra, 3); break;
  case PK_EV_APP_CARD_REFUSED:
    if (from == PK_SCREEN_CARD_READ) pk_app_card_open_done(a, g, PK_CARDRES_EXPIRED, NULL, -1);
    else pk_app_card_login_done(a, g, PK_CARDRES_AUTH_REFUSED, 3);
    break;
  case PK_EV_APP_PIN_BLOCKED:
    if (from == PK_SCREEN_CARD_READ) pk_app_card_open_done(a, g, PK_CARDRES_OK, &zahra, 0);
    else pk_app_card_login_done(a, g, PK_CARDRES_PIN_BLOCKED, 0);
    break;
  case PK_EV_APP_PIN_ENTERED:
    fx_type(f, "1234");
    fx_key(f, PK_KEY_ENTER, 0);
    break;
  case PK_EV_APP_PIN_WRONG: pk_app_card_login_done(a, g, PK_CARDRES_PIN_WRONG, 2); break;
  case PK_EV_APP_LOGGED_IN:
    if (from == PK_SCREEN_OTP_CODE) {
      fx_type(f, "123456");
      fx_key(f, PK_KEY_ENTER, 0);
      pk_app_otp_done(a, f->fb.last_gen, NULL, 2, "", "");
    } else if (from == PK_SCREEN_LEVEL1) {
      fx_type(f, "0071234561");
      fx_key(f, PK_KEY_ENTER, 0);
      fx_type(f, "13700512");
      fx_key(f, PK_KEY_ENTER, 0);
      pk_app_level1_done(a, f->fb.last_gen, NULL, 1);
    } else {
      pk_app_card_login_done(a, g, PK_CARDRES_OK, 3);
    }
    break;
  case PK_EV_APP_MENU_OTP: fx_type(f, "1"); break;
  case PK_EV_APP_MENU_LEVEL1: fx_type(f, "2"); break;
  case PK_EV_APP_OTP_SENT:
    fx_type(f, "0071234561");
    fx_key(f, PK_KEY_ENTER, 0);
    fx_type(f, "09121234567");
    fx_key(f, PK_KEY_ENTER, 0);
    pk_app_otp_sent(a, f->fb.last_gen, NULL, "0912***4567");
    break;
  case PK_EV_APP_MENU_SEARCH: fx_type(f, "1"); break;
  case PK_EV_APP_MENU_AGENCIES: fx_type(f, "2"); break;
  case PK_EV_APP_MENU_STATUS: fx_type(f, "3"); break;
  case PK_EV_APP_MENU_INBOX: fx_type(f, "4"); break;
  case PK_EV_APP_MENU_DOCUMENT: fx_type(f, "5"); break;
  case PK_EV_APP_MENU_ENTITY: fx_type(f, "6"); break;
  case PK_EV_APP_OPEN:
    if (from == PK_SCREEN_ENTITY) {
      pk_app_entity firm = {.legal_id = "10380284790", .name = "شرکت نمونه"};
      pk_app_entities_done(a, f->fb.last_gen, NULL, &firm, 1);
      fx_type(f, "1");
      fx_key(f, PK_KEY_ENTER, 0);
      break;
    }
    if (from == PK_SCREEN_INBOX) open_notice(f);
    else if (from == PK_SCREEN_SEARCH && fee_path) fx_type(f, "پرونده"); /* the tax file inquiry: a fee */
    else if (from == PK_SCREEN_SEARCH) fx_key(f, PK_KEY_CHAR, 0x06A9); /* ک: the report card's title */
    fx_key(f, PK_KEY_ENTER, 0);
    break;
  case PK_EV_APP_BACK:
  case PK_EV_APP_BACK_TO_SEARCH:
  case PK_EV_APP_BACK_TO_INBOX: fx_key(f, PK_KEY_BACK, 0); break;
  case PK_EV_APP_SUBMITTED: {
    pk_app_submit_result r = {.outcome = PK_SUBMIT_REGISTERED, .tracking = "T-0001", .jws = "e30.e30.sig"};
    if (from == PK_SCREEN_REVIEW) { /* a request in doubt, found registered while the citizen reviews */
      fx_key(f, PK_KEY_ENTER, 0);
      pk_app_submit_done(a, g, &(pk_app_submit_result){.outcome = PK_SUBMIT_IN_DOUBT, .ref = "Q1"});
      snprintf(r.ref, sizeof r.ref, "Q1");
    }
    pk_app_submit_done(a, g, &r);
    break;
  }
  case PK_EV_APP_SUBMIT_FAILED:
    pk_app_submit_done(a, g, &(pk_app_submit_result){.outcome = PK_SUBMIT_REFUSED, .fail = refused});
    break;
  case PK_EV_APP_STOP_WAITING:
  case PK_EV_APP_PAY_CANCELLED: fx_key(f, PK_KEY_CANCEL, 0); break;
  case PK_EV_APP_PAID:
    pk_app_pay_update(a, g, &(pk_app_payment){.outcome = PK_APP_PAY_APPROVED, .amount = 50000, .rrn = "123456789012"});
    break;
  case PK_EV_APP_PINPAD: /* a property of the reader, told while the card is read */
  default: fail_msg("no cause for %s on %s", pk_app_event_name(ev), pk_screen_name(from));
  }
}

/* A path of rows from home to `to`, by breadth-first search; `via`, when >= 0, must be the
 * screen just before it (Back from a service card depends on where the card was opened). */
typedef struct {
  pk_screen_id from;
  pk_app_event ev;
} step;

static size_t path_to(pk_screen_id to, int via, step *out) {
  int prev[PK_SCREEN_COUNT + 1];
  pk_app_event prev_ev[PK_SCREEN_COUNT + 1];
  bool seen[PK_SCREEN_COUNT] = {0};
  int queue[PK_SCREEN_COUNT], head = 0, tail = 0;
  pk_screen_id target = via >= 0 ? (pk_screen_id)via : to;
  seen[PK_SCREEN_HOME] = true, queue[tail++] = PK_SCREEN_HOME, prev[PK_SCREEN_HOME] = -1;
  /* The card's way in, level 3, unless the way without a card is where the path goes: a
   * level-2 session could not request every service on the way. */
  bool otp = target == PK_SCREEN_OTP_ID || target == PK_SCREEN_OTP_CODE, level1 = target == PK_SCREEN_LEVEL1;
  while (head < tail && !seen[target]) {
    int s = queue[head++];
    for (int ev = 1; ev < PK_EV_APP_COUNT; ev++) {
      bool skip = ev == PK_EV_APP_PINPAD || (ev == PK_EV_APP_MENU_OTP && !otp) || (ev == PK_EV_APP_MENU_LEVEL1 && !level1) ||
                  (s == PK_SCREEN_DASHBOARD && ev == PK_EV_APP_OPEN); /* only after the way up */
      int n = skip ? -1 : pk_app_next_screen((pk_screen_id)s, (pk_app_event)ev);
      if (n < 0 || seen[n]) continue;
      seen[n] = true, prev[n] = s, prev_ev[n] = (pk_app_event)ev, queue[tail++] = n;
    }
  }
  assert_true(seen[target]);
  size_t len = 0;
  step rev[PK_SCREEN_COUNT + 1];
  for (int s = (int)target; prev[s] >= 0; s = prev[s]) rev[len++] = (step){(pk_screen_id)prev[s], prev_ev[s]};
  for (size_t i = 0; i < len; i++) out[i] = rev[len - 1 - i];
  if (via >= 0) {
    bool found = false;
    for (int ev = 1; ev < PK_EV_APP_COUNT && !found; ev++)
      if (pk_app_next_screen((pk_screen_id)via, (pk_app_event)ev) == (int)to)
        out[len++] = (step){(pk_screen_id)via, (pk_app_event)ev}, found = true;
    assert_true(found);
  }
  return len;
}

/* Drive a fresh app along the path, checking every step lands where the table says. */
static void drive(fixture *f, const step *p, size_t n) {
  fx_fresh(f);
  fee_path = want_fee;
  for (size_t i = 0; i < n; i++) fee_path = fee_path || p[i].ev == PK_EV_APP_PAY;
  for (size_t i = 0; i < n; i++) {
    cause(f, p[i].from, p[i].ev);
    int want = pk_app_next_screen(p[i].from, p[i].ev);
    if ((int)pk_app_screen(f->app) != want)
      fail_msg("%s on %s: at %s, the table says %s", pk_app_event_name(p[i].ev), pk_screen_name(p[i].from),
               pk_screen_name(pk_app_screen(f->app)), pk_screen_name((pk_screen_id)want));
  }
}

static void drive_to(fixture *f, pk_screen_id s, int via) {
  step p[2 * PK_SCREEN_COUNT];
  size_t n = path_to(s, via, p);
  drive(f, p, n);
  assert_int_equal(pk_app_screen(f->app), s);
}

static int via_for(const pk_transition *t) {
  if (t->from != PK_SCREEN_SERVICE) return -1;
  switch (t->ev) {
  case PK_EV_APP_BACK: return PK_SCREEN_SERVICES;
  case PK_EV_APP_BACK_TO_SEARCH: return PK_SCREEN_SEARCH;
  case PK_EV_APP_BACK_TO_INBOX: return PK_SCREEN_INBOX;
  default: return -1;
  }
}

static void test_every_row_is_driven_by_its_input(void **state) {
  fixture *f = *state;
  size_t n, driven = 0;
  const pk_transition *t = pk_app_transitions(&n);
  for (size_t i = 0; i < n; i++) {
    if (t[i].from == PK_STATE_SESSION || t[i].ev == PK_EV_APP_PINPAD) continue; /* below */
    if (t[i].ev == PK_EV_APP_CLERK_CONFIRMED) continue; /* counter mode's: core_app_counter drives it */
    if (t[i].from == PK_SCREEN_DASHBOARD && t[i].ev == PK_EV_APP_OPEN) continue; /* test_way_up drives it */
    want_fee = t[i].ev == PK_EV_APP_PAY;
    drive_to(f, (pk_screen_id)t[i].from, via_for(&t[i]));
    want_fee = false;
    step s = {(pk_screen_id)t[i].from, t[i].ev};
    cause(f, s.from, s.ev);
    if (pk_app_screen(f->app) != t[i].to)
      fail_msg("%s on %s went to %s, not %s", pk_app_event_name(t[i].ev), pk_screen_name(s.from),
               pk_screen_name(pk_app_screen(f->app)), pk_screen_name(t[i].to));
    driven++;
  }
  assert_true(driven >= 30);
}

/* A PIN pad reader is known while the card is read; the PIN screen then hands over at once. */
static void test_pinpad_row(void **state) {
  fixture *f = *state;
  drive_to(f, PK_SCREEN_CARD_READ, -1);
  pk_app_card_pinpad(f->app, f->fb.last_gen);
  cause(f, PK_SCREEN_CARD_READ, PK_EV_APP_CARD_VERIFIED);
  assert_int_equal(pk_app_screen(f->app), pk_app_next_screen(PK_SCREEN_PIN, PK_EV_APP_PINPAD));
  assert_int_equal(f->fb.logins, 1);
}

static void assert_wiped(fixture *f, int closes_before, const char *what, pk_screen_id s) {
  if (pk_app_screen(f->app) != PK_SCREEN_HOME) fail_msg("%s on %s did not lead home", what, pk_screen_name(s));
  assert_null(pk_app_citizen(f->app));
  assert_false(pk_app_has_session(f->app));
  assert_int_equal(pk_app_pin_length(f->app), 0);
  assert_null(pk_app_last_receipt(f->app));
  assert_int_equal(pk_app_form(f->app, NULL), 0);
  if (f->fb.closes <= closes_before) fail_msg("%s on %s did not close the card", what, pk_screen_name(s));
}

static void test_removal_and_timeout_wipe_from_all_session_screens(void **state) {
  fixture *f = *state;
  int screens = 0;
  for (int s = 0; s < PK_SCREEN_COUNT; s++) {
    if (!pk_screen_in_session((pk_screen_id)s)) continue;
    drive_to(f, (pk_screen_id)s, -1);
    fx_type(f, "77"); /* something typed (a PIN, a query, a form value) must go too */
    int closes = f->fb.closes;
    cause(f, (pk_screen_id)s, PK_EV_APP_CARD_REMOVED);
    assert_wiped(f, closes, "card removal", (pk_screen_id)s);

    drive_to(f, (pk_screen_id)s, -1);
    closes = f->fb.closes;
    pk_app_tick(f->app, f->now + idle_limit_ms(f, (pk_screen_id)s) - (uint64_t)f->cfg.idle_warning_s * 1000);
    assert_int_equal(pk_app_idle_countdown(f->app), f->cfg.idle_warning_s);
    assert_int_equal(pk_app_screen(f->app), s);
    cause(f, (pk_screen_id)s, PK_EV_APP_IDLE_TIMEOUT);
    assert_wiped(f, closes, "idle timeout", (pk_screen_id)s);
    screens++;
  }
  assert_int_equal(screens, PK_SCREEN_COUNT - 1);
}

/* Every screen offers a key of its own that leaves it: nobody is stuck until the timeout. */
static void test_every_screen_leaves_by_a_key(void **state) {
  fixture *f = *state;
  const pk_key keys[] = {{PK_KEY_ENTER, 0}, {PK_KEY_BACK, 0}, {PK_KEY_CANCEL, 0}, {PK_KEY_CHAR, '0'},
                         {PK_KEY_CHAR, '1'}, {PK_KEY_PGDN, 0}, {PK_KEY_PRINT, 0}};
  for (int s = 0; s < PK_SCREEN_COUNT; s++) {
    if (s == PK_SCREEN_HOME) continue; /* home waits for a card, by design */
    bool left = false;
    for (size_t k = 0; k < sizeof keys / sizeof *keys && !left; k++) {
      drive_to(f, (pk_screen_id)s, -1);
      f->now += 100;
      pk_app_key(f->app, keys[k], f->now);
      left = (int)pk_app_screen(f->app) != s;
    }
    if (!left) fail_msg("no key leaves %s", pk_screen_name((pk_screen_id)s));
  }
}

/* Help opens on every screen and leaves the citizen where they were: the key that closes it
 * does nothing else, and a card pulled meanwhile still wipes and closes it. */
static void test_help_on_every_screen(void **state) {
  fixture *f = *state;
  for (int s = 0; s < PK_SCREEN_COUNT; s++) {
    drive_to(f, (pk_screen_id)s, -1);
    f->now += 100;
    pk_app_key(f->app, (pk_key){PK_KEY_HELP, 0}, f->now);
    if (!pk_app_help_open(f->app)) fail_msg("no help on %s", pk_screen_name((pk_screen_id)s));
    assert_int_equal(pk_app_screen(f->app), s);
    f->now += 100;
    pk_app_key(f->app, (pk_key){PK_KEY_ENTER, 0}, f->now); /* closes the help, nothing more */
    assert_false(pk_app_help_open(f->app));
    assert_int_equal(pk_app_screen(f->app), s);
    if (!pk_screen_in_session((pk_screen_id)s)) continue;
    pk_app_key(f->app, (pk_key){PK_KEY_HELP, 0}, f->now);
    int closes = f->fb.closes;
    cause(f, (pk_screen_id)s, PK_EV_APP_CARD_REMOVED);
    assert_wiped(f, closes, "card removal under help", (pk_screen_id)s);
    assert_false(pk_app_help_open(f->app));
  }
}

/* Without a card: the code is checked before anything is asked of the window, the one-time
 * code goes to the backend and is gone from the app at once, and the session is level 2. */
static void test_otp_sign_in(void **state) {
  fixture *f = *state;
  fx_fresh(f);
  fx_type(f, "1");
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_OTP_ID);
  fx_type(f, "0071234560"); /* wrong check digit */
  fx_key(f, PK_KEY_ENTER, 0);
  assert_non_null(pk_app_message(f->app));
  assert_int_equal(pk_app_otp_field(f->app), 0);
  fx_key(f, PK_KEY_BACK, 0);
  fx_type(f, "1");
  fx_key(f, PK_KEY_ENTER, 0);
  assert_int_equal(pk_app_otp_field(f->app), 1);
  fx_type(f, "0912123456"); /* one digit short */
  fx_key(f, PK_KEY_ENTER, 0);
  assert_int_equal(f->fb.otp_requests, 0);
  fx_type(f, "7");
  fx_key(f, PK_KEY_ENTER, 0);
  assert_int_equal(f->fb.otp_requests, 1);
  assert_string_equal(f->fb.last_otp_target, "0071234561 09121234567");
  pk_app_otp_sent(f->app, f->fb.last_gen, NULL, "0912***4567");
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_OTP_CODE);
  fx_type(f, "482910");
  assert_int_equal(pk_app_pin_length(f->app), 6);
  fx_key(f, PK_KEY_ENTER, 0);
  assert_int_equal(f->fb.otp_verifies, 1);
  assert_string_equal(f->fb.last_pin, "482910");
  assert_int_equal(pk_app_pin_length(f->app), 0); /* not kept once sent */
  pk_app_failure wrong = {.msgid = "The national window did not accept this request."};
  pk_app_otp_done(f->app, f->fb.last_gen, &wrong, 0, NULL, NULL);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_OTP_CODE);
  fx_type(f, "482911");
  fx_key(f, PK_KEY_ENTER, 0);
  pk_app_otp_done(f->app, f->fb.last_gen, NULL, 2, "", "");
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_DASHBOARD);
  assert_int_equal(pk_app_session_level(f->app), 2);
  assert_string_equal(pk_app_citizen(f->app)->national_code, "0071234561");
  /* Sign-out wipes what was typed. */
  fx_type(f, "0");
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_HOME);
  assert_string_equal(pk_app_otp_national_code(f->app), "");
  assert_string_equal(pk_app_otp_mobile(f->app), "");
}

/* Level 1: the national code and a real date of birth (not after today) before the window is
 * asked; the window gets yyyy-mm-dd; the session is level 1 and what was typed goes with it. */
static void test_level1_sign_in(void **state) {
  fixture *f = *state;
  fx_fresh(f);
  fx_type(f, "2");
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_LEVEL1);
  fx_type(f, "0071234561");
  fx_key(f, PK_KEY_ENTER, 0);
  assert_int_equal(pk_app_otp_field(f->app), 1);
  const char *bad[] = {"1370051", "13701312", "13701231", "14990101"}; /* short, month 13, 31 Esfand, to come */
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    fx_type(f, bad[i]);
    fx_key(f, PK_KEY_ENTER, 0);
    if (!pk_app_message(f->app)) fail_msg("%s: no message", bad[i]);
    assert_int_equal(f->fb.level1_asks, 0);
    for (size_t k = 0; k < strlen(bad[i]); k++) fx_key(f, PK_KEY_BACK, 0);
  }
  fx_type(f, "۱۳۷۰۰۵۱۲"); /* Persian digits, as a Persian keyboard types them */
  char shown[16];
  pk_app_level1_birth(f->app, shown, sizeof shown);
  assert_string_equal(shown, "1370/05/12");
  fx_key(f, PK_KEY_ENTER, 0);
  assert_int_equal(f->fb.level1_asks, 1);
  assert_string_equal(f->fb.last_otp_target, "0071234561 1370-05-12");
  pk_app_failure miss = {.msgid = "The national window did not accept this request."};
  pk_app_level1_done(f->app, f->fb.last_gen, &miss, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_LEVEL1);
  assert_non_null(pk_app_message(f->app));
  fx_key(f, PK_KEY_ENTER, 0);
  pk_app_level1_done(f->app, f->fb.last_gen, NULL, 1);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_DASHBOARD);
  assert_int_equal(pk_app_session_level(f->app), 1);
  pk_app_level1_birth(f->app, shown, sizeof shown);
  assert_string_equal(shown, ""); /* not kept once the window answered */
  fx_type(f, "0");
  assert_string_equal(pk_app_otp_national_code(f->app), "");
}

static void level1_session(fixture *f) {
  fx_fresh(f);
  fx_type(f, "2");
  fx_type(f, "0071234561");
  fx_key(f, PK_KEY_ENTER, 0);
  fx_type(f, "13700512");
  fx_key(f, PK_KEY_ENTER, 0);
  pk_app_level1_done(f->app, f->fb.last_gen, NULL, 1);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_DASHBOARD);
}

/* First-grade enrolment (level 2) from a level 1 session: explained, not entered; Enter again
 * signs out, and after a sign-in by one-time code the service is on screen, one Enter from its
 * form. Anything else between the two Enters, or a sign-in after the idle time, asks nothing. */
static void open_enrolment(fixture *f) {
  fx_type(f, "2"); /* agencies */
  fx_key(f, PK_KEY_ENTER, 0); /* education, first in Persian order */
  fx_key(f, PK_KEY_DOWN, 0);
  fx_key(f, PK_KEY_ENTER, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_SERVICE);
  assert_string_equal(pk_app_current_service(f->app)->id, "edu-0002");
}

static void otp_session(fixture *f) {
  fx_type(f, "1");
  fx_type(f, "0071234561");
  fx_key(f, PK_KEY_ENTER, 0);
  fx_type(f, "09121234567");
  fx_key(f, PK_KEY_ENTER, 0);
  pk_app_otp_sent(f->app, f->fb.last_gen, NULL, "0912***4567");
  fx_type(f, "482910");
  fx_key(f, PK_KEY_ENTER, 0);
  pk_app_otp_done(f->app, f->fb.last_gen, NULL, 2, "", "");
}

static void test_way_up(void **state) {
  fixture *f = *state;
  level1_session(f);
  open_enrolment(f);
  fx_key(f, PK_KEY_ENTER, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_SERVICE);
  assert_non_null(strstr(pk_app_message(f->app), "level 2"));
  fx_key(f, PK_KEY_LEFT, 0); /* something else: the offer is withdrawn */
  fx_key(f, PK_KEY_ENTER, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_SERVICE);
  fx_key(f, PK_KEY_ENTER, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_HOME);
  assert_false(pk_app_has_session(f->app));
  assert_null(pk_app_citizen(f->app));
  assert_non_null(pk_app_message(f->app));
  otp_session(f);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_SERVICE);
  assert_string_equal(pk_app_current_service(f->app)->id, "edu-0002");
  fx_key(f, PK_KEY_ENTER, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_FORM);
  fx_key(f, PK_KEY_CANCEL, 0); /* back to the card, then to its agency's list */
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_SERVICE);
  fx_key(f, PK_KEY_BACK, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_SERVICES);

  /* Level 2 to the card's level 3; the citizen walks away: the next one is not led there. */
  fx_fresh(f);
  otp_session(f);
  fx_type(f, "1");
  fx_key(f, PK_KEY_CHAR, 0x06A9); /* ک: the report card, level 3 */
  fx_key(f, PK_KEY_ENTER, 0);
  fx_key(f, PK_KEY_ENTER, 0);
  assert_non_null(strstr(pk_app_message(f->app), "level 3"));
  fx_key(f, PK_KEY_ENTER, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_HOME);
  assert_non_null(pk_app_message(f->app)); /* home says to sign in again */
  f->now += (uint64_t)f->cfg.idle_timeout_s * 1000 + 1000;
  pk_app_tick(f->app, f->now);
  assert_null(pk_app_message(f->app)); /* and stops saying it once the time is up */
  fx_login(f);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_DASHBOARD);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_level1_sign_in, fx_setup, fx_teardown),
      cmocka_unit_test_setup_teardown(test_way_up, fx_setup, fx_teardown),
      cmocka_unit_test_setup_teardown(test_otp_sign_in, fx_setup, fx_teardown),
      cmocka_unit_test_setup_teardown(test_help_on_every_screen, fx_setup, fx_teardown),
      cmocka_unit_test(test_every_screen_is_reachable_from_home),
      cmocka_unit_test(test_home_is_reachable_from_every_screen),
      cmocka_unit_test(test_session_exits_lead_home_from_every_session_screen),
      cmocka_unit_test(test_no_row_twice_and_names_unique),
      cmocka_unit_test_setup_teardown(test_every_row_is_driven_by_its_input, fx_setup, fx_teardown),
      cmocka_unit_test_setup_teardown(test_pinpad_row, fx_setup, fx_teardown),
      cmocka_unit_test_setup_teardown(test_removal_and_timeout_wipe_from_all_session_screens, fx_setup, fx_teardown),
      cmocka_unit_test_setup_teardown(test_every_screen_leaves_by_a_key, fx_setup, fx_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
