/* Signing in without a card. Levels 1 and 2: the national code and the mobile registered for
 * it, then the one-time code the window sends there; the code is a secret like the PIN: it goes
 * into the same pk_secret, is shown as stars and is wiped with the session. Level 1 only: the
 * national code and the date of birth, which the window checks against the civil register. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app_input.h"
#include "app_private.h"
#include "pishkhan/form.h"
#include "pishkhan/i18n.h"
#include "pishkhan/log.h"

enum { OTP_MIN = 4, OTP_MAX = 8 };

static bool mobile_valid(const char *m) { return strlen(m) == 11 && m[0] == '0' && m[1] == '9'; }

/* A digit of any script into an ASCII field; false when the field is full or it is no digit. */
static bool push_digit(char *field, size_t cap, pk_key key) {
  int d = pk_key_digit(key);
  size_t n = strlen(field);
  if (d < 0 || n + 1 >= cap) return false;
  field[n] = (char)('0' + d), field[n + 1] = '\0';
  return true;
}

static pk_app_event otp_id_enter(pk_app *app) {
  app->otp_busy = false;
  return PK_EV_APP_NONE;
}

/* Both ways in without a card ask the national code (field 0) and then one more thing (field
 * 1, typed into second): digits, Backspace back through both, Enter on the code checks it and
 * moves on, Enter on the second field is the screen's own (send). */
static pk_app_event two_fields_key(pk_app *app, pk_key key, char *second, size_t cap2,
                                   pk_app_event (*send)(pk_app *app)) {
  if (app->otp_busy) return PK_EV_APP_NONE; /* Esc still leaves: the session's row */
  char *field = app->otp_field ? second : app->otp_nc;
  size_t cap = app->otp_field ? cap2 : sizeof app->otp_nc;
  app->dirty = true;
  if (push_digit(field, cap, key)) return PK_EV_APP_NONE;
  switch (key.code) {
  case PK_KEY_ENTER:
    if (app->otp_field) return send(app);
    if (pk_national_code_digits_valid(app->otp_nc)) app->otp_field = 1;
    else pk_app_set_message(app, N_("This national code is not valid. Please check its 10 digits."));
    return PK_EV_APP_NONE;
  case PK_KEY_BACK:
    if (field[0]) field[strlen(field) - 1] = '\0';
    else if (app->otp_field) app->otp_field = 0;
    else return PK_EV_APP_BACK;
    return PK_EV_APP_NONE;
  default: return PK_EV_APP_NONE;
  }
}

static pk_app_event ask_for_code(pk_app *app) {
  if (!mobile_valid(app->otp_mobile)) {
    pk_app_set_message(app, N_("Please type the mobile number registered for your national code: 11 digits, starting with 09."));
    return PK_EV_APP_NONE;
  }
  app->otp_busy = true;
  app->message = NULL;
  app->ops->otp_request(app->be, app, app->gen, app->otp_nc, app->otp_mobile);
  return PK_EV_APP_NONE;
}

static pk_app_event otp_id_key(pk_app *app, pk_key key) {
  return two_fields_key(app, key, app->otp_mobile, sizeof app->otp_mobile, ask_for_code);
}

const pk_screen_ops pk_screen_otp_id = {otp_id_enter, otp_id_key, NULL};

/* The window's answer, for the screen still waiting for it: false when it fails (said) or is
 * late (a wiped session, another screen). */
static bool otp_answer(pk_app *app, unsigned gen, pk_screen_id waiting, const pk_app_failure *fail) {
  if (gen != app->gen || app->screen != waiting) return false;
  pk_app_input_begins(app);
  app->otp_busy = false;
  app->dirty = true;
  if (fail) pk_app_fail(app, fail);
  return !fail;
}

void pk_app_otp_sent(pk_app *app, unsigned gen, const pk_app_failure *fail, const char *mobile_masked) {
  if (!otp_answer(app, gen, PK_SCREEN_OTP_ID, fail)) return;
  snprintf(app->otp_masked, sizeof app->otp_masked, "%s", mobile_masked ? mobile_masked : "");
  pk_app_dispatch(app, PK_EV_APP_OTP_SENT);
}

static pk_app_event otp_code_enter(pk_app *app) {
  pk_secret_clear(app->pin);
  app->otp_busy = false;
  return PK_EV_APP_NONE;
}

static pk_app_event otp_code_key(pk_app *app, pk_key key) {
  if (app->otp_busy) return PK_EV_APP_NONE;
  int d = pk_key_digit(key);
  app->dirty = true;
  if (d >= 0) {
    if (pk_secret_len(app->pin) < OTP_MAX) pk_secret_push(app->pin, (uint8_t)('0' + d));
    return PK_EV_APP_NONE;
  }
  switch (key.code) {
  case PK_KEY_BACK:
    if (!pk_secret_len(app->pin)) return PK_EV_APP_BACK;
    pk_secret_pop(app->pin);
    return PK_EV_APP_NONE;
  case PK_KEY_ENTER:
    if (pk_secret_len(app->pin) < OTP_MIN) {
      pk_app_set_message(app, N_("Please type the code from the text message on your mobile."));
      return PK_EV_APP_NONE;
    }
    app->otp_busy = true;
    app->message = NULL;
    app->ops->otp_verify(app->be, app, app->gen, app->pin);
    pk_secret_clear(app->pin);
    return PK_EV_APP_NONE;
  default: return PK_EV_APP_NONE;
  }
}

const pk_screen_ops pk_screen_otp_code = {otp_code_enter, otp_code_key, NULL};

/* A session without the card: who it is comes from what was typed (the window may add a name). */
static void signed_without_card(pk_app *app, pk_way_in way, int level, const char *name_fa, const char *name_en) {
  memset(&app->who, 0, sizeof app->who);
  snprintf(app->who.national_code, sizeof app->who.national_code, "%s", app->otp_nc);
  snprintf(app->who.name_fa, sizeof app->who.name_fa, "%s", name_fa ? name_fa : "");
  snprintf(app->who.name_en, sizeof app->who.name_en, "%s", name_en ? name_en : "");
  if (way == PK_WAY_LEVEL1 && strlen(app->l1_birth) == 8) /* the window checked it with the code */
    snprintf(app->who.birth_date, sizeof app->who.birth_date, "%.4s/%.2s/%.2s", app->l1_birth, app->l1_birth + 4,
             app->l1_birth + 6);
  pk_wipe(app->l1_birth, sizeof app->l1_birth);
  pk_app_desk_citizen_signed(app, way);
  app->has_session = true;
  app->level = level;
  pk_info("citizen logged in by %s (level %d)", way == PK_WAY_OTP ? "one-time code" : "date of birth", level);
  pk_app_dispatch(app, PK_EV_APP_LOGGED_IN);
}

void pk_app_otp_done(pk_app *app, unsigned gen, const pk_app_failure *fail, int level, const char *name_fa,
                     const char *name_en) {
  if (otp_answer(app, gen, PK_SCREEN_OTP_CODE, fail)) signed_without_card(app, PK_WAY_OTP, level, name_fa, name_en);
}

/* ---- level 1: the national code and the date of birth, for the services that ask no more */

static const pk_form_field birth_field = {.name = "birth_date", .type = PK_FIELD_JALALI_DATE, .required = true};

static pk_app_event level1_enter(pk_app *app) {
  app->otp_busy = false;
  app->otp_field = 0;
  return PK_EV_APP_NONE;
}

static pk_app_event level1_send(pk_app *app) {
  char date[16];
  snprintf(date, sizeof date, "%s", app->l1_birth);
  const char *problem = strlen(date) == 8 ? pk_form_check(&birth_field, date, (long long)time(NULL))
                                          : N_("Please type your date of birth as year, month and day: 8 digits, such as 13700512.");
  if (problem) {
    pk_app_set_message(app, problem);
    return PK_EV_APP_NONE;
  }
  snprintf(date, sizeof date, "%.4s-%.2s-%.2s", app->l1_birth, app->l1_birth + 4, app->l1_birth + 6);
  app->otp_busy = true;
  app->message = NULL;
  app->ops->level1(app->be, app, app->gen, app->otp_nc, date);
  return PK_EV_APP_NONE;
}

static pk_app_event level1_key(pk_app *app, pk_key key) {
  return two_fields_key(app, key, app->l1_birth, sizeof app->l1_birth, level1_send);
}

const pk_screen_ops pk_screen_level1 = {level1_enter, level1_key, NULL};

void pk_app_level1_done(pk_app *app, unsigned gen, const pk_app_failure *fail, int level) {
  if (otp_answer(app, gen, PK_SCREEN_LEVEL1, fail)) signed_without_card(app, PK_WAY_LEVEL1, level, NULL, NULL);
}

void pk_app_level1_birth(const pk_app *app, char *out, size_t size) {
  const char *b = app->l1_birth;
  size_t n = strlen(b);
  if (n <= 4) snprintf(out, size, "%s", b);
  else if (n <= 6) snprintf(out, size, "%.4s/%s", b, b + 4);
  else snprintf(out, size, "%.4s/%.2s/%s", b, b + 4, b + 6);
}

int pk_app_otp_field(const pk_app *app) { return app->otp_field; }
const char *pk_app_otp_national_code(const pk_app *app) { return app->otp_nc; }
const char *pk_app_otp_mobile(const pk_app *app) { return app->otp_mobile; }
const char *pk_app_otp_mobile_masked(const pk_app *app) { return app->otp_masked; }
bool pk_app_otp_busy(const pk_app *app) { return app->otp_busy; }
