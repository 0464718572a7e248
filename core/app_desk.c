/* Counter mode: the clerk's desk around the citizen's screens. A shift opens with the clerk's
 * own card and PIN (the card's role, confirmed by the window's register of clerks); the clerk's
 * card leaving its reader locks the counter at once and wipes the citizen's part; the same
 * clerk's card and PIN resume it. While the citizen's machine is at home the desk's state says
 * what the counter shows. The citizen's PIN, one-time code and the confirmation of an assisted
 * request come only from the citizen's side (PIN pad or the citizen-facing keypad). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app_input.h"
#include "app_private.h"
#include "pishkhan/i18n.h"
#include "pishkhan/log.h"

#define D(id) PK_DESK_##id
#define DE(id) PK_EV_DESK_##id

static const pk_transition_desk desk_table[] = {
    {D(CLOSED), DE(SHIFT_OPENED), D(OPEN)},
    {D(OPEN), DE(CLERK_CARD_OUT), D(LOCKED)},
    {D(OPEN), DE(CLERK_SWAP), D(SWAP)},
    {D(OPEN), DE(DESK_IDLE), D(LOCKED)},
    {D(OPEN), DE(END_SHIFT), D(REPORT)},
    {D(OPEN), DE(SHIFT_EXPIRED), D(REPORT)},
    {D(SWAP), DE(CITIZEN_GONE), D(LOCKED)},
    {D(SWAP), DE(DESK_IDLE), D(LOCKED)},
    {D(SWAP), DE(SHIFT_EXPIRED), D(REPORT)},
    {D(LOCKED), DE(RESUMED), D(OPEN)},
    {D(LOCKED), DE(SHIFT_EXPIRED), D(REPORT)},
    {D(REPORT), DE(REPORT_DONE), D(CLOSED)},
};

const pk_transition_desk *pk_app_desk_transitions(size_t *n) {
  *n = sizeof desk_table / sizeof *desk_table;
  return desk_table;
}

int pk_app_desk_next(pk_desk_state from, pk_desk_event ev) {
  for (size_t i = 0; i < sizeof desk_table / sizeof *desk_table; i++)
    if (desk_table[i].from == from && desk_table[i].ev == ev) return (int)desk_table[i].to;
  return -1;
}

#define X_NAME(id, name, what) #name,
#define X_WHAT(id, name, what) what,
#define X_EV(id, what) #id,
#define X_CAUSE(id, what) what,
static const char *const state_names[] = {PK_DESK_STATES(X_NAME)};
static const char *const state_whats[] = {PK_DESK_STATES(X_WHAT)};
static const char *const event_ids[] = {"NONE", PK_DESK_EVENTS(X_EV)};
static const char *const event_causes[] = {"nothing", PK_DESK_EVENTS(X_CAUSE)};

const char *pk_desk_state_name(pk_desk_state s) { return s < PK_DESK_COUNT ? state_names[s] : "?"; }
const char *pk_desk_state_what(pk_desk_state s) { return s < PK_DESK_COUNT ? state_whats[s] : "?"; }
const char *pk_desk_event_name(pk_desk_event ev) { return ev < PK_EV_DESK_COUNT ? event_ids[ev] : "?"; }
const char *pk_desk_event_cause(pk_desk_event ev) { return ev < PK_EV_DESK_COUNT ? event_causes[ev] : "?"; }

bool pk_app_counter(const pk_app *app) { return app->desk != PK_DESK_OFF; }
pk_desk_state pk_app_desk(const pk_app *app) { return app->desk; }
const pk_app_shift *pk_app_shift_shown(const pk_app *app) {
  return app->desk == PK_DESK_OFF || app->desk == PK_DESK_CLOSED ? NULL : &app->shift;
}
bool pk_app_clerk_signing(const pk_app *app) { return app->clerk_authing; }
bool pk_app_confirm_waiting(const pk_app *app) { return app->confirm_wait && app->screen == PK_SCREEN_REVIEW; }

/* A citizen is served under the shift (the clerk assists) in these states only. */
static bool serving(const pk_app *app) { return app->desk == PK_DESK_OPEN || app->desk == PK_DESK_SWAP; }

const char *pk_app_assisted_by(const pk_app *app) {
  return serving(app) && app->has_session && !app->clerk_authing ? app->shift.clerk.clerk_id : NULL;
}

static bool one_reader(const pk_config *c) {
  return !c->citizen_reader[0] || !c->clerk_reader[0] || !strcmp(c->citizen_reader, c->clerk_reader);
}

pk_reader_role pk_app_reader_role(const pk_app *app, const char *reader) {
  if (!pk_app_counter(app)) return PK_READER_CITIZEN;
  if (one_reader(app->cfg)) /* the one reader holds the clerk's card whenever no citizen is served */
    return app->desk == PK_DESK_OPEN || app->desk == PK_DESK_SWAP ? (app->clerk_card_in ? PK_READER_CLERK : PK_READER_CITIZEN)
                                                                   : PK_READER_CLERK;
  return pk_reader_matches(app->cfg->clerk_reader, reader ? reader : "") ? PK_READER_CLERK : PK_READER_CITIZEN;
}

/* ---- the desk's own moves */

static void audit(pk_app *app, const char *kind) {
  if (app->ops->desk_audit) app->ops->desk_audit(app->be, kind, app->shift.clerk.clerk_id);
}

/* The citizen's part goes, whatever screen it was on (the table's "session" exits lead home). */
static void wipe_citizen(pk_app *app, pk_app_event why) {
  if (app->screen != PK_SCREEN_HOME) pk_app_dispatch(app, why);
}

static void enter_state(pk_app *app, pk_desk_state from) {
  switch (app->desk) {
  case PK_DESK_LOCKED:
    app->shift.locks++;
    audit(app, "clerk_lock");
    pk_app_set_message(app, NULL);
    break;
  case PK_DESK_REPORT:
    app->shift.closed_at = (long long)time(NULL);
    app->shift.report_path[0] = 0;
    if (app->ops->shift_end) app->ops->shift_end(app->be, app, &app->shift);
    break;
  case PK_DESK_CLOSED:
    pk_wipe(&app->shift, sizeof app->shift);
    pk_wipe(app->clerk_nc, sizeof app->clerk_nc);
    break;
  case PK_DESK_OPEN:
    if (from != PK_DESK_CLOSED) audit(app, "clerk_login"); /* resumed (the opening is audited by the window's word) */
    break;
  default: break;
  }
}

static void desk_go(pk_app *app, pk_desk_event ev) {
  int to = pk_app_desk_next(app->desk, ev);
  if (to < 0) {
    pk_debug("desk event %s ignored at %s", pk_desk_event_name(ev), pk_desk_state_name(app->desk));
    return;
  }
  pk_desk_state from = app->desk;
  pk_info("desk: %s -> %s (%s)", pk_desk_state_name(from), pk_desk_state_name((pk_desk_state)to), pk_desk_event_name(ev));
  app->desk = (pk_desk_state)to;
  app->dirty = true;
  if (to == PK_DESK_LOCKED || to == PK_DESK_REPORT) wipe_citizen(app, PK_EV_APP_CARD_REMOVED);
  enter_state(app, from);
}

/* ---- cards */

bool pk_app_desk_card_in(pk_app *app, const char *reader) {
  if (!pk_app_counter(app)) return false;
  bool clerk = pk_app_reader_role(app, reader) == PK_READER_CLERK;
  switch (app->desk) {
  case PK_DESK_CLOSED:
  case PK_DESK_LOCKED:
    if (clerk) {
      app->clerk_authing = true;
      return false; /* the clerk signs in on the card screens */
    }
    pk_app_set_message(app, N_("The counter is locked. The clerk's card opens it."));
    return true;
  case PK_DESK_OPEN:
    if (clerk) { /* two readers: the clerk's card back in its reader while the desk is open */
      app->clerk_card_in = true;
      return true;
    }
    return false;
  case PK_DESK_SWAP: return false;
  default: return true;
  }
}

bool pk_app_desk_card_out(pk_app *app, const char *reader) {
  if (!pk_app_counter(app)) return false;
  bool clerk_card = app->clerk_card_in && pk_app_reader_role(app, reader) == PK_READER_CLERK;
  if (!clerk_card) return false;
  app->clerk_card_in = false;
  if (one_reader(app->cfg) && app->desk == PK_DESK_OPEN && app->screen == PK_SCREEN_HOME) desk_go(app, DE(CLERK_SWAP));
  else desk_go(app, DE(CLERK_CARD_OUT));
  return true;
}

pk_card_result pk_app_desk_card_check(const pk_app *app, const pk_citizen *who) {
  if (!app->clerk_authing) return PK_CARDRES_OK;
  if (!who->clerk) return PK_CARDRES_NOT_CLERK;
  if (app->desk == PK_DESK_LOCKED && strcmp(who->national_code, app->clerk_nc)) return PK_CARDRES_OTHER_CLERK;
  return PK_CARDRES_OK;
}

/* The clerk's own card and PIN now sit in the citizen's machine: the shift takes what it needs
 * and the clerk's window session goes with the wipe that the way home makes. */
static pk_app_event clerk_back_to_desk(pk_app *app) {
  app->clerk_authing = false;
  app->card_present = false; /* that card is the clerk's, not one a citizen must take */
  app->clerk_card_in = true;
  return PK_EV_APP_CLERK_CONFIRMED;
}

pk_app_event pk_app_desk_clerk_signed(pk_app *app) {
  if (app->desk == PK_DESK_LOCKED) {
    desk_go(app, DE(RESUMED));
    return clerk_back_to_desk(app);
  }
  app->ops->clerk_check(app->be, app, app->gen); /* AUTH waits for the window's register */
  return PK_EV_APP_NONE;
}

void pk_app_clerk_done(pk_app *app, unsigned gen, pk_card_result res, const pk_app_clerk *clerk) {
  if (gen != app->gen || app->screen != PK_SCREEN_AUTH || app->desk != PK_DESK_CLOSED) return;
  pk_app_input_begins(app);
  if (res != PK_CARDRES_OK || !clerk) {
    app->card_res = res == PK_CARDRES_OK ? PK_CARDRES_NOT_CLERK : res;
    pk_app_dispatch(app, PK_EV_APP_CARD_REFUSED);
    return;
  }
  pk_wipe(&app->shift, sizeof app->shift);
  pk_wipe(app->used, sizeof app->used);
  app->uses = 0;
  app->shift.clerk = *clerk;
  snprintf(app->shift.clerk.name_fa, sizeof app->shift.clerk.name_fa, "%s", app->who.name_fa);
  snprintf(app->shift.clerk.name_en, sizeof app->shift.clerk.name_en, "%s", app->who.name_en);
  memcpy(app->clerk_nc, app->who.national_code, sizeof app->clerk_nc);
  app->shift.opened_at = (long long)time(NULL);
  desk_go(app, DE(SHIFT_OPENED));
  audit(app, "clerk_login");
  pk_app_dispatch(app, clerk_back_to_desk(app));
}

void pk_app_shift_closed(pk_app *app, const pk_app_shift *report) {
  if (app->desk != PK_DESK_REPORT || !report) return;
  app->shift.audit_size = report->audit_size;
  snprintf(app->shift.audit_head, sizeof app->shift.audit_head, "%s", report->audit_head);
  snprintf(app->shift.report_path, sizeof app->shift.report_path, "%s", report->report_path);
  app->dirty = true;
}

/* ---- the citizen's part, as the shift counts it */

void pk_app_desk_citizen_left(pk_app *app) {
  app->confirm_wait = false;
  if (app->desk == PK_DESK_SWAP && !app->clerk_authing) desk_go(app, DE(CITIZEN_GONE));
}

void pk_app_desk_citizen_signed(pk_app *app, pk_way_in way) {
  if (!serving(app)) return;
  unsigned *count[] = {[PK_WAY_CARD] = &app->shift.by_card, [PK_WAY_OTP] = &app->shift.by_otp,
                       [PK_WAY_LEVEL1] = &app->shift.by_level1};
  (*count[way])++;
}

void pk_app_desk_outcome(pk_app *app, pk_submit_outcome outcome) {
  if (!pk_app_assisted_by(app)) return;
  if (outcome == PK_SUBMIT_REGISTERED) app->shift.registered++;
  else if (outcome == PK_SUBMIT_QUEUED) app->shift.queued++;
  else app->shift.refused++;
  if ((outcome == PK_SUBMIT_REGISTERED || outcome == PK_SUBMIT_QUEUED) && app->service)
    pk_app_quick_count(app, app->service->id);
}

/* ---- keys */

/* The clerk types the national code (and the date of birth) the citizen tells; a one-time code
 * only the citizen types, on their keypad. */
static void way_without_card(pk_app *app, pk_app_event way) {
  bool otp = way == PK_EV_APP_MENU_OTP;
  if (!(app->shift.clerk.perms & (otp ? PK_PERM_SERVE_OTP : PK_PERM_SERVE_LEVEL1)))
    pk_app_set_message(app, otp ? N_("The window's register does not let this clerk serve citizens without their card.")
                                : N_("The window's register does not let this clerk serve level 1 citizens by their date of birth."));
  else if (otp && !app->cfg->citizen_keypad[0])
    pk_app_set_message(app, N_("This counter has no citizen keypad: a citizen without a card cannot type their one-time code here."));
  else pk_app_dispatch(app, way);
}

static bool at_desk_key(pk_app *app, pk_key key) {
  switch (app->desk) {
  case PK_DESK_OPEN:
    if (key.code == PK_KEY_END_SHIFT) desk_go(app, DE(END_SHIFT));
    else if (key.code == PK_KEY_NEXT) app->shift.ticket++, app->dirty = true;
    else if (pk_key_digit(key) == 1 && !app->card_present) way_without_card(app, PK_EV_APP_MENU_OTP);
    else if (pk_key_digit(key) == 2 && !app->card_present) way_without_card(app, PK_EV_APP_MENU_LEVEL1);
    return true;
  case PK_DESK_REPORT:
    if (key.code == PK_KEY_ENTER) desk_go(app, DE(REPORT_DONE));
    return true;
  default: return true; /* closed, locked, swap: only a card moves the desk */
  }
}

/* What the citizen types: the clerk's keyboard may not, and is told so. */
static bool citizen_only(const pk_app *app, pk_key key) {
  bool typing = pk_key_digit(key) >= 0 || key.code == PK_KEY_ENTER || key.code == PK_KEY_BACK;
  if (app->screen == PK_SCREEN_PIN) return typing && !app->clerk_authing && !app->pinpad;
  if (app->screen == PK_SCREEN_OTP_CODE) return typing;
  return false;
}

/* An assisted request goes only once the citizen confirmed it on their side. */
static bool review_needs_citizen(pk_app *app, pk_key key) {
  if (app->screen != PK_SCREEN_REVIEW || key.code != PK_KEY_ENTER || app->from_citizen) return false;
  app->confirm_wait = true;
  pk_app_set_message(app, N_("Ask the citizen to read the request and press Enter on their keypad to confirm it."));
  return true;
}

bool pk_app_desk_key(pk_app *app, pk_key key) {
  if (!pk_app_counter(app)) return false;
  if (app->screen == PK_SCREEN_HOME) return app->from_citizen || at_desk_key(app, key);
  if (app->clerk_authing) return false;
  if (key.code == PK_KEY_NEXT) { /* this citizen is done and the next ticket is called */
    pk_app_dispatch(app, PK_EV_APP_NEXT_CITIZEN);
    app->shift.ticket++;
    return true;
  }
  if (app->from_citizen) { /* the citizen's keypad drives only what is theirs to type */
    bool theirs = citizen_only(app, key) || (app->screen == PK_SCREEN_REVIEW && key.code == PK_KEY_ENTER);
    return !theirs;
  }
  if (citizen_only(app, key)) {
    pk_app_set_message(app, N_("The citizen types this on their own keypad; it is never typed on the clerk's keyboard."));
    return true;
  }
  return review_needs_citizen(app, key);
}

void pk_app_citizen_key(pk_app *app, pk_key key, uint64_t now) {
  app->from_citizen = pk_app_counter(app);
  pk_app_key(app, key, now);
  app->from_citizen = false;
}

/* ---- the clock */

void pk_app_desk_tick(pk_app *app) {
  if (!pk_app_counter(app)) return;
  long long open_s = app->shift.opened_at ? (long long)time(NULL) - app->shift.opened_at : 0;
  if (serving(app) || app->desk == PK_DESK_LOCKED)
    if (open_s >= (long long)app->cfg->shift_max_h * 3600) {
      desk_go(app, DE(SHIFT_EXPIRED));
      return;
    }
  bool idle = app->now - app->last_activity >= (uint64_t)app->cfg->desk_lock_s * 1000u;
  if (serving(app) && app->screen == PK_SCREEN_HOME && idle) desk_go(app, DE(DESK_IDLE));
}
