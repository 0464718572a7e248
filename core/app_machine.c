/* The state machine as data: where each event leads from each screen, and the one place that
 * switches screens and wipes a session. Screens (app_*.c) do their work and return an event;
 * only this table decides what follows (the Belgian eID viewer's state table, htop's
 * reactions). Every screen but home belongs to the parent state "session": its exits (card
 * removed, idle timeout, sign out, cancel, take the card) lead home, and entering home wipes. */
#include <pthread.h>
#include <stdio.h>

#include "app_private.h"
#include "pishkhan/log.h"

#define S(id) PK_SCREEN_##id
#define E(id) PK_EV_APP_##id

static const pk_transition table[] = {
    {S(HOME), E(CARD_INSERTED), S(CARD_READ)},
    {S(HOME), E(CARD_REMOVED), S(HOME)}, /* a card left behind is taken: the prompt goes */
    {PK_STATE_SESSION, E(CARD_REMOVED), S(HOME)},
    {PK_STATE_SESSION, E(IDLE_TIMEOUT), S(HOME)},
    {PK_STATE_SESSION, E(LOGOUT), S(HOME)},
    {PK_STATE_SESSION, E(CANCEL), S(HOME)},
    {PK_STATE_SESSION, E(TAKE_CARD), S(HOME)},
    {S(CARD_READ), E(CARD_VERIFIED), S(PIN)},
    {S(CARD_READ), E(CARD_REFUSED), S(CARD_ERROR)},
    {S(CARD_READ), E(PIN_BLOCKED), S(PIN_BLOCKED)},
    {S(PIN), E(PIN_ENTERED), S(AUTH)},
    {S(PIN), E(PINPAD), S(AUTH)},
    {S(AUTH), E(LOGGED_IN), S(DASHBOARD)},
    {S(AUTH), E(PIN_WRONG), S(PIN)},
    {S(AUTH), E(PIN_BLOCKED), S(PIN_BLOCKED)},
    {S(AUTH), E(CARD_REFUSED), S(CARD_ERROR)},
    {S(HOME), E(MENU_OTP), S(OTP_ID)},
    {S(OTP_ID), E(OTP_SENT), S(OTP_CODE)},
    {S(OTP_ID), E(BACK), S(HOME)},
    {S(OTP_CODE), E(LOGGED_IN), S(DASHBOARD)},
    {S(OTP_CODE), E(BACK), S(OTP_ID)},
    {S(HOME), E(MENU_LEVEL1), S(LEVEL1)},
    {S(LEVEL1), E(LOGGED_IN), S(DASHBOARD)},
    {S(LEVEL1), E(BACK), S(HOME)},
    {S(DASHBOARD), E(MENU_SEARCH), S(SEARCH)},
    {S(DASHBOARD), E(MENU_AGENCIES), S(AGENCIES)},
    {S(DASHBOARD), E(MENU_STATUS), S(STATUS)},
    {S(DASHBOARD), E(MENU_INBOX), S(INBOX)},
    {S(DASHBOARD), E(MENU_DOCUMENT), S(DOCUMENT)},
    {S(AGENCIES), E(OPEN), S(SERVICES)},
    {S(AGENCIES), E(BACK), S(DASHBOARD)},
    {S(SERVICES), E(OPEN), S(SERVICE)},
    {S(SERVICES), E(BACK), S(AGENCIES)},
    {S(SEARCH), E(OPEN), S(SERVICE)},
    {S(SEARCH), E(BACK), S(DASHBOARD)},
    {S(SERVICE), E(REQUEST), S(FORM)},
    {S(SERVICE), E(BACK), S(SERVICES)},
    {S(SERVICE), E(BACK_TO_SEARCH), S(SEARCH)},
    {S(FORM), E(FORM_DONE), S(REVIEW)},
    {S(FORM), E(BACK), S(SERVICE)},
    {S(REVIEW), E(SEND), S(SUBMIT)},
    {S(REVIEW), E(PAY), S(PAY)},
    {S(PAY), E(PAID), S(SUBMIT)},
    {S(PAY), E(PAY_CANCELLED), S(REVIEW)},
    {S(REVIEW), E(BACK), S(FORM)},
    {S(REVIEW), E(SUBMITTED), S(RECEIPT)}, /* a request in doubt turned out registered */
    {S(SUBMIT), E(SUBMITTED), S(RECEIPT)},
    {S(SUBMIT), E(SUBMIT_FAILED), S(REVIEW)},
    {S(SUBMIT), E(STOP_WAITING), S(REVIEW)},
    {S(RECEIPT), E(DONE), S(DASHBOARD)},
    {S(STATUS), E(BACK), S(DASHBOARD)},
    {S(INBOX), E(BACK), S(DASHBOARD)},
    {S(INBOX), E(OPEN), S(SERVICE)}, /* a proactive notice leads to its service */
    {S(SERVICE), E(BACK_TO_INBOX), S(INBOX)},
    {S(DOCUMENT), E(BACK), S(DASHBOARD)},
    {S(DASHBOARD), E(MENU_ENTITY), S(ENTITY)},
    {S(ENTITY), E(OPEN), S(DASHBOARD)},
    {S(ENTITY), E(BACK), S(DASHBOARD)},
    {S(DASHBOARD), E(OPEN), S(SERVICE)}, /* the service the way up was asked for, once signed in again */
    /* Counter mode (app_desk.c): the clerk's sign-in ends at the desk, which home shows, and
     * the next citizen is one key from anywhere. */
    {S(AUTH), E(CLERK_CONFIRMED), S(HOME)},
    {PK_STATE_SESSION, E(NEXT_CITIZEN), S(HOME)},
};

const pk_transition *pk_app_transitions(size_t *n) {
  *n = sizeof table / sizeof *table;
  return table;
}

bool pk_screen_in_session(pk_screen_id id) { return id != PK_SCREEN_HOME && id < PK_SCREEN_COUNT; }

static int lookup(int from, pk_app_event ev) {
  for (size_t i = 0; i < sizeof table / sizeof *table; i++)
    if (table[i].from == from && table[i].ev == ev) return (int)table[i].to;
  return -1;
}

int pk_app_next_screen(pk_screen_id from, pk_app_event ev) {
  int to = lookup((int)from, ev);
  if (to < 0 && pk_screen_in_session(from)) to = lookup(PK_STATE_SESSION, ev);
  return to;
}

/* ---- names, from the one lists in app_states.h: logged and documented as the identifier in
 * lower case with dashes ("card-read", "card-removed"). */
#define X_SCREEN_ID(id, name, what) #id,
#define X_WHAT(id, name, what) what,
#define X_OPS(id, name, what) &pk_screen_##name,
#define X_EVENT_ID(id, what) #id,
#define X_CAUSE(id, what) what,
static const char *const screen_ids[] = {PK_SCREENS(X_SCREEN_ID)};
static const char *const screen_whats[] = {PK_SCREENS(X_WHAT)};
static const pk_screen_ops *const screen_ops[] = {PK_SCREENS(X_OPS)};
static const char *const event_ids[] = {PK_APP_EVENTS(X_EVENT_ID)};
static const char *const event_causes[] = {PK_APP_EVENTS(X_CAUSE)};

static char screen_names[PK_SCREEN_COUNT][32], event_names[PK_EV_APP_COUNT][32];

static void dashed(char *buf, size_t n, const char *id) {
  size_t i = 0;
  for (; id[i] && i + 1 < n; i++) buf[i] = id[i] == '_' ? '-' : (char)(id[i] | 0x20);
  buf[i] = 0;
}

static void make_names(void) {
  for (int i = 0; i < PK_SCREEN_COUNT; i++) dashed(screen_names[i], sizeof screen_names[i], screen_ids[i]);
  for (int i = 0; i < PK_EV_APP_COUNT; i++) dashed(event_names[i], sizeof event_names[i], event_ids[i]);
}

/* Made once, from any thread (a log line may name a screen). */
static void names_once(void) {
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, make_names);
}

const char *pk_screen_name(pk_screen_id id) {
  names_once();
  return id < PK_SCREEN_COUNT ? screen_names[id] : "?";
}

const char *pk_app_event_name(pk_app_event ev) {
  names_once();
  return ev < PK_EV_APP_COUNT ? event_names[ev] : "?";
}

const char *pk_screen_what(pk_screen_id id) { return id < PK_SCREEN_COUNT ? screen_whats[id] : "?"; }
const char *pk_app_event_cause(pk_app_event ev) { return ev < PK_EV_APP_COUNT ? event_causes[ev] : "?"; }

const pk_screen_ops *pk_app_screen_ops(pk_screen_id id) { return id < PK_SCREEN_COUNT ? screen_ops[id] : NULL; }

/* Everything that belongs to the citizen goes: identity, PIN, token (backend), results. */
void pk_app_wipe(pk_app *app, const char *why) {
  bool had = app->has_session || app->screen != PK_SCREEN_HOME;
  if (app->ops && app->ops->cancel) app->ops->cancel(app->be);
  if (app->ops && app->ops->card_close) app->ops->card_close(app->be);
  pk_secret_clear(app->pin);
  pk_wipe(&app->who, sizeof app->who);
  pk_wipe(&app->recent, sizeof app->recent);
  pk_wipe(app->otp_nc, sizeof app->otp_nc);
  pk_wipe(app->otp_mobile, sizeof app->otp_mobile);
  pk_wipe(app->otp_masked, sizeof app->otp_masked);
  pk_wipe(app->l1_birth, sizeof app->l1_birth);
  if (!app->stepping_up) pk_wipe(app->want_service, sizeof app->want_service); /* the way up keeps it */
  app->stepping_up = false;
  app->otp_field = 0;
  app->otp_busy = false;
  app->clerk_authing = false;
  app->confirm_wait = false;
  pk_app_forget_entities(app);
  pk_app_forget_form(app);
  pk_app_forget_results(app);
  app->nitems = app->sel = 0;
  app->agency = NULL;
  app->service = NULL;
  app->level = 0;
  app->has_session = false;
  app->pinpad = false;
  app->pin_tries = -1;
  app->countdown = -1;
  app->gen++;
  app->message = NULL;
  app->dirty = true;
  if (had) pk_info("session wiped (%s)", why);
}

static pk_app_event switch_to(pk_app *app, pk_screen_id to, pk_app_event why) {
  const pk_screen_ops *from = pk_app_screen_ops(app->screen);
  if (from->leave) from->leave(app);
  if (to == PK_SCREEN_HOME) {
    char reason[96];
    snprintf(reason, sizeof reason, "%s at %s", pk_app_event_name(why), pk_screen_name(app->screen));
    pk_app_wipe(app, reason);
    pk_app_desk_citizen_left(app);
  }
  if (app->message_input != app->inputs) app->message = NULL; /* it stays with its screen */
  app->help = false;                                              /* and so does its help */
  pk_app_tech_close(app);
  /* A new screen is something new to read: the idle time counts from it, not from the key that
   * began a slow sign-in or submit. */
  app->last_activity = app->now;
  app->screen = to;
  app->dirty = true;
  const pk_screen_ops *ops = pk_app_screen_ops(to);
  return ops->enter ? ops->enter(app) : PK_EV_APP_NONE;
}

/* An enter action may answer with an event of its own (a PIN pad reader sends the PIN screen
 * straight on); the bound only guards against a table that would loop. */
void pk_app_dispatch(pk_app *app, pk_app_event ev) {
  for (int hops = 0; ev != PK_EV_APP_NONE && hops < 4; hops++) {
    int to = pk_app_next_screen(app->screen, ev);
    if (to < 0) {
      pk_debug("event %s ignored on %s", pk_app_event_name(ev), pk_screen_name(app->screen));
      return;
    }
    ev = switch_to(app, (pk_screen_id)to, ev);
  }
}
