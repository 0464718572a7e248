/* Counter mode's state machine: the clerk's shift around the citizen's screens. The clerk's card
 * opens the shift (the window confirms the clerk), its removal locks the counter and wipes the
 * citizen from every screen, the same clerk's card and PIN resume it; one reader swaps cards;
 * the citizen's PIN, one-time code and confirmation come only from the citizen's keypad; the
 * next citizen is one key; the shift ends with its report. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "app_fixture.h"
#include "pishkhan/app.h"

static const pk_citizen clerk = {.name_fa = "مریم کارمند", .national_code = "0012345679", .clerk = true};
static const pk_citizen other_clerk = {.name_fa = "علی کارمند", .national_code = "0023456781", .clerk = true};
static const pk_citizen zahra = {.name_fa = "زهرا محمدی", .national_code = "0071234561"};
static const pk_app_clerk register_entry = {.clerk_id = "clk-7f3a", .office_id = "off-12", .office_name = "دفتر ۱۲",
                                            .perms = PK_PERM_SERVE_CARD | PK_PERM_SERVE_OTP | PK_PERM_ENTITY};

#define CLERK_R "Clerk Reader 00"
#define CITIZEN_R "Citizen PIN Pad 01"

static void counter_cfg(fixture *f, bool two_readers) {
  f->cfg.face = PK_FACE_COUNTER;
  snprintf(f->cfg.clerk_reader, sizeof f->cfg.clerk_reader, "%s", two_readers ? "Clerk*" : "");
  snprintf(f->cfg.citizen_reader, sizeof f->cfg.citizen_reader, "%s", two_readers ? "Citizen*" : "");
  snprintf(f->cfg.citizen_keypad, sizeof f->cfg.citizen_keypad, "/dev/input/by-id/citizen-keypad");
  fx_fresh(f);
}

static void citizen_keys(fixture *f, const char *digits) {
  for (const char *p = digits; *p; p++) {
    f->now += 100;
    pk_app_citizen_key(f->app, (pk_key){PK_KEY_CHAR, (uint32_t)*p}, f->now);
  }
}

static void citizen_enter(fixture *f) {
  f->now += 100;
  pk_app_citizen_key(f->app, (pk_key){PK_KEY_ENTER, 0}, f->now);
}

/* The clerk's card and PIN, as far as the window's register. */
static void clerk_signs_in(fixture *f, const char *reader, const pk_citizen *who) {
  pk_app_card_inserted(f->app, reader, f->now);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_CARD_READ);
  pk_app_card_open_done(f->app, f->fb.last_gen, PK_CARDRES_OK, who, 3);
  if (pk_app_screen(f->app) != PK_SCREEN_PIN) return; /* refused */
  fx_type(f, "0000"); /* the clerk's own PIN, on the clerk's keyboard */
  fx_key(f, PK_KEY_ENTER, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_AUTH);
  pk_app_card_login_done(f->app, f->fb.last_gen, PK_CARDRES_OK, 3);
}

static void open_shift(fixture *f, const char *reader) {
  clerk_signs_in(f, reader, &clerk);
  assert_int_equal(f->fb.clerk_checks, 1);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_AUTH); /* waits for the register */
  pk_app_clerk_done(f->app, f->fb.last_gen, PK_CARDRES_OK, &register_entry);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_HOME);
  assert_int_equal(pk_app_desk(f->app), PK_DESK_OPEN);
}

/* A citizen's card in the citizen's reader, the PIN on the citizen's keypad: the dashboard. */
static void card_citizen(fixture *f, const char *reader) {
  pk_app_card_inserted(f->app, reader, f->now);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_CARD_READ);
  pk_app_card_open_done(f->app, f->fb.last_gen, PK_CARDRES_OK, &zahra, 3);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_PIN);
  citizen_keys(f, "1234");
  citizen_enter(f);
  pk_app_card_login_done(f->app, f->fb.last_gen, PK_CARDRES_OK, 3);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_DASHBOARD);
}

static void to_review(fixture *f) {
  fx_type(f, "1");
  fx_key(f, PK_KEY_CHAR, 0x06A9); /* ک: the report card */
  fx_key(f, PK_KEY_ENTER, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_SERVICE);
  fx_key(f, PK_KEY_ENTER, 0);
  for (int i = 0; i < 8 && pk_app_screen(f->app) == PK_SCREEN_FORM; i++) fx_key(f, PK_KEY_ENTER, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_REVIEW);
}

static void assert_citizen_gone(fixture *f) {
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_HOME);
  assert_null(pk_app_citizen(f->app));
  assert_false(pk_app_has_session(f->app));
  assert_int_equal(pk_app_pin_length(f->app), 0);
  assert_int_equal(pk_app_form(f->app, NULL), 0);
  assert_null(pk_app_last_receipt(f->app));
  assert_null(pk_app_acting_for(f->app));
}

/* ---- the desk's table on paper */

static void test_desk_table(void **state) {
  size_t n;
  const pk_transition_desk *t = pk_app_desk_transitions(&n);
  bool seen[PK_DESK_COUNT] = {[PK_DESK_CLOSED] = true};
  for (int round = 0; round < PK_DESK_COUNT; round++)
    for (size_t i = 0; i < n; i++)
      if (seen[t[i].from]) seen[t[i].to] = true;
  for (int s = PK_DESK_CLOSED; s < PK_DESK_COUNT; s++)
    if (!seen[s]) fail_msg("desk state %s unreachable", pk_desk_state_name((pk_desk_state)s));
  for (size_t i = 0; i < n; i++)
    for (size_t j = i + 1; j < n; j++) assert_false(t[i].from == t[j].from && t[i].ev == t[j].ev);
  /* Every state with a clerk away can end only through the report, and the report closes. */
  assert_int_equal(pk_app_desk_next(PK_DESK_LOCKED, PK_EV_DESK_SHIFT_EXPIRED), PK_DESK_REPORT);
  assert_int_equal(pk_app_desk_next(PK_DESK_REPORT, PK_EV_DESK_REPORT_DONE), PK_DESK_CLOSED);
  assert_int_equal(pk_app_desk_next(PK_DESK_LOCKED, PK_EV_DESK_END_SHIFT), -1); /* nobody to end it */
}

/* ---- opening, refusing, locking, resuming */

static void test_kiosk_mode_has_no_desk(void **state) {
  fixture *f = *state;
  assert_int_equal(pk_app_desk(f->app), PK_DESK_OFF);
  fx_login(f);
  assert_null(pk_app_assisted_by(f->app));
}

static void test_clerk_opens_the_shift(void **state) {
  fixture *f = *state;
  counter_cfg(f, true);
  assert_int_equal(pk_app_desk(f->app), PK_DESK_CLOSED);
  fx_type(f, "1"); /* a closed counter serves nobody, not even without a card */
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_HOME);
  int closes = f->fb.closes;
  open_shift(f, CLERK_R);
  assert_string_equal(f->fb.audit, "clerk_login");
  assert_true(f->fb.closes > closes); /* the clerk's own window session is gone */
  assert_null(pk_app_citizen(f->app));
  const pk_app_shift *s = pk_app_shift_shown(f->app);
  assert_non_null(s);
  assert_string_equal(s->clerk.clerk_id, "clk-7f3a");
  assert_string_equal(s->clerk.name_fa, "مریم کارمند");
  assert_false(pk_app_card_present(f->app)); /* the clerk's card is not one a citizen must take */
}

static void test_a_citizens_card_cannot_open_a_shift(void **state) {
  fixture *f = *state;
  counter_cfg(f, true);
  clerk_signs_in(f, CLERK_R, &zahra);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_CARD_ERROR);
  assert_int_equal(pk_app_card_result(f->app), PK_CARDRES_NOT_CLERK);
  assert_int_equal(f->fb.logins, 0); /* refused before any PIN */
  /* Nor does a clerk card the window's register refuses. */
  pk_app_card_removed(f->app, CLERK_R, f->now);
  clerk_signs_in(f, CLERK_R, &clerk);
  pk_app_clerk_done(f->app, f->fb.last_gen, PK_CARDRES_NOT_CLERK, NULL);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_CARD_ERROR);
  assert_int_equal(pk_app_desk(f->app), PK_DESK_CLOSED);
  /* A card in the citizen's reader of a closed counter is not read at all. */
  pk_app_card_removed(f->app, CLERK_R, f->now);
  int opens = f->fb.opens;
  pk_app_card_inserted(f->app, CITIZEN_R, f->now);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_HOME);
  assert_int_equal(f->fb.opens, opens);
  assert_non_null(pk_app_message(f->app));
}

/* The screens a citizen can be on under a shift, each reached by the inputs that lead there. */
static const pk_screen_id citizen_screens[] = {
    PK_SCREEN_CARD_READ, PK_SCREEN_PIN,    PK_SCREEN_AUTH,   PK_SCREEN_DASHBOARD, PK_SCREEN_SEARCH,
    PK_SCREEN_SERVICE,   PK_SCREEN_FORM,   PK_SCREEN_REVIEW, PK_SCREEN_RECEIPT,   PK_SCREEN_STATUS,
    PK_SCREEN_INBOX,     PK_SCREEN_ENTITY, PK_SCREEN_OTP_ID, PK_SCREEN_OTP_CODE,  PK_SCREEN_AGENCIES,
};

static void to_citizen_screen(fixture *f, pk_screen_id s) {
  if (s == PK_SCREEN_OTP_ID || s == PK_SCREEN_OTP_CODE) {
    fx_type(f, "1");
    if (s == PK_SCREEN_OTP_CODE) {
      fx_type(f, "0071234561");
      fx_key(f, PK_KEY_ENTER, 0);
      fx_type(f, "09121234567");
      fx_key(f, PK_KEY_ENTER, 0);
      pk_app_otp_sent(f->app, f->fb.last_gen, NULL, "0912***4567");
      citizen_keys(f, "12");
    }
  } else if (s == PK_SCREEN_CARD_READ || s == PK_SCREEN_PIN || s == PK_SCREEN_AUTH) {
    pk_app_card_inserted(f->app, CITIZEN_R, f->now);
    if (s != PK_SCREEN_CARD_READ) pk_app_card_open_done(f->app, f->fb.last_gen, PK_CARDRES_OK, &zahra, 3);
    citizen_keys(f, "1234");
    if (s == PK_SCREEN_AUTH) citizen_enter(f);
  } else {
    card_citizen(f, CITIZEN_R);
    static const char *const menu[] = {[PK_SCREEN_SEARCH] = "1", [PK_SCREEN_AGENCIES] = "2",
                                       [PK_SCREEN_STATUS] = "3", [PK_SCREEN_INBOX] = "4", [PK_SCREEN_ENTITY] = "6"};
    if (s < sizeof menu / sizeof *menu && menu[s]) fx_type(f, menu[s]);
    if (s == PK_SCREEN_SERVICE || s == PK_SCREEN_FORM || s == PK_SCREEN_REVIEW || s == PK_SCREEN_RECEIPT) {
      to_review(f);
      if (s == PK_SCREEN_SERVICE) fx_key(f, PK_KEY_BACK, 0), fx_key(f, PK_KEY_BACK, 0);
      if (s == PK_SCREEN_FORM) fx_key(f, PK_KEY_BACK, 0);
      if (s == PK_SCREEN_RECEIPT) {
        citizen_enter(f);
        pk_app_submit_done(f->app, f->fb.last_gen,
                           &(pk_app_submit_result){.outcome = PK_SUBMIT_REGISTERED, .tracking = "1403000000000001",
                                                   .jws = "e30.e30.sig"});
      }
    }
  }
  if (pk_app_screen(f->app) != s)
    fail_msg("could not reach %s (at %s)", pk_screen_name(s), pk_screen_name(pk_app_screen(f->app)));
}

/* The clerk's card pulled from any citizen screen: locked at once, nothing of the citizen kept;
 * a card in the citizen's reader is then refused, another clerk's card too, and the same clerk's
 * card and PIN resume the shift without asking the window again. */
static void test_clerk_card_out_locks_from_every_screen(void **state) {
  fixture *f = *state;
  for (size_t i = 0; i < sizeof citizen_screens / sizeof *citizen_screens; i++) {
    counter_cfg(f, true);
    open_shift(f, CLERK_R);
    to_citizen_screen(f, citizen_screens[i]);
    int closes = f->fb.closes;
    pk_app_card_removed(f->app, CLERK_R, f->now);
    if (pk_app_desk(f->app) != PK_DESK_LOCKED) fail_msg("not locked from %s", pk_screen_name(citizen_screens[i]));
    assert_citizen_gone(f);
    assert_true(f->fb.closes > closes);
    assert_string_equal(f->fb.audit, "clerk_login clerk_lock");
  }
  pk_app_card_removed(f->app, CITIZEN_R, f->now);
  int opens = f->fb.opens;
  pk_app_card_inserted(f->app, CITIZEN_R, f->now);
  assert_int_equal(f->fb.opens, opens);
  clerk_signs_in(f, CLERK_R, &other_clerk);
  assert_int_equal(pk_app_card_result(f->app), PK_CARDRES_OTHER_CLERK);
  pk_app_card_removed(f->app, CLERK_R, f->now);
  assert_int_equal(pk_app_desk(f->app), PK_DESK_LOCKED);
  clerk_signs_in(f, CLERK_R, &clerk);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_HOME);
  assert_int_equal(pk_app_desk(f->app), PK_DESK_OPEN);
  assert_int_equal(f->fb.clerk_checks, 1);
  assert_string_equal(f->fb.audit, "clerk_login clerk_lock clerk_login");
  assert_int_equal(pk_app_shift_shown(f->app)->locks, 1);
}

/* The citizen's own timeouts and card end their part only; the desk stays open. */
static void test_citizen_exits_return_to_the_desk(void **state) {
  fixture *f = *state;
  counter_cfg(f, true);
  open_shift(f, CLERK_R);
  for (size_t i = 0; i < sizeof citizen_screens / sizeof *citizen_screens; i++) {
    pk_screen_id s = citizen_screens[i];
    to_citizen_screen(f, s);
    pk_app_tick(f->app, f->now + (uint64_t)f->cfg.idle_timeout_s * 1000);
    if (pk_app_screen(f->app) != PK_SCREEN_HOME) fail_msg("no timeout on %s", pk_screen_name(s));
    assert_citizen_gone(f);
    assert_int_equal(pk_app_desk(f->app), PK_DESK_OPEN);
    pk_app_card_removed(f->app, CITIZEN_R, f->now);
    f->now += (uint64_t)f->cfg.idle_timeout_s * 1000;
    to_citizen_screen(f, s);
    fx_key(f, PK_KEY_NEXT, 0); /* the next citizen: one key */
    assert_citizen_gone(f);
    assert_int_equal(pk_app_desk(f->app), PK_DESK_OPEN);
    pk_app_card_removed(f->app, CITIZEN_R, f->now);
  }
}

/* ---- serving */

/* A card citizen: the clerk's keyboard cannot type the PIN, the citizen's keypad does; the
 * request waits for the citizen's confirmation and carries the clerk's id. */
static void test_card_citizen_assisted(void **state) {
  fixture *f = *state;
  counter_cfg(f, true);
  open_shift(f, CLERK_R);
  pk_app_card_inserted(f->app, CITIZEN_R, f->now);
  pk_app_card_open_done(f->app, f->fb.last_gen, PK_CARDRES_OK, &zahra, 3);
  fx_type(f, "1234");
  fx_key(f, PK_KEY_ENTER, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_PIN);
  assert_int_equal(pk_app_pin_length(f->app), 0);
  assert_non_null(pk_app_message(f->app));
  assert_int_equal(f->fb.logins, 1); /* the clerk's own */
  citizen_keys(f, "1234");
  assert_int_equal(pk_app_pin_length(f->app), 4);
  citizen_enter(f);
  pk_app_card_login_done(f->app, f->fb.last_gen, PK_CARDRES_OK, 3);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_DASHBOARD);
  assert_string_equal(pk_app_assisted_by(f->app), "clk-7f3a");
  citizen_keys(f, "1"); /* the citizen's keypad does not drive the clerk's screens */
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_DASHBOARD);
  to_review(f);
  fx_key(f, PK_KEY_ENTER, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_REVIEW);
  assert_true(pk_app_confirm_waiting(f->app));
  assert_int_equal(f->fb.submits, 0); /* the clerk cannot send alone */
  citizen_enter(f);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_SUBMIT);
  assert_int_equal(f->fb.submits, 1);
  pk_app_submit_done(f->app, f->fb.last_gen,
                     &(pk_app_submit_result){.outcome = PK_SUBMIT_REGISTERED, .tracking = "1403000000000001",
                                             .jws = "e30.e30.sig"});
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_RECEIPT);
  fx_key(f, PK_KEY_NEXT, 0);
  assert_citizen_gone(f);
  const pk_app_shift *s = pk_app_shift_shown(f->app);
  assert_int_equal(s->ticket, 1); /* and the next ticket is called */
  assert_int_equal(s->by_card, 1);
  assert_int_equal(s->registered, 1);
}

/* Without a card: the clerk types the national code and mobile; the code comes from the
 * citizen's keypad only; a counter without one says so instead. */
static void test_otp_citizen_at_the_counter(void **state) {
  fixture *f = *state;
  counter_cfg(f, true);
  open_shift(f, CLERK_R);
  to_citizen_screen(f, PK_SCREEN_OTP_CODE);
  fx_type(f, "3456");
  assert_int_equal(pk_app_pin_length(f->app), 2); /* only the citizen's two digits */
  citizen_keys(f, "3456");
  citizen_enter(f);
  assert_int_equal(f->fb.otp_verifies, 1);
  assert_string_equal(f->fb.last_pin, "123456");
  pk_app_otp_done(f->app, f->fb.last_gen, NULL, 2, "زهرا محمدی", "");
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_DASHBOARD);
  assert_string_equal(pk_app_assisted_by(f->app), "clk-7f3a");
  assert_int_equal(pk_app_shift_shown(f->app)->by_otp, 1);

  f->cfg.citizen_keypad[0] = 0;
  fx_key(f, PK_KEY_NEXT, 0);
  fx_type(f, "1");
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_HOME);
  assert_non_null(pk_app_message(f->app));
}

/* One reader: the clerk's card out at the desk lets a citizen's card in; when the citizen is
 * done the counter is locked until the clerk's card and PIN are back. */
static void test_one_reader_swap(void **state) {
  fixture *f = *state;
  counter_cfg(f, false);
  open_shift(f, "R");
  pk_app_card_removed(f->app, "R", f->now);
  assert_int_equal(pk_app_desk(f->app), PK_DESK_SWAP);
  card_citizen(f, "R");
  assert_string_equal(pk_app_assisted_by(f->app), "clk-7f3a");
  pk_app_card_removed(f->app, "R", f->now);
  assert_citizen_gone(f);
  assert_int_equal(pk_app_desk(f->app), PK_DESK_LOCKED);
  clerk_signs_in(f, "R", &clerk);
  assert_int_equal(pk_app_desk(f->app), PK_DESK_OPEN);
  /* The one reader holding an OTP citizen's clerk card: pulled, it locks. */
  to_citizen_screen(f, PK_SCREEN_OTP_ID);
  pk_app_card_removed(f->app, "R", f->now);
  assert_citizen_gone(f);
  assert_int_equal(pk_app_desk(f->app), PK_DESK_LOCKED);
}

/* ---- the clock and the shift's end */

static void test_idle_desk_locks_and_shift_ends_with_report(void **state) {
  fixture *f = *state;
  counter_cfg(f, true);
  open_shift(f, CLERK_R);
  pk_app_tick(f->app, f->now + (uint64_t)f->cfg.desk_lock_s * 1000 - 1000);
  assert_int_equal(pk_app_desk(f->app), PK_DESK_OPEN);
  pk_app_tick(f->app, f->now + (uint64_t)f->cfg.desk_lock_s * 1000);
  assert_int_equal(pk_app_desk(f->app), PK_DESK_LOCKED);
  f->now += (uint64_t)f->cfg.desk_lock_s * 1000;
  clerk_signs_in(f, CLERK_R, &clerk);
  fx_key(f, PK_KEY_NEXT, 0);
  fx_key(f, PK_KEY_NEXT, 0);
  assert_int_equal(pk_app_shift_shown(f->app)->ticket, 2);
  fx_key(f, PK_KEY_END_SHIFT, 0);
  assert_int_equal(pk_app_desk(f->app), PK_DESK_REPORT);
  assert_int_equal(f->fb.shift_ends, 1);
  assert_int_equal(f->fb.last_shift.locks, 1);
  assert_int_equal(f->fb.last_shift.ticket, 2);
  assert_string_equal(f->fb.last_shift.clerk.clerk_id, "clk-7f3a");
  pk_app_shift r = f->fb.last_shift;
  snprintf(r.report_path, sizeof r.report_path, "/var/lib/pishkhan/shifts/x.txt");
  r.audit_size = 42;
  pk_app_shift_closed(f->app, &r);
  assert_int_equal(pk_app_shift_shown(f->app)->audit_size, 42);
  pk_app_card_inserted(f->app, CITIZEN_R, f->now); /* nobody is served on the report */
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_HOME);
  fx_key(f, PK_KEY_ENTER, 0);
  assert_int_equal(pk_app_desk(f->app), PK_DESK_CLOSED);
  assert_null(pk_app_shift_shown(f->app));
}

/* ---- a company (kiosk and counter alike) */

static void test_acting_for_a_company(void **state) {
  fixture *f = *state;
  fx_login(f);
  fx_type(f, "6");
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_ENTITY);
  assert_int_equal(f->fb.entity_asks, 1);
  pk_app_entity firms[] = {{.legal_id = "10380284790", .name = "شرکت نمونه"}, {.legal_id = "10100387806", .name = "بازرگانی"}};
  pk_app_entities_done(f->app, f->fb.last_gen, NULL, firms, 2);
  fx_type(f, "10380284792"); /* a check digit wrong */
  fx_key(f, PK_KEY_ENTER, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_ENTITY);
  assert_non_null(pk_app_message(f->app));
  for (int i = 0; i < 11; i++) fx_key(f, PK_KEY_BACK, 0);
  fx_type(f, "۱۰۳۸۰۲۸۴۷۹۰"); /* Persian digits */
  fx_key(f, PK_KEY_ENTER, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_DASHBOARD);
  assert_string_equal(pk_app_acting_for(f->app)->legal_id, "10380284790");
  fx_type(f, "6");
  pk_app_entities_done(f->app, f->fb.last_gen, NULL, firms, 2);
  fx_type(f, "*"); /* for myself again */
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_DASHBOARD);
  assert_null(pk_app_acting_for(f->app));
  fx_type(f, "6");
  pk_app_entities_done(f->app, f->fb.last_gen, NULL, firms, 2);
  fx_type(f, "2");
  fx_key(f, PK_KEY_ENTER, 0);
  assert_string_equal(pk_app_acting_for(f->app)->legal_id, "10100387806");
  fx_type(f, "0");
  assert_null(pk_app_acting_for(f->app)); /* gone with the session */
}

/* From the review to a registered request; the next citizen's turn. */
static void send_from_review(fixture *f) {
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_REVIEW);
  fx_key(f, PK_KEY_ENTER, 0);
  citizen_enter(f);
  pk_app_submit_done(f->app, f->fb.last_gen,
                     &(pk_app_submit_result){.outcome = PK_SUBMIT_REGISTERED, .tracking = "1403000000000001",
                                             .jws = "e30.e30.sig"});
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_RECEIPT);
  fx_key(f, PK_KEY_NEXT, 0);
  pk_app_card_removed(f->app, CITIZEN_R, f->now);
}

/* 7, 8, 9 on the citizen's dashboard: the pinned services first, then this shift's most served;
 * ids the catalog lacks are left out; a new shift starts its counts again; the kiosk has none. */
static void test_quick_picks(void **state) {
  fixture *f = *state;
  snprintf(f->cfg.pinned, sizeof f->cfg.pinned, "no-such-service edu-0002");
  counter_cfg(f, true);
  open_shift(f, CLERK_R);
  card_citizen(f, CITIZEN_R);
  const pk_service *q[PK_QUICK_MAX];
  assert_int_equal(pk_app_quick_services(f->app, q, PK_QUICK_MAX), 1);
  assert_string_equal(q[0]->id, "edu-0002");
  fx_type(f, "8"); /* nothing there yet */
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_DASHBOARD);
  to_review(f); /* the report card, by search */
  send_from_review(f);
  card_citizen(f, CITIZEN_R);
  assert_int_equal(pk_app_quick_services(f->app, q, PK_QUICK_MAX), 2);
  assert_string_equal(q[1]->id, "edu-0001");
  fx_type(f, "8");
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_SERVICE);
  assert_string_equal(pk_app_current_service(f->app)->id, "edu-0001");
  fx_key(f, PK_KEY_BACK, 0); /* to its agency's list */
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_SERVICES);
  fx_key(f, PK_KEY_BACK, 0);
  fx_key(f, PK_KEY_BACK, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_DASHBOARD);
  fx_type(f, "7");
  assert_string_equal(pk_app_current_service(f->app)->id, "edu-0002");
  fx_key(f, PK_KEY_ENTER, 0);
  fx_type(f, "0071234561");
  for (int i = 0; i < 8 && pk_app_screen(f->app) == PK_SCREEN_FORM; i++) fx_key(f, PK_KEY_ENTER, 0);
  send_from_review(f);
  /* edu-0002 is pinned and served: listed once. */
  card_citizen(f, CITIZEN_R);
  assert_int_equal(pk_app_quick_services(f->app, q, PK_QUICK_MAX), 2);
  fx_key(f, PK_KEY_NEXT, 0);
  pk_app_card_removed(f->app, CITIZEN_R, f->now);
  fx_key(f, PK_KEY_END_SHIFT, 0);
  fx_key(f, PK_KEY_ENTER, 0);
  pk_app_card_removed(f->app, CLERK_R, f->now);
  f->fb.clerk_checks = 0;
  open_shift(f, CLERK_R);
  card_citizen(f, CITIZEN_R);
  assert_int_equal(pk_app_quick_services(f->app, q, PK_QUICK_MAX), 1); /* the pinned one only */
  f->cfg.face = PK_FACE_KIOSK;
  fx_fresh(f);
  fx_login(f);
  assert_int_equal(pk_app_quick_services(f->app, q, PK_QUICK_MAX), 0);
  fx_type(f, "7");
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_DASHBOARD);
}

/* Cash at the counter ([payment] terminal = counter): the clerk's Enter, once, records it; the
 * request leaves only after the window's word that the cash is recorded, and only on the
 * citizen's confirmation. */
static void test_cash_is_recorded_once_on_the_clerks_word(void **state) {
  fixture *f = *state;
  snprintf(f->cfg.pay_terminal, sizeof f->cfg.pay_terminal, "counter");
  counter_cfg(f, true);
  open_shift(f, CLERK_R);
  card_citizen(f, CITIZEN_R);
  fx_type(f, "1");
  fx_type(f, "پرونده"); /* the tax file inquiry: 50,000 rials */
  fx_key(f, PK_KEY_ENTER, 0);
  fx_key(f, PK_KEY_ENTER, 0);
  fx_key(f, PK_KEY_ENTER, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_REVIEW);
  assert_int_equal(pk_app_current_service(f->app)->fee_rials, 50000);
  fx_key(f, PK_KEY_ENTER, 0);
  if (pk_app_confirm_waiting(f->app)) citizen_enter(f);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_PAY);
  const pk_app_payment *p = pk_app_payment_shown(f->app);
  assert_int_equal(p->way, PK_APP_PAY_CASH);
  fx_key(f, PK_KEY_ENTER, 0); /* before the invoice: nothing to record */
  assert_int_equal(f->fb.pay_cashes, 0);
  pk_app_pay_update(f->app, f->fb.last_gen,
                    &(pk_app_payment){.outcome = PK_APP_PAY_PROGRESS, .way = PK_APP_PAY_CASH, .amount = 50000,
                                      .invoice = "INV-9", .clerk_confirms = true, .msgid = "Take the fee in cash"});
  fx_key(f, PK_KEY_ENTER, 0);
  fx_key(f, PK_KEY_ENTER, 0); /* a second press records nothing twice */
  assert_int_equal(f->fb.pay_cashes, 1);
  assert_int_equal(f->fb.submits, 0);
  pk_app_pay_update(f->app, f->fb.last_gen,
                    &(pk_app_payment){.outcome = PK_APP_PAY_APPROVED, .way = PK_APP_PAY_CASH, .amount = 50000,
                                      .invoice = "INV-9", .rrn = "900000000001", .msgid = "recorded"});
  if (pk_app_confirm_waiting(f->app)) citizen_enter(f);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_SUBMIT);
  assert_int_equal(f->fb.submits, 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_quick_picks, fx_setup, fx_teardown),
      cmocka_unit_test(test_desk_table),
      cmocka_unit_test_setup_teardown(test_kiosk_mode_has_no_desk, fx_setup, fx_teardown),
      cmocka_unit_test_setup_teardown(test_clerk_opens_the_shift, fx_setup, fx_teardown),
      cmocka_unit_test_setup_teardown(test_a_citizens_card_cannot_open_a_shift, fx_setup, fx_teardown),
      cmocka_unit_test_setup_teardown(test_clerk_card_out_locks_from_every_screen, fx_setup, fx_teardown),
      cmocka_unit_test_setup_teardown(test_citizen_exits_return_to_the_desk, fx_setup, fx_teardown),
      cmocka_unit_test_setup_teardown(test_card_citizen_assisted, fx_setup, fx_teardown),
      cmocka_unit_test_setup_teardown(test_otp_citizen_at_the_counter, fx_setup, fx_teardown),
      cmocka_unit_test_setup_teardown(test_one_reader_swap, fx_setup, fx_teardown),
      cmocka_unit_test_setup_teardown(test_idle_desk_locks_and_shift_ends_with_report, fx_setup, fx_teardown),
      cmocka_unit_test_setup_teardown(test_acting_for_a_company, fx_setup, fx_teardown),
      cmocka_unit_test_setup_teardown(test_cash_is_recorded_once_on_the_clerks_word, fx_setup, fx_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
