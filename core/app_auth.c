/* From the home screen to a logged-in citizen: card reading, refusals, PIN, login. */
#include "app_input.h"
#include "app_private.h"
#include "pishkhan/i18n.h"
#include "pishkhan/log.h"

static void home_enter(pk_app *app) {
  /* A card left in the reader after a wipe must come out before the next citizen. */
  if (app->card_present) pk_app_set_message(app, N_("Please remove your card."));
}

static void home_key(pk_app *app, pk_key key) { (void)app, (void)key; }

const pk_screen_ops pk_screen_home = {home_enter, home_key, NULL};

static void card_read_enter(pk_app *app) {
  app->message = NULL;
  app->ops->card_open(app->be, app, app->gen);
}

static void card_read_key(pk_app *app, pk_key key) {
  if (key.code == PK_KEY_CANCEL) pk_app_wipe_session(app, "cancelled");
}

const pk_screen_ops pk_screen_card_read = {card_read_enter, card_read_key, NULL};

/* A refused card: the message stays until the card is removed (or the idle timeout). */
static void card_error_key(pk_app *app, pk_key key) {
  if (key.code == PK_KEY_ENTER || key.code == PK_KEY_CANCEL) pk_app_wipe_session(app, "card refused");
}

const pk_screen_ops pk_screen_card_error = {NULL, card_error_key, NULL};
const pk_screen_ops pk_screen_pin_blocked = {NULL, card_error_key, NULL};

/* With a PIN pad the kiosk never sees the PIN: the card reader asks for it at once. */
static void pin_enter(pk_app *app) {
  pk_secret_clear(app->pin);
  if (!app->pinpad) return;
  app->ops->card_login(app->be, app, app->gen, app->pin);
  pk_app_go(app, PK_SCREEN_AUTH);
}

static void pin_submit(pk_app *app) {
  if (pk_secret_len(app->pin) < PK_PIN_MIN) {
    pk_app_set_message(app, N_("The PIN has at least 4 digits."));
    return;
  }
  app->message = NULL;
  app->ops->card_login(app->be, app, app->gen, app->pin);
  /* The backend has taken its own locked copy; leaving the PIN screen wipes ours. */
  pk_app_go(app, PK_SCREEN_AUTH);
}

static void pin_key(pk_app *app, pk_key key) {
  int d = pk_key_digit(key);
  if (d >= 0) {
    if (pk_secret_push(app->pin, (uint8_t)('0' + d)) == 0) app->dirty = true;
    return;
  }
  switch (key.code) {
  case PK_KEY_BACK:
    pk_secret_pop(app->pin);
    app->dirty = true;
    break;
  case PK_KEY_ENTER: pin_submit(app); break;
  case PK_KEY_CANCEL: pk_app_wipe_session(app, "cancelled at PIN"); break;
  default: break;
  }
}

static void pin_leave(pk_app *app) { pk_secret_clear(app->pin); }

const pk_screen_ops pk_screen_pin = {pin_enter, pin_key, pin_leave};

static void auth_key(pk_app *app, pk_key key) {
  if (key.code == PK_KEY_CANCEL) pk_app_wipe_session(app, "cancelled during login");
}

const pk_screen_ops pk_screen_auth = {NULL, auth_key, NULL};

static void refuse(pk_app *app, pk_card_result res) {
  app->card_res = res;
  pk_app_go(app, res == PK_CARDRES_PIN_BLOCKED ? PK_SCREEN_PIN_BLOCKED : PK_SCREEN_CARD_ERROR);
}

void pk_app_card_open_done(pk_app *app, unsigned gen, pk_card_result res, const pk_citizen *who,
                           int tries) {
  if (gen != app->gen || app->screen != PK_SCREEN_CARD_READ) return;
  app->pin_tries = tries;
  if (res != PK_CARDRES_OK) {
    refuse(app, res);
    return;
  }
  app->who = *who;
  app->card_res = PK_CARDRES_OK;
  if (tries == 0) refuse(app, PK_CARDRES_PIN_BLOCKED);
  else pk_app_go(app, PK_SCREEN_PIN);
}

void pk_app_card_pinpad(pk_app *app, unsigned gen) {
  if (gen == app->gen && app->screen == PK_SCREEN_CARD_READ) app->pinpad = true;
}

void pk_app_card_login_done(pk_app *app, unsigned gen, pk_card_result res, int tries) {
  if (gen != app->gen || app->screen != PK_SCREEN_AUTH) return;
  app->pin_tries = tries;
  app->card_res = res;
  switch (res) {
  case PK_CARDRES_OK:
    app->has_session = true;
    app->level = 3; /* card + PIN + signature: the strongest level */
    pk_info("citizen logged in");
    pk_app_go(app, PK_SCREEN_DASHBOARD);
    break;
  case PK_CARDRES_PIN_WRONG:
    pk_app_go(app, PK_SCREEN_PIN);
    pk_app_set_message(app, N_("Wrong PIN."));
    break;
  case PK_CARDRES_REMOVED: pk_app_wipe_session(app, "card removed during login"); break;
  default: refuse(app, res); break;
  }
}

static void dashboard_enter(pk_app *app) {
  app->sel = 0;
  app->query[0] = 0;
}

static void dashboard_key(pk_app *app, pk_key key) {
  static const pk_screen_id shortcuts[] = {PK_SCREEN_DASHBOARD, PK_SCREEN_SEARCH, PK_SCREEN_AGENCIES,
                                           PK_SCREEN_STATUS, PK_SCREEN_INBOX, PK_SCREEN_DOCUMENT};
  int d = pk_key_digit(key);
  if (d == 0 || key.code == PK_KEY_CANCEL) pk_app_wipe_session(app, "logout");
  else if (d > 0 && d < (int)(sizeof shortcuts / sizeof *shortcuts)) pk_app_go(app, shortcuts[d]);
}

const pk_screen_ops pk_screen_dashboard = {dashboard_enter, dashboard_key, NULL};
