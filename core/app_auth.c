/* From the home screen to a logged-in citizen: card reading, refusals, PIN, login. */
#include "app_input.h"
#include "app_private.h"
#include "pishkhan/i18n.h"
#include "pishkhan/log.h"

static pk_app_event home_enter(pk_app *app) {
  /* A card left in the reader after a wipe must come out before the next citizen. */
  if (app->card_present) pk_app_set_message(app, N_("Please remove your card."));
  else if (app->want_service[0])
    pk_app_set_message(app, pk_app_want_msgid);
  return PK_EV_APP_NONE;
}

/* Without a card: 1 signs in by a code sent to the mobile, 2 by the national code and date of
 * birth (level 1 services only); a card inserted wins, as always. */
static pk_app_event home_key(pk_app *app, pk_key key) {
  if (app->card_present || app->hold) return PK_EV_APP_NONE;
  switch (pk_key_digit(key)) {
  case 1: return PK_EV_APP_MENU_OTP;
  case 2: return PK_EV_APP_MENU_LEVEL1;
  default: return PK_EV_APP_NONE;
  }
}

const pk_screen_ops pk_screen_home = {home_enter, home_key, NULL};

static pk_app_event card_read_enter(pk_app *app) {
  app->message = NULL;
  app->ops->card_open(app->be, app, app->gen);
  return PK_EV_APP_NONE;
}

static pk_app_event cancel_key(pk_app *app, pk_key key) {
  return key.code == PK_KEY_CANCEL ? PK_EV_APP_CANCEL : PK_EV_APP_NONE;
}

const pk_screen_ops pk_screen_card_read = {card_read_enter, cancel_key, NULL};

/* A refused card: the message stays until the card is removed (or the idle timeout). */
static pk_app_event card_error_key(pk_app *app, pk_key key) {
  return key.code == PK_KEY_ENTER || key.code == PK_KEY_CANCEL ? PK_EV_APP_TAKE_CARD : PK_EV_APP_NONE;
}

const pk_screen_ops pk_screen_card_error = {NULL, card_error_key, NULL};
const pk_screen_ops pk_screen_pin_blocked = {NULL, card_error_key, NULL};

/* With a PIN pad the kiosk never sees the PIN: the card reader asks for it at once. */
static pk_app_event pin_enter(pk_app *app) {
  pk_secret_clear(app->pin);
  if (!app->pinpad) return PK_EV_APP_NONE;
  app->ops->card_login(app->be, app, app->gen, app->pin);
  return PK_EV_APP_PINPAD;
}

static pk_app_event pin_submit(pk_app *app) {
  if (pk_secret_len(app->pin) < PK_CARD_PIN_MIN) {
    pk_app_set_message(app, N_("The PIN has at least 4 digits."));
    return PK_EV_APP_NONE;
  }
  app->message = NULL;
  app->ops->card_login(app->be, app, app->gen, app->pin);
  /* The backend has taken its own locked copy; leaving the PIN screen wipes ours. */
  return PK_EV_APP_PIN_ENTERED;
}

/* The card takes PK_CARD_PIN_MAX digits at most: one more is refused here, where it is typed,
 * not by the card as a communication error after Enter. */
static void pin_digit(pk_app *app, int d) {
  if (pk_secret_len(app->pin) >= PK_CARD_PIN_MAX) {
    pk_app_set_message(app, N_("The PIN has at most 8 digits."));
    return;
  }
  if (pk_secret_push(app->pin, (uint8_t)('0' + d)) == 0) app->dirty = true;
}

static pk_app_event pin_key(pk_app *app, pk_key key) {
  int d = pk_key_digit(key);
  if (d >= 0) {
    pin_digit(app, d);
    return PK_EV_APP_NONE;
  }
  switch (key.code) {
  case PK_KEY_BACK:
    pk_secret_pop(app->pin);
    app->dirty = true;
    return PK_EV_APP_NONE;
  case PK_KEY_ENTER: return pin_submit(app);
  case PK_KEY_CANCEL: return PK_EV_APP_CANCEL;
  default: return PK_EV_APP_NONE;
  }
}

static void pin_leave(pk_app *app) { pk_secret_clear(app->pin); }

const pk_screen_ops pk_screen_pin = {pin_enter, pin_key, pin_leave};
const pk_screen_ops pk_screen_auth = {NULL, cancel_key, NULL};

static pk_app_event refusal(pk_app *app, pk_card_result res) {
  app->card_res = res;
  return res == PK_CARDRES_PIN_BLOCKED ? PK_EV_APP_PIN_BLOCKED : PK_EV_APP_CARD_REFUSED;
}

static pk_app_event card_opened(pk_app *app, pk_card_result res, const pk_citizen *who, int tries) {
  app->pin_tries = tries;
  if (res != PK_CARDRES_OK) return refusal(app, res);
  pk_card_result desk = pk_app_desk_card_check(app, who);
  if (desk != PK_CARDRES_OK) return refusal(app, desk);
  app->who = *who;
  app->who.by_card = true;
  app->card_res = PK_CARDRES_OK;
  return tries == 0 ? refusal(app, PK_CARDRES_PIN_BLOCKED) : PK_EV_APP_CARD_VERIFIED;
}

void pk_app_card_open_done(pk_app *app, unsigned gen, pk_card_result res, const pk_citizen *who,
                           int tries) {
  if (gen != app->gen || app->screen != PK_SCREEN_CARD_READ) return;
  pk_app_input_begins(app);
  pk_app_dispatch(app, card_opened(app, res, who, tries));
}

void pk_app_card_pinpad(pk_app *app, unsigned gen) {
  if (gen == app->gen && app->screen == PK_SCREEN_CARD_READ) app->pinpad = true;
}

static pk_app_event logged_in(pk_app *app, pk_card_result res, int tries) {
  app->pin_tries = tries;
  app->card_res = res;
  switch (res) {
  case PK_CARDRES_OK:
    if (app->clerk_authing) return pk_app_desk_clerk_signed(app);
    pk_app_desk_citizen_signed(app, PK_WAY_CARD);
    app->has_session = true;
    app->level = 3; /* card + PIN + signature: the strongest level */
    pk_info("citizen logged in");
    return PK_EV_APP_LOGGED_IN;
  case PK_CARDRES_PIN_WRONG:
    pk_app_set_message(app, N_("Wrong PIN."));
    return PK_EV_APP_PIN_WRONG;
  case PK_CARDRES_REMOVED: return PK_EV_APP_CARD_REMOVED;
  default: return refusal(app, res);
  }
}

void pk_app_card_login_done(pk_app *app, unsigned gen, pk_card_result res, int tries) {
  if (gen != app->gen || app->screen != PK_SCREEN_AUTH) return;
  pk_app_input_begins(app);
  pk_app_dispatch(app, logged_in(app, res, tries));
}

static pk_app_event dashboard_enter(pk_app *app) {
  app->sel = 0;
  app->query[0] = 0;
  app->search_picking = false;
  return pk_app_wanted_service(app);
}

static pk_app_event dashboard_key(pk_app *app, pk_key key) {
  static const pk_app_event menu[] = {PK_EV_APP_LOGOUT,      PK_EV_APP_MENU_SEARCH, PK_EV_APP_MENU_AGENCIES,
                                      PK_EV_APP_MENU_STATUS, PK_EV_APP_MENU_INBOX,  PK_EV_APP_MENU_DOCUMENT,
                                      PK_EV_APP_MENU_ENTITY};
  int d = pk_key_digit(key);
  if (key.code == PK_KEY_CANCEL) return PK_EV_APP_LOGOUT;
  if (d >= 7) return pk_app_quick_key(app, d);
  return d >= 0 && d < (int)(sizeof menu / sizeof *menu) ? menu[d] : PK_EV_APP_NONE;
}

const pk_screen_ops pk_screen_dashboard = {dashboard_enter, dashboard_key, NULL};
