/* A citizen's whole request through the state machine, with a real catalog store:
 * browse and search (Arabic letters and Persian digits typed), fill the form with a
 * Jalali date, review, submit once, cancel and resend with the same key, receipt,
 * and the session wipe that leaves nothing of it behind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "app_fixture.h"
#include "failing_calloc.h"
#include "pishkhan/app.h"
#include "pishkhan/catalog.h"
#include "pishkhan/i18n.h"

static void login(fixture *f) { fx_login(f); }

static void test_browse_by_agency_sorted_in_persian(void **state) {
  fixture *f = *state;
  login(f);
  fx_type(f, "2");
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_AGENCIES);
  assert_int_equal(pk_app_list_count(f->app), 2);
  /* آ sorts before س in Persian */
  assert_string_equal(pk_app_agency_at(f->app, 0)->id, "edu");
  fx_type(f, "۲"); /* a Persian digit picks the second row */
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_SERVICES);
  assert_int_equal(pk_app_list_count(f->app), 2);
  fx_key(f, PK_KEY_BACK, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_AGENCIES);
  fx_key(f, PK_KEY_BACK, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_DASHBOARD);
}

/* The fixture's catalog with tax-0001's national code and date of birth marked as what they
 * mean (the contract's prefill), as the window sends them. */
static void mark_known_fields(fixture *f) {
  json_error_t e;
  json_t *c = json_load_file(PK_SOURCE_DIR "/tests/core/catalog.json", 0, &e);
  assert_non_null(c);
  size_t i;
  json_t *svc;
  json_array_foreach(json_object_get(c, "services"), i, svc) {
    if (strcmp(json_string_value(json_object_get(svc, "id")), "tax-0001")) continue;
    json_t *fs = json_object_get(json_object_get(svc, "form"), "fields");
    json_object_set_new(svc, "auth_level", json_integer(2)); /* a one-time code's session may ask */
    json_object_set_new(json_array_get(fs, 0), "prefill", json_string("national_code"));
    json_object_set_new(json_array_get(fs, 1), "prefill", json_string("birth_date"));
    json_object_set_new(json_array_get(fs, 2), "prefill", json_string("shoe_size")); /* unknown: asked */
    json_array_append_new(fs, json_pack("{s:s, s:s, s:s, s:s, s:b, s:s}", "name", "mobile", "type", "mobile",
                                        "label_fa", "تلفن همراه", "label_en", "Mobile", "required", 1, "prefill",
                                        "mobile"));
  }
  char *text = json_dumps(c, 0), msg[256];
  assert_int_equal(pk_catalog_replace_json(f->cat, text, strlen(text), "\"v8\"", msg, sizeof msg), 0);
  free(text);
  json_decref(c);
  pk_app_set_catalog(f->app, f->cat);
}

static void open_tax_form(fixture *f) {
  fx_type(f, "1");
  fx_type(f, "مالياتي");
  fx_key(f, PK_KEY_ENTER, 0);
  fx_key(f, PK_KEY_ENTER, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_FORM);
}

/* Issue 15: the state does not ask for what it knows. A citizen signed in with the card finds
 * the national code and the date of birth filled from the card, marked so, and cannot change
 * them; the cursor starts at the first field they fill, and what goes to the window is the
 * card's. */
static void test_a_card_citizen_is_not_asked_what_the_card_knows(void **state) {
  fixture *f = *state;
  mark_known_fields(f);
  pk_app_card_inserted(f->app, "R", f->now);
  pk_citizen c = {.name_fa = "زهرا محمدی", .national_code = "0071234561", .birth_date = "1370/05/12"};
  pk_app_card_open_done(f->app, f->fb.last_gen, PK_CARDRES_OK, &c, 3);
  fx_type(f, "1234");
  fx_key(f, PK_KEY_ENTER, 0);
  pk_app_card_login_done(f->app, f->fb.last_gen, PK_CARDRES_OK, 3);
  open_tax_form(f);
  assert_int_equal(pk_app_form_current(f->app), 2); /* the reason: the first field asked */
  assert_null(pk_app_form_source(f->app, 3));       /* the mobile: asked until the window says */
  /* The window's profile comes while the form is open: the empty mobile is filled, not asked. */
  pk_app_profile(f->app, f->fb.last_gen, "09121234567", "");
  assert_string_equal(pk_app_form_source(f->app, 3), "on file at the national window");
  assert_string_equal(pk_app_form_value(f->app, 3), "09121234567");
  assert_int_equal(pk_app_form_current(f->app), 2);
  assert_string_equal(pk_app_form_value(f->app, 0), "0071234561");
  assert_string_equal(pk_app_form_value(f->app, 1), "1370/05/12");
  assert_string_equal(pk_app_form_source(f->app, 0), "from your national card");
  assert_string_equal(pk_app_form_source(f->app, 1), "from your national card");
  assert_null(pk_app_form_source(f->app, 2));
  fx_key(f, PK_KEY_UP, 0); /* nowhere to go: the fields above are not the citizen's to type */
  assert_int_equal(pk_app_form_current(f->app), 2);
  fx_key(f, PK_KEY_BACK, 0); /* Backspace on the first asked field leaves the form, erases nothing */
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_SERVICE);
  fx_key(f, PK_KEY_ENTER, 0);
  fx_type(f, "2");
  fx_key(f, PK_KEY_ENTER, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_REVIEW);
  assert_string_equal(pk_app_form_source(f->app, 0), "from your national card");
  fx_key(f, PK_KEY_ENTER, 0);
  assert_string_equal(f->fb.last_fields, "{\"birth_date\":\"1370/05/12\",\"mobile\":\"09121234567\","
                                        "\"national_code\":\"0071234561\",\"reason\":\"gift\"}");
}

/* Without the card (a one-time code), the national code given at sign-in is not asked again;
 * the date of birth, which the sign-in did not give, is. */
static void test_a_code_citizen_is_not_asked_the_code_they_signed_in_with(void **state) {
  fixture *f = *state;
  mark_known_fields(f);
  fx_fresh(f);
  fx_type(f, "1");
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_OTP_ID);
  fx_type(f, "0071234561");
  fx_key(f, PK_KEY_ENTER, 0);
  fx_type(f, "09121234567");
  fx_key(f, PK_KEY_ENTER, 0);
  pk_app_otp_sent(f->app, f->fb.last_gen, NULL, "0912***4567");
  fx_type(f, "123456");
  fx_key(f, PK_KEY_ENTER, 0);
  pk_app_otp_done(f->app, f->fb.last_gen, NULL, 2, "زهرا محمدی", "Zahra Mohammadi");
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_DASHBOARD);
  open_tax_form(f);
  assert_int_equal(pk_app_form_current(f->app), 1);
  assert_string_equal(pk_app_form_source(f->app, 0), "as you gave it at sign-in");
  assert_null(pk_app_form_source(f->app, 1));
  assert_string_equal(pk_app_form_source(f->app, 3), "as you gave it at sign-in"); /* the code came to it */
  assert_string_equal(pk_app_form_value(f->app, 3), "09121234567");
}

static void test_search_with_arabic_yeh_then_form_and_submit(void **state) {
  fixture *f = *state;
  login(f);
  fx_type(f, "1");
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_SEARCH);
  fx_type(f, "مالياتي"); /* Arabic yeh, as an Arabic keyboard layout types it */
  assert_true(pk_app_list_count(f->app) >= 1);
  assert_string_equal(pk_app_service_at(f->app, 0)->id, "tax-0001");
  fx_key(f, PK_KEY_ENTER, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_SERVICE);
  fx_key(f, PK_KEY_ENTER, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_FORM);

  fx_type(f, "0071234560"); /* wrong check digit */
  fx_key(f, PK_KEY_ENTER, 0);
  assert_non_null(pk_app_form_error(f->app, 0));
  assert_int_equal(pk_app_form_current(f->app), 0);
  fx_key(f, PK_KEY_BACK, 0);
  fx_type(f, "1");
  fx_key(f, PK_KEY_ENTER, 0);
  assert_null(pk_app_form_error(f->app, 0));
  fx_type(f, "۱۳۷۰/۰۵/۱۲"); /* a Jalali date in Persian digits */
  assert_string_equal(pk_app_form_value(f->app, 1), "1370/05/12");
  fx_key(f, PK_KEY_ENTER, 0);
  fx_type(f, "2");
  assert_string_equal(pk_app_form_value(f->app, 2), "gift");
  fx_key(f, PK_KEY_ENTER, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_REVIEW);

  fx_key(f, PK_KEY_ENTER, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_SUBMIT);
  assert_int_equal(f->fb.submits, 1);
  assert_string_equal(f->fb.last_service, "tax-0001");
  assert_string_equal(f->fb.last_fields,
                      "{\"birth_date\":\"1370/05/12\",\"national_code\":\"0071234561\",\"reason\":\"gift\"}");
  assert_string_equal(f->fb.last_ref, ""); /* a new request */
  assert_string_equal(f->fb.recorded_ref, "Q0001");

  fx_key(f, PK_KEY_CANCEL, 0); /* the citizen gives up waiting, then tries again */
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_REVIEW);
  assert_int_equal(f->fb.cancels, 0); /* stop waiting is not unsend */
  assert_string_equal(pk_app_pending_ref(f->app), "Q0001");
  fx_key(f, PK_KEY_ENTER, 0);
  assert_int_equal(f->fb.submits, 2);
  assert_string_equal(f->fb.last_ref, "Q0001"); /* the same request, never a second one */

  pk_app_submit_done(f->app, f->fb.last_gen,
                     &(pk_app_submit_result){.outcome = PK_SUBMIT_REGISTERED, .ref = "Q0001",
                                             .tracking = "1404-07-000123", .jws = "e30.e30.sig"});
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_RECEIPT);
  assert_string_equal(pk_app_last_receipt(f->app)->tracking, "1404-07-000123");
  fx_type(f, "1");
  assert_int_equal(f->fb.prints, 1);
  pk_app_print_done(f->app, f->fb.last_gen, NULL);
  assert_string_equal(pk_app_print_state(f->app), "Printed. Please take your receipt.");

  pk_app_card_removed(f->app, "R", f->now);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_HOME);
  assert_null(pk_app_last_receipt(f->app));
  assert_int_equal(pk_app_form(f->app, NULL), 0);
  assert_string_equal(pk_app_query(f->app), "");
}

/* A slow sign-in: the window answers 8 s after the PIN's Enter. The dashboard then gives the
 * citizen the whole idle time, counted from when it appeared. */
static void test_idle_time_counts_from_the_new_screen(void **state) {
  fixture *f = *state;
  pk_app_card_inserted(f->app, "R", f->now);
  pk_citizen c = {.name_fa = "زهرا محمدی", .national_code = "0071234561"};
  pk_app_card_open_done(f->app, f->fb.last_gen, PK_CARDRES_OK, &c, 3);
  fx_type(f, "1234");
  fx_key(f, PK_KEY_ENTER, 0);
  uint64_t shown = f->now + 8000;
  pk_app_tick(f->app, shown); /* the loop's clock, while the window thinks */
  pk_app_card_login_done(f->app, f->fb.last_gen, PK_CARDRES_OK, 3);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_DASHBOARD);
  uint64_t quiet = (uint64_t)(f->cfg.idle_timeout_s - f->cfg.idle_warning_s) * 1000;
  pk_app_tick(f->app, f->now + quiet + 1000); /* the Enter's time would warn here */
  assert_int_equal(pk_app_idle_countdown(f->app), -1);
  pk_app_tick(f->app, shown + quiet);
  assert_int_equal(pk_app_idle_countdown(f->app), f->cfg.idle_warning_s);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_DASHBOARD);
}

/* A held Backspace empties the field it is in and stops there: what was typed in the field
 * before is kept. A press a second later goes back to it (without erasing). */
static void test_a_held_backspace_stops_at_the_field_it_emptied(void **state) {
  fixture *f = *state;
  login(f);
  fx_type(f, "1");
  fx_type(f, "مالياتي");
  fx_key(f, PK_KEY_ENTER, 0);
  fx_key(f, PK_KEY_ENTER, 0);
  fx_type(f, "0071234561");
  fx_key(f, PK_KEY_ENTER, 0);
  assert_int_equal(pk_app_form_current(f->app), 1);
  char first[64];
  snprintf(first, sizeof first, "%s", pk_app_form_value(f->app, 0));
  assert_true(first[0]);
  fx_type(f, "13");
  for (int i = 0; i < 6; i++) fx_key(f, PK_KEY_BACK, 0); /* the key held: presses within the second */
  assert_int_equal(pk_app_form_current(f->app), 1);
  assert_string_equal(pk_app_form_value(f->app, 1), "");
  assert_string_equal(pk_app_form_value(f->app, 0), first);
  f->now += 1500;
  fx_key(f, PK_KEY_BACK, 0);
  assert_int_equal(pk_app_form_current(f->app), 0);
  assert_string_equal(pk_app_form_value(f->app, 0), first);
}

/* Esc on a filled form asks before throwing the typing away: any other key stays (and types
 * nothing), Esc again leaves. An empty form is left at once. */
static void test_esc_asks_before_a_filled_form_is_dropped(void **state) {
  fixture *f = *state;
  login(f);
  fx_type(f, "1");
  fx_type(f, "مالياتي");
  fx_key(f, PK_KEY_ENTER, 0);
  fx_key(f, PK_KEY_ENTER, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_FORM);
  fx_type(f, "00712");
  fx_key(f, PK_KEY_CANCEL, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_FORM);
  assert_non_null(pk_app_message(f->app));
  assert_non_null(strstr(pk_app_message(f->app), "Leave this form?"));
  fx_type(f, "3"); /* stay: the key only answers */
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_FORM);
  assert_string_equal(pk_app_form_value(f->app, 0), "00712");
  assert_null(pk_app_message(f->app));
  fx_key(f, PK_KEY_CANCEL, 0);
  fx_key(f, PK_KEY_CANCEL, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_SERVICE);
  fx_key(f, PK_KEY_ENTER, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_FORM);
  assert_string_equal(pk_app_form_value(f->app, 0), ""); /* dropped, and wiped */
  fx_key(f, PK_KEY_CANCEL, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_SERVICE); /* nothing typed: no question */
}

static void test_failed_submit_keeps_the_form(void **state) {
  fixture *f = *state;
  login(f);
  fx_type(f, "1");
  fx_type(f, "پرونده");
  fx_key(f, PK_KEY_ENTER, 0);
  fx_key(f, PK_KEY_ENTER, 0);
  fx_key(f, PK_KEY_ENTER, 0); /* a form with no fields */
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_REVIEW);
  fx_key(f, PK_KEY_ENTER, 0); /* a fee service: paid first */
  pk_app_pay_update(f->app, f->fb.last_gen, &(pk_app_payment){.outcome = PK_APP_PAY_APPROVED, .amount = 50000});
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_SUBMIT);
  pk_app_failure fail = {.msgid = "The national window has a problem right now. Please try again in a few minutes."};
  strcpy(fail.fa, "خطای موقت");
  pk_app_submit_done(f->app, f->fb.last_gen, &(pk_app_submit_result){.outcome = PK_SUBMIT_REFUSED, .ref = "Q0001", .fail = fail});
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_REVIEW);
  assert_string_equal(pk_app_failure_shown(f->app)->fa, "خطای موقت");
  assert_null(pk_app_pending_ref(f->app)); /* refused: sending again is a new request */
  assert_string_equal(pk_app_current_service(f->app)->id, "tax-0002");
}

static void test_removal_mid_form_and_timeout_from_every_flow_screen(void **state) {
  fixture *f = *state;
  const char *route[] = {"1", "2", "3", "4", "5"};
  for (size_t i = 0; i < sizeof route / sizeof *route; i++) {
    login(f);
    fx_type(f, route[i]);
    assert_int_not_equal(pk_app_screen(f->app), PK_SCREEN_DASHBOARD);
    pk_app_tick(f->app, f->now + 60000);
    assert_int_equal(pk_app_screen(f->app), PK_SCREEN_HOME);
    pk_app_card_removed(f->app, "R", f->now + 60000);
    f->now += 61000;
  }
  login(f);
  fx_type(f, "1");
  fx_type(f, "مالیاتی");
  fx_key(f, PK_KEY_ENTER, 0);
  fx_key(f, PK_KEY_ENTER, 0);
  fx_type(f, "00712");
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_FORM);
  pk_app_card_removed(f->app, "R", f->now);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_HOME);
  assert_int_equal(pk_app_form(f->app, NULL), 0);
  assert_null(pk_app_citizen(f->app));
}

static void test_status_by_tracking_code(void **state) {
  fixture *f = *state;
  login(f);
  fx_type(f, "3");
  fx_type(f, "۱۴۰۴-۰۷۱۲-3456-7890"); /* grouped as read aloud, Persian and Latin digits */
  assert_string_equal(pk_app_query(f->app), "1404-0712-3456-7890");
  fx_key(f, PK_KEY_ENTER, 0);
  assert_string_equal(f->fb.last_tracking, "1404071234567890");
  pk_app_status st = {.tracking = "1404071234567890", .status_fa = "در حال بررسی"};
  pk_app_track_done(f->app, f->fb.last_gen, NULL, &st);
  assert_string_equal(pk_app_track_result(f->app)->status_fa, "در حال بررسی");
}

static void clear_query(fixture *f) {
  while (pk_app_query(f->app)[0]) fx_key(f, PK_KEY_BACK, 0);
}

/* Tracking codes are 16 digits, queue references 10 with a check digit: anything else is told
 * at once, on the status screen, and the window is not asked. */
static void test_a_code_of_the_wrong_shape_is_not_asked_about(void **state) {
  fixture *f = *state;
  login(f);
  fx_type(f, "3");
  fx_type(f, "12345");
  fx_key(f, PK_KEY_ENTER, 0);
  assert_int_equal(f->fb.tracks, 0);
  assert_string_equal(pk_app_message(f->app),
                      "A tracking code has 16 digits and a queue reference 10. Compare the number with your receipt.");
  clear_query(f);
  fx_type(f, "1234567890"); /* a queue reference with a wrong check digit */
  fx_key(f, PK_KEY_ENTER, 0);
  assert_int_equal(f->fb.tracks, 0);
  assert_string_equal(pk_app_message(f->app), "No request has this number; compare it with your receipt.");
  clear_query(f);
  fx_type(f, "۱۲۳ ۴۵۶ ۷۸۹۴");
  fx_key(f, PK_KEY_ENTER, 0);
  assert_int_equal(f->fb.tracks, 1);
  assert_string_equal(f->fb.last_tracking, "1234567894");
  assert_null(pk_app_message(f->app));
}

/* A bare keypad enters a date: digits alone, then the picker's month (PgUp/PgDn) and year (+/-)
 * steps; a birth date after today is refused where it is typed. */
static void test_a_date_from_a_bare_keypad(void **state) {
  fixture *f = *state;
  login(f);
  fx_type(f, "1");
  fx_type(f, "مالیاتی");
  fx_key(f, PK_KEY_ENTER, 0);
  fx_key(f, PK_KEY_ENTER, 0);
  fx_type(f, "0071234561");
  fx_key(f, PK_KEY_ENTER, 0);
  fx_type(f, "۱۴۹۹۰۱۰۱");
  fx_key(f, PK_KEY_ENTER, 0);
  assert_int_equal(pk_app_form_current(f->app), 1);
  assert_non_null(pk_app_form_error(f->app, 1));
  while (pk_app_form_value(f->app, 1)[0]) fx_key(f, PK_KEY_BACK, 0);
  fx_type(f, "۱۳۷۰۰۵۱۲");
  fx_key(f, PK_KEY_PGUP, 0);
  assert_string_equal(pk_app_form_value(f->app, 1), "1370/06/12");
  fx_type(f, "+");
  assert_string_equal(pk_app_form_value(f->app, 1), "1371/06/12");
  fx_type(f, "--");
  assert_string_equal(pk_app_form_value(f->app, 1), "1369/06/12");
  fx_key(f, PK_KEY_ENTER, 0);
  assert_null(pk_app_form_error(f->app, 1));
  assert_int_equal(pk_app_form_current(f->app), 2);
}

/* A message belongs to the screen that raised it: an unknown code's answer is told on the status
 * screen only, never on the dashboard, the inbox, the search or an unrelated request's review;
 * a failure on the inbox stays while the inbox is shown. */
static void test_a_message_stays_on_its_screen(void **state) {
  fixture *f = *state;
  login(f);
  fx_type(f, "3");
  fx_type(f, "1457143582487267");
  fx_key(f, PK_KEY_ENTER, 0);
  pk_app_failure unknown = {.msgid = "The national window did not accept this request."};
  pk_app_track_done(f->app, f->fb.last_gen, &unknown, NULL);
  assert_non_null(pk_app_message(f->app));
  fx_key(f, PK_KEY_CANCEL, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_DASHBOARD);
  assert_null(pk_app_message(f->app));
  assert_null(pk_app_failure_shown(f->app));
  fx_type(f, "4");
  pk_app_inbox_done(f->app, f->fb.last_gen, &unknown, NULL, 0);
  assert_non_null(pk_app_failure_shown(f->app));
  fx_key(f, PK_KEY_DOWN, 0);
  assert_non_null(pk_app_failure_shown(f->app));
  fx_key(f, PK_KEY_BACK, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_DASHBOARD);
  assert_null(pk_app_message(f->app));
  fx_type(f, "1");
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_SEARCH);
  assert_null(pk_app_message(f->app));
  fx_type(f, "پرونده");
  fx_key(f, PK_KEY_ENTER, 0);
  fx_key(f, PK_KEY_ENTER, 0);
  fx_key(f, PK_KEY_ENTER, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_REVIEW);
  assert_null(pk_app_message(f->app));
  assert_null(pk_app_failure_shown(f->app));
}

/* The inbox is not a dead end: a digit opens its item (and the screen is redrawn), Back closes
 * it; a proactive notice leads on to its service and its form, and Back from the service
 * returns to the inbox, not to a list the citizen never saw. */
static void test_an_inbox_notice_opens_and_leads_to_its_service(void **state) {
  fixture *f = *state;
  login(f);
  fx_type(f, "4");
  pk_app_inbox_item items[2] = {
      {.kind = "letter", .title_fa = "ابلاغیه سازمان امور مالیاتی", .body_fa = "مهلت اظهارنامه", .at = 1},
      {.kind = "proactive", .title_fa = "نام‌نویسی پایه اول ابتدایی", .body_fa = "فرزند شما ثبت نام شد.", .at = 2},
  };
  pk_app_inbox_done(f->app, f->fb.last_gen, NULL, items, 2);
  pk_app_take_dirty(f->app);
  fx_type(f, "1");
  assert_true(pk_app_take_dirty(f->app));
  assert_non_null(pk_app_inbox_opened(f->app));
  assert_string_equal(pk_app_inbox_opened(f->app)->body_fa, "مهلت اظهارنامه");
  assert_null(pk_app_inbox_service(f->app)); /* a letter offers no service */
  fx_key(f, PK_KEY_ENTER, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_INBOX);
  fx_key(f, PK_KEY_BACK, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_INBOX);
  assert_null(pk_app_inbox_opened(f->app));
  fx_type(f, "۲"); /* the notice, by a Persian digit */
  assert_string_equal(pk_app_inbox_opened(f->app)->kind, "proactive");
  assert_string_equal(pk_app_inbox_service(f->app)->id, "edu-0002");
  fx_key(f, PK_KEY_ENTER, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_SERVICE);
  assert_string_equal(pk_app_current_service(f->app)->id, "edu-0002");
  fx_key(f, PK_KEY_ENTER, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_FORM);
  fx_key(f, PK_KEY_CANCEL, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_SERVICE);
  fx_key(f, PK_KEY_BACK, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_INBOX);
}

/* No memory for the form: the citizen stays on the service card with a message, nothing
 * half-made is kept, and the next try works. */
/* At start, while earlier requests are being resolved, a card put in waits: nobody is served
 * until the hold ends, and then the card is taken without being put in again. */
static void test_a_card_waits_while_earlier_requests_are_resolved(void **state) {
  fixture *f = *state;
  pk_app_set_hold(f->app, "Please wait: the kiosk is confirming earlier requests with the national window.");
  pk_app_card_inserted(f->app, "R", f->now);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_HOME);
  assert_int_equal(f->fb.opens, 0);
  pk_app_set_hold(f->app, NULL);
  assert_int_not_equal(pk_app_screen(f->app), PK_SCREEN_HOME);
  assert_int_equal(f->fb.opens, 1);
}

static void test_form_without_memory_says_so_and_keeps_nothing(void **state) {
  fixture *f = *state;
  login(f);
  fx_type(f, "2");
  fx_type(f, "1"); /* edu: its first service, the report card */
  fx_type(f, "1");
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_SERVICE);
  fail_calloc_after(1); /* the values succeed, the error slots do not */
  fx_key(f, PK_KEY_ENTER, 0);
  assert_int_equal(calloc_failures(), 1);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_SERVICE);
  assert_string_equal(pk_app_message(f->app), "The kiosk could not open this form. Please try again.");
  assert_int_equal(pk_app_form(f->app, NULL), 0);
  fx_key(f, PK_KEY_ENTER, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_FORM);
}

int main(void) {
  pk_i18n_init(NULL);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_browse_by_agency_sorted_in_persian, fx_setup, fx_teardown),
      cmocka_unit_test_setup_teardown(test_search_with_arabic_yeh_then_form_and_submit, fx_setup, fx_teardown),
      cmocka_unit_test_setup_teardown(test_a_card_citizen_is_not_asked_what_the_card_knows, fx_setup, fx_teardown),
      cmocka_unit_test_setup_teardown(test_a_code_citizen_is_not_asked_the_code_they_signed_in_with, fx_setup, fx_teardown),
      cmocka_unit_test_setup_teardown(test_esc_asks_before_a_filled_form_is_dropped, fx_setup, fx_teardown),
    cmocka_unit_test_setup_teardown(test_a_held_backspace_stops_at_the_field_it_emptied, fx_setup, fx_teardown),
    cmocka_unit_test_setup_teardown(test_idle_time_counts_from_the_new_screen, fx_setup, fx_teardown),
    cmocka_unit_test_setup_teardown(test_failed_submit_keeps_the_form, fx_setup, fx_teardown),
      cmocka_unit_test_setup_teardown(test_removal_mid_form_and_timeout_from_every_flow_screen, fx_setup, fx_teardown),
      cmocka_unit_test_setup_teardown(test_status_by_tracking_code, fx_setup, fx_teardown),
      cmocka_unit_test_setup_teardown(test_a_message_stays_on_its_screen, fx_setup, fx_teardown),
      cmocka_unit_test_setup_teardown(test_a_date_from_a_bare_keypad, fx_setup, fx_teardown),
      cmocka_unit_test_setup_teardown(test_a_code_of_the_wrong_shape_is_not_asked_about, fx_setup, fx_teardown),
      cmocka_unit_test_setup_teardown(test_form_without_memory_says_so_and_keeps_nothing, fx_setup, fx_teardown),
      cmocka_unit_test_setup_teardown(test_a_card_waits_while_earlier_requests_are_resolved, fx_setup, fx_teardown),
      cmocka_unit_test_setup_teardown(test_an_inbox_notice_opens_and_leads_to_its_service, fx_setup, fx_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
