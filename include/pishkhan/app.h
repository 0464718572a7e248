/* The application state machine: every citizen flow as screens with enter/key/leave,
 * driven by keys, card events, backend completions and a clock. It never draws and
 * never includes ncurses: ui/ reads this state and draws it. Card and network work
 * is asked of a backend (pk_backend_ops) and comes back through pk_app_*_done(). */
#ifndef PISHKHAN_APP_H
#define PISHKHAN_APP_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pishkhan/app_states.h"
#include "pishkhan/catalog.h"
#include "pishkhan/config.h"
#include "pishkhan/secret.h"

typedef struct pk_app pk_app;

#define PK_X_SCREEN_ID(id, name, what) PK_SCREEN_##id,
typedef enum { PK_SCREENS(PK_X_SCREEN_ID) PK_SCREEN_COUNT } pk_screen_id;
#undef PK_X_SCREEN_ID

#define PK_X_EVENT_ID(id, what) PK_EV_APP_##id,
typedef enum { PK_APP_EVENTS(PK_X_EVENT_ID) PK_EV_APP_COUNT } pk_app_event;
#undef PK_X_EVENT_ID

typedef enum {
  PK_KEY_NONE = 0,
  PK_KEY_CHAR,    /* cp holds the code point (digits of any script, letters) */
  PK_KEY_ENTER,
  PK_KEY_BACK,    /* Backspace: delete a character, or go back when nothing to delete */
  PK_KEY_CANCEL,  /* Esc */
  PK_KEY_UP, PK_KEY_DOWN, PK_KEY_LEFT, PK_KEY_RIGHT, PK_KEY_PGUP, PK_KEY_PGDN, PK_KEY_TAB,
  PK_KEY_LANG,    /* one key to switch Persian/English */
  PK_KEY_PRINT,
  PK_KEY_HELP,    /* F1 or the «راهنما» target: this screen explained; any key closes it */
  PK_KEY_TECH,    /* Ctrl-T or F12 on the home screen: the technician's checks (pishkhan doctor) */
  PK_KEY_NEXT,    /* counter: F3, the next citizen (the citizen's part wiped, the shift stays) */
  PK_KEY_END_SHIFT, /* counter: F8 at the desk, the shift ends */
} pk_key_code;

typedef struct {
  pk_key_code code;
  uint32_t cp;
} pk_key;

/* Card refusal and PIN outcomes the UI must tell apart. */
typedef enum {
  PK_CARDRES_OK = 0,
  PK_CARDRES_REMOVED,
  PK_CARDRES_UNKNOWN_CARD,
  PK_CARDRES_COMM,
  PK_CARDRES_TAMPERED,
  PK_CARDRES_EXPIRED,
  PK_CARDRES_REVOKED,
  PK_CARDRES_PIN_WRONG,
  PK_CARDRES_PIN_BLOCKED,
  PK_CARDRES_AUTH_REFUSED,  /* the window refused the signature or certificate */
  PK_CARDRES_NET,           /* the window could not be reached for login */
  PK_CARDRES_WINDOW_DOWN,   /* the window answered login with errors (5xx, overload) */
  PK_CARDRES_WINDOW_TLS,    /* the window's certificate could not be verified */
  PK_CARDRES_WINDOW_ANSWER, /* the window's login answer could not be understood */
  PK_CARDRES_CRL_STALE,     /* offline sign-in refused: the kiosk's revocation list is too old */
  PK_CARDRES_NOT_CLERK,     /* counter: the card is no clerk's, or the window does not know the clerk */
  PK_CARDRES_OTHER_CLERK,   /* counter: a locked shift resumes only with its own clerk's card */
} pk_card_result;

typedef struct {
  char name_fa[256];
  char name_en[256];
  char national_code[11]; /* full code: kept for the session only, never logged or shown whole */
  char birth_date[16];    /* Jalali yyyy/mm/dd */
  char expires[16];
  bool clerk;
  /* Set by the state machine, not the backend: who this is was read from the card. */
  bool by_card;
  /* What the window has on file (GET /persons/me/profile), "" until it answers. */
  char mobile[12], postal_code[11];
} pk_citizen;

/* Why a request failed: a category msgid (always) and the window's own words (may be ""). */
typedef struct pk_app_failure {
  const char *msgid;
  char fa[512], en[512];
} pk_app_failure;

/* What became of a request, as the citizen must hear it. */
typedef enum {
  PK_SUBMIT_REGISTERED,     /* the window stored it: tracking code and its receipt */
  PK_SUBMIT_QUEUED,         /* sealed and queued here: delivered when the link returns */
  PK_SUBMIT_IN_DOUBT,       /* sent, answer not seen: the kiosk keeps resolving it (same key) */
  PK_SUBMIT_REFUSED,        /* the window (or the kiosk's rules) said no: nothing registered */
  PK_SUBMIT_NOT_REGISTERED, /* resolved: the window never received it */
  PK_SUBMIT_NOT_RECORDED,   /* the kiosk could not record it: nothing was sent */
} pk_submit_outcome;

typedef struct pk_app_submit_result {
  pk_submit_outcome outcome;
  char ref[16];           /* queue reference ("" when nothing was recorded) */
  char tracking[32];      /* REGISTERED */
  const char *jws;        /* REGISTERED: the window's receipt; QUEUED: the kiosk's */
  pk_app_failure fail;    /* the others */
} pk_app_submit_result;

typedef struct pk_app_receipt {
  char ref[16];           /* queue reference: the citizen can ask by it later */
  bool queued;            /* signed by this kiosk: the window has not seen it yet */
  char tracking[32];
  char service_id[32];
  char *jws;              /* the signed receipt token, also the QR payload */
  long long at;           /* unix seconds */
  long long paid;         /* rials paid at the card terminal for it (0: no fee) */
  char bank_ref[16];      /* the payment's bank reference (RRN) */
  char invoice[40];       /* the window's invoice it paid */
} pk_app_receipt;

/* The citizen's latest request at this kiosk (last 24 h), told after sign-in: after a crash or
 * a walk-away the citizen learns what became of it instead of sending it twice. */
typedef struct pk_app_recent {
  char ref[16];
  char service_id[32];
  char tracking[32];       /* when registered */
  const char *state_msgid;
  long long at;
} pk_app_recent;

typedef struct pk_app_status {
  char tracking[32];
  char service_id[32];
  char status_fa[256], status_en[256];
  long long submitted_at, updated_at;
  char *jws;              /* the window's signed receipt, when this kiosk holds it (reprint), or NULL */
} pk_app_status;

typedef struct pk_app_inbox_item {
  char kind[16];          /* proactive | letter | status */
  char title_fa[256], title_en[256];
  char body_fa[1024], body_en[1024];
  char tracking[32];
  long long at;
} pk_app_inbox_item;

typedef struct pk_app_doc_row {
  char label_fa[128], label_en[128], value[256], value_en[256];
} pk_app_doc_row;

typedef struct pk_app_document {
  char title_fa[256], title_en[256], subject[256];
  size_t nrows;
  pk_app_doc_row *rows;
  char *jws;
} pk_app_document;

/* Where the fee's payment stands, as the citizen must hear it. */
typedef enum {
  PK_APP_PAY_PROGRESS = 0, /* under way: msgid says what to do on the terminal or what is checked */
  PK_APP_PAY_APPROVED,     /* paid, and the window took the payment: the request carries the invoice */
  PK_APP_PAY_DECLINED,     /* no money taken: another card may be tried */
  PK_APP_PAY_REVERSED,     /* the amount was given back to the card */
  PK_APP_PAY_UNAVAILABLE,  /* cannot be paid at this kiosk now (no terminal, no link): not submitted */
} pk_app_pay_outcome;

/* How the fee is paid ([payment] terminal): the office's card terminal, the citizen's own
 * phone (the window's payment link as a QR code), or cash to the clerk (counter mode). */
typedef enum { PK_APP_PAY_CARD = 0, PK_APP_PAY_PHONE, PK_APP_PAY_CASH } pk_app_pay_way;

typedef struct pk_app_payment {
  pk_app_pay_outcome outcome;
  const char *msgid;       /* the plain sentence for the citizen */
  long long amount;        /* rials */
  char invoice[40];        /* the window's invoice */
  char rrn[16];            /* the bank reference (phone, cash: the window's own reference) */
  pk_app_pay_way way;
  char pay_url[96];        /* phone: the link the QR code carries, while it is open */
  bool clerk_confirms;     /* cash: waiting for the clerk's key that the cash is in hand */
} pk_app_payment;

/* A company (legal entity) the citizen is a registered signatory of (the window's list). */
typedef struct pk_app_entity {
  char legal_id[12];      /* 11 ASCII digits, check digit right */
  char name[256];         /* Persian, sanitized */
} pk_app_entity;

/* What the clerk may do, as the window's register says (pk_net_clerk permissions). */
enum { PK_PERM_SERVE_CARD = 1, PK_PERM_SERVE_OTP = 2, PK_PERM_ENTITY = 4, PK_PERM_CASH = 8, PK_PERM_SERVE_LEVEL1 = 16 };

typedef struct pk_app_clerk {
  char name_fa[256], name_en[256];  /* from the clerk's card */
  char clerk_id[40];                /* opaque (never a national code): what assisted_by carries */
  char office_id[40], office_name[256];
  unsigned perms;                   /* PK_PERM_* */
  long long copy_of;                /* 0: the window confirmed it now; else when it last did (no link) */
} pk_app_clerk;

/* A clerk's shift at the counter, as its report tells it. */
typedef struct pk_app_shift {
  pk_app_clerk clerk;
  long long opened_at, closed_at;   /* unix seconds */
  unsigned by_card, by_otp, by_level1; /* citizens signed in, by way in */
  unsigned for_entity;              /* citizens who acted for a company */
  unsigned registered, queued, refused; /* assisted requests, by outcome */
  unsigned locks, ticket;           /* times the counter locked; the last ticket called */
  unsigned long long audit_size;    /* the audit log's checkpoint at shift end */
  char audit_head[65];
  char report_path[512];            /* where the report was written ("" when it could not be) */
} pk_app_shift;

#define PK_X_DESK_ID(id, name, what) PK_DESK_##id,
typedef enum { PK_DESK_STATES(PK_X_DESK_ID) PK_DESK_COUNT } pk_desk_state;
#undef PK_X_DESK_ID
#define PK_X_DESK_EV(id, what) PK_EV_DESK_##id,
typedef enum { PK_EV_DESK_NONE = 0, PK_DESK_EVENTS(PK_X_DESK_EV) PK_EV_DESK_COUNT } pk_desk_event;
#undef PK_X_DESK_EV

/* The desk's transition table (core/app_desk.c), for the tests and the docs. */
typedef struct pk_transition_desk {
  pk_desk_state from;
  pk_desk_event ev;
  pk_desk_state to;
} pk_transition_desk;

/* What the state machine asks of the outside world. Every call is asynchronous:
 * the backend answers later on the main thread with the matching pk_app_*_done(),
 * passing back `gen`; answers for an older generation (a wiped session) are dropped. */
typedef struct pk_backend_ops {
  void (*card_open)(void *be, pk_app *app, unsigned gen);
  /* pin is owned by the app and wiped right after this call returns. */
  void (*card_login)(void *be, pk_app *app, unsigned gen, pk_secret *pin);
  void (*card_close)(void *be);  /* session wipe: forget the card and the token */
  void (*cancel)(void *be);      /* abandon what is in flight */
  /* The window: fields_json is {"name":"value",...}. ref: "" for a new request, or the queue
   * reference of this same request sent before (unchanged): it is then resolved with its own
   * key, never made twice. */
  void (*submit)(void *be, pk_app *app, unsigned gen, const char *service_id, const char *fields_json,
                 const char *ref);
  void (*track)(void *be, pk_app *app, unsigned gen, const char *tracking);
  void (*inbox)(void *be, pk_app *app, unsigned gen);
  void (*document)(void *be, pk_app *app, unsigned gen, const char *kind);
  void (*print)(void *be, pk_app *app, unsigned gen, const char *jws);
  /* Sign-in without a card: the window sends a one-time code to the mobile registered for the
   * national code; code is owned by the app and wiped right after this call returns. */
  void (*otp_request)(void *be, pk_app *app, unsigned gen, const char *national_code, const char *mobile);
  void (*otp_verify)(void *be, pk_app *app, unsigned gen, pk_secret *code);
  /* The fee of service_id on the card terminal: invoice, sale, the window's confirmation;
   * progress and the end come through pk_app_pay_update. The request then sent for this service
   * in this session carries the invoice. */
  void (*pay)(void *be, pk_app *app, unsigned gen, const char *service_id, long long amount_rials);
  /* The citizen cancels: whatever the terminal took is given back. */
  void (*pay_cancel)(void *be, pk_app *app, unsigned gen);
  /* The companies the session's person signs for: pk_app_entities_done. */
  void (*entities)(void *be, pk_app *app, unsigned gen);
  /* Counter: the signed-in card's holder as the window's register of clerks knows them:
   * pk_app_clerk_done. */
  void (*clerk_check)(void *be, pk_app *app, unsigned gen);
  /* Counter: a desk event for the audit log (kind: clerk_login, clerk_lock, clerk_logout). */
  void (*desk_audit)(void *be, const char *kind, const char *clerk_id);
  /* Counter: the shift ended: its report written (and printed) with the audit log's signed
   * checkpoint, answered by pk_app_shift_closed. */
  void (*shift_end)(void *be, pk_app *app, const pk_app_shift *shift);
  /* Level 1 sign-in: the national code and the date of birth (yyyy-mm-dd, Jalali) checked by
   * the window's register: pk_app_level1_done. */
  void (*level1)(void *be, pk_app *app, unsigned gen, const char *national_code, const char *birth_date);
  /* Counter, cash: the clerk says the fee is in hand; the window records it against the
   * invoice under the clerk's id, and the answer comes through pk_app_pay_update. */
  void (*pay_cash)(void *be, pk_app *app, unsigned gen);
} pk_backend_ops;

#define PK_PAGE_SIZE 8

pk_app *pk_app_new(const pk_config *cfg, const pk_backend_ops *ops, void *be);
void pk_app_free(pk_app *app);

/* Inputs */
void pk_app_key(pk_app *app, pk_key key, uint64_t now_ms);
void pk_app_card_inserted(pk_app *app, const char *reader, uint64_t now_ms);
void pk_app_card_removed(pk_app *app, const char *reader, uint64_t now_ms);
void pk_app_tick(pk_app *app, uint64_t now_ms);
/* msgid: hold the home screen (a card inserted waits) and say why; NULL: serve again. */
void pk_app_set_hold(pk_app *app, const char *msgid);
const char *pk_app_hold(const pk_app *app);

/* Backend completions */
void pk_app_card_open_done(pk_app *app, unsigned gen, pk_card_result res, const pk_citizen *who,
                           int pin_tries_left);
void pk_app_card_login_done(pk_app *app, unsigned gen, pk_card_result res, int pin_tries_left);
/* The reader has its own PIN pad (PC/SC part 10): the PIN is typed there, never on screen.
 * Call before pk_app_card_open_done. */
void pk_app_card_pinpad(pk_app *app, unsigned gen);
bool pk_app_pinpad(const pk_app *app);

/* The request was written to the outbox under ref, before anything was sent: a resend of the
 * same form is that request. */
void pk_app_submit_recorded(pk_app *app, unsigned gen, const char *ref);
void pk_app_submit_done(pk_app *app, unsigned gen, const pk_app_submit_result *r);
/* What the window has on file for the citizen signed in (GET /persons/me/profile): forms
 * opened from now on do not ask for it. "" for what it does not have. */
void pk_app_profile(pk_app *app, unsigned gen, const char *mobile, const char *postal_code);
void pk_app_recent_request(pk_app *app, unsigned gen, const pk_app_recent *r);
const pk_app_recent *pk_app_recent_shown(const pk_app *app); /* NULL when none */
void pk_app_track_done(pk_app *app, unsigned gen, const pk_app_failure *fail, const pk_app_status *st);
/* What the citizen hears when no request has the number asked about (the window's 404). */
const char *pk_app_code_not_found_msgid(void);
#define PK_TRACKING_DIGITS 16 /* the window's tracking codes */
void pk_app_inbox_done(pk_app *app, unsigned gen, const pk_app_failure *fail, const pk_app_inbox_item *items,
                       size_t n);
void pk_app_document_done(pk_app *app, unsigned gen, const pk_app_failure *fail, const pk_app_document *doc);
void pk_app_print_done(pk_app *app, unsigned gen, const pk_app_failure *fail);
/* The one-time code went to the mobile (masked, e.g. "0912***4567"), or fail says why not. */
void pk_app_otp_sent(pk_app *app, unsigned gen, const pk_app_failure *fail, const char *mobile_masked);
/* The window's session from the code (level 1..2; name may be empty), or fail says why not. */
void pk_app_otp_done(pk_app *app, unsigned gen, const pk_app_failure *fail, int level, const char *name_fa,
                     const char *name_en);
/* The sign-in without a card as typed: field 0 the national code, 1 the mobile. */
int pk_app_otp_field(const pk_app *app);
const char *pk_app_otp_national_code(const pk_app *app);
const char *pk_app_otp_mobile(const pk_app *app);
const char *pk_app_otp_mobile_masked(const pk_app *app);
bool pk_app_otp_busy(const pk_app *app); /* waiting for the window */
/* The level 1 session (national code and date of birth), or fail says why not. */
void pk_app_level1_done(pk_app *app, unsigned gen, const pk_app_failure *fail, int level);
/* The date of birth as typed so far, shown split (1370/05/12); field 0 is the national code. */
void pk_app_level1_birth(const pk_app *app, char *out, size_t size);
void pk_app_pay_update(pk_app *app, unsigned gen, const pk_app_payment *p);
const pk_app_payment *pk_app_payment_shown(const pk_app *app); /* NULL before any payment */

/* The technician's view: the kiosk's own checks (those of `pishkhan doctor`) over the home
 * screen, opened by PK_KEY_TECH while nobody is signed in; Enter checks again, any other key
 * closes it, and so does anything that leaves home. The runtime runs the checks (they block:
 * pcscd, the printer, the window) whenever pk_app_tech_run changes, and hands the report back. */
struct pk_doctor_report;
bool pk_app_tech_open(const pk_app *app);
unsigned pk_app_tech_run(const pk_app *app); /* 0 while closed */
/* A report for a run that is no longer the one asked for is dropped. */
void pk_app_set_tech_report(pk_app *app, unsigned run, const struct pk_doctor_report *r);
const struct pk_doctor_report *pk_app_tech_report(const pk_app *app); /* NULL while the checks run */

/* Companies (pk_app_entity) the citizen signs for, or fail says why not. */
void pk_app_entities_done(pk_app *app, unsigned gen, const pk_app_failure *fail, const pk_app_entity *items,
                          size_t n);
const pk_app_entity *pk_app_entity_at(const pk_app *app, size_t i);
/* The company the citizen acts for in this session, or NULL for themselves. */
const pk_app_entity *pk_app_acting_for(const pk_app *app);

/* ---- Counter mode (core/app_desk.c) ----
 * Keys from the citizen-facing keypad: in counter mode the PIN, the one-time code and the
 * confirmation of an assisted request are taken from it only, never from the clerk's
 * keyboard. In kiosk mode the same as pk_app_key. */
void pk_app_citizen_key(pk_app *app, pk_key key, uint64_t now_ms);
/* The window's word on the clerk (after pk_backend_ops.clerk_check), or fail says why not. */
void pk_app_clerk_done(pk_app *app, unsigned gen, pk_card_result res, const pk_app_clerk *clerk);
/* The report is written: where, and the audit checkpoint it names. */
void pk_app_shift_closed(pk_app *app, const pk_app_shift *report);
pk_desk_state pk_app_desk(const pk_app *app);
const pk_app_shift *pk_app_shift_shown(const pk_app *app); /* NULL with no shift */
/* The clerk's id for assisted_by while a shift serves a citizen, else NULL. */
const char *pk_app_assisted_by(const pk_app *app);
/* The review waits for the citizen to confirm on their side (PIN pad or keypad). */
bool pk_app_confirm_waiting(const pk_app *app);
/* The card on the sign-in screens is the clerk's own. */
bool pk_app_clerk_signing(const pk_app *app);
/* Which kind of reader a name is, by [counter] clerk_reader / citizen_reader. */
typedef enum { PK_READER_CITIZEN = 0, PK_READER_CLERK } pk_reader_role;
pk_reader_role pk_app_reader_role(const pk_app *app, const char *reader);
const pk_transition_desk *pk_app_desk_transitions(size_t *n);
const char *pk_desk_state_name(pk_desk_state s);
const char *pk_desk_state_what(pk_desk_state s);
const char *pk_desk_event_name(pk_desk_event ev);
const char *pk_desk_event_cause(pk_desk_event ev);
int pk_app_desk_next(pk_desk_state from, pk_desk_event ev);

/* The catalog the citizen browses (owned by the caller, kept in sync by it). */
void pk_app_set_catalog(pk_app *app, pk_catalog *cat);
const pk_catalog *pk_app_catalog(const pk_app *app); /* NULL until one is loaded */
/* Counter mode: the services 7, 8, 9 open on the citizen's dashboard (pinned, then this shift's
 * most served); 0 in kiosk mode. */
#define PK_QUICK_MAX 3
size_t pk_app_quick_services(const pk_app *app, const pk_service **out, size_t max);

/* State the view reads */
pk_screen_id pk_app_screen(const pk_app *app);
bool pk_app_has_session(const pk_app *app);
const pk_citizen *pk_app_citizen(const pk_app *app); /* NULL without a session */
size_t pk_app_pin_length(const pk_app *app);
int pk_app_pin_tries(const pk_app *app);
pk_card_result pk_app_card_result(const pk_app *app);
const char *pk_app_message(const pk_app *app); /* English msgid of the banner, or NULL */
int pk_app_idle_countdown(const pk_app *app);  /* seconds left when warning, else -1 */
bool pk_app_card_present(const pk_app *app);
const char *pk_app_reader(const pk_app *app); /* reader of the last insertion */
unsigned pk_app_generation(const pk_app *app);
/* Lists (agencies, services, search results, inbox): count, selection, page of PK_PAGE_SIZE. */
size_t pk_app_list_count(const pk_app *app);
size_t pk_app_list_selected(const pk_app *app);
const pk_agency *pk_app_agency_at(const pk_app *app, size_t i);
const pk_service *pk_app_service_at(const pk_app *app, size_t i);
const pk_app_inbox_item *pk_app_inbox_at(const pk_app *app, size_t i);
const pk_app_inbox_item *pk_app_inbox_opened(const pk_app *app); /* the item shown whole, or NULL */
const pk_service *pk_app_inbox_service(const pk_app *app); /* the service the opened notice offers */
const char *pk_app_query(const pk_app *app);          /* search text, or tracking code typed */
const pk_agency *pk_app_current_agency(const pk_app *app);
const pk_agency *pk_app_agency_of(const pk_app *app, const pk_service *s); /* NULL if unknown */
bool pk_app_search_picking(const pk_app *app);
bool pk_app_help_open(const pk_app *app); /* the screen's help is shown over it */ /* search: digits pick a result (else they are typed) */
const pk_service *pk_app_current_service(const pk_app *app);
int pk_app_session_level(const pk_app *app);
/* The form being filled. */
size_t pk_app_form(const pk_app *app, const pk_form_field **fields);
size_t pk_app_form_current(const pk_app *app);
const char *pk_app_form_value(const pk_app *app, size_t i);
const char *pk_app_form_error(const pk_app *app, size_t i); /* msgid or NULL */
/* Where field i's value came from when the citizen was not asked for it ("from your national
 * card", msgid); NULL for a field the citizen fills. Such a field cannot be changed here. */
const char *pk_app_form_source(const pk_app *app, size_t i);
const pk_app_receipt *pk_app_last_receipt(const pk_app *app);
/* The queue reference of a request on the review whose outcome is still being resolved. */
const char *pk_app_pending_ref(const pk_app *app);
const pk_app_status *pk_app_track_result(const pk_app *app);
const pk_app_document *pk_app_document_shown(const pk_app *app);
size_t pk_app_document_page(const pk_app *app);
/* The window's own words for the last failure, in both languages ("" when none). */
const pk_app_failure *pk_app_failure_shown(const pk_app *app);
const char *pk_app_print_state(const pk_app *app); /* msgid, NULL before any print */

/* Set by every change the view must redraw; the view clears it. */
bool pk_app_take_dirty(pk_app *app);

const char *pk_screen_name(pk_screen_id id);

/* The transition table (core/app_machine.c), for the walk test and the docs' state table.
 * `from` is a screen, or PK_STATE_SESSION: the parent of every screen but home, whose rows
 * apply to each of them unless the screen has a row of its own for the event. */
#define PK_STATE_SESSION PK_SCREEN_COUNT
typedef struct pk_transition {
  int from;              /* a pk_screen_id, or PK_STATE_SESSION */
  pk_app_event ev;
  pk_screen_id to;
} pk_transition;
const pk_transition *pk_app_transitions(size_t *n);
/* Where ev leads from screen `from` (its own row, else its parent's); -1 when nowhere. */
int pk_app_next_screen(pk_screen_id from, pk_app_event ev);
bool pk_screen_in_session(pk_screen_id id);
const char *pk_app_event_name(pk_app_event ev);  /* "card-removed" */
const char *pk_app_event_cause(pk_app_event ev); /* what causes it, in words */
const char *pk_screen_what(pk_screen_id id);     /* what the citizen sees */

#endif
