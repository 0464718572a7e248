/* Inside the state machine: the app struct and the per-screen function tables. */
#ifndef PK_APP_PRIVATE_H
#define PK_APP_PRIVATE_H
#include "pishkhan/app.h"
#include "pishkhan/card.h"

/* A screen: what it does on entry, on a key, and on leaving. Entry and key handlers return
 * what should happen next as an event; the transition table (app_machine.c) decides where
 * that leads. A handler never switches screens itself. */
typedef struct pk_screen_ops {
  pk_app_event (*enter)(pk_app *app);
  pk_app_event (*key)(pk_app *app, pk_key key);
  void (*leave)(pk_app *app);
} pk_screen_ops;

struct pk_app {
  const pk_config *cfg;
  const pk_backend_ops *ops;
  void *be;

  pk_screen_id screen;
  unsigned gen;          /* bumped on every session wipe; stale completions are dropped */
  bool dirty;
  bool card_present;
  char reader[128];
  const char *message;   /* banner msgid */
  unsigned inputs;       /* inputs taken (keys, card events, the clock, answers that move on) */
  unsigned message_input; /* the input that raised the message */

  bool has_session;
  pk_citizen who;
  pk_card_result card_res;
  pk_secret *pin;
  int pin_tries;
  bool pinpad;           /* the reader takes the PIN on its own keypad */
  bool help;             /* the screen's help is open over it */
  bool tech;             /* the technician's checks are open over home (app_tech.c) */
  unsigned tech_run, tech_runs;
  struct pk_doctor_report *tech_report; /* the last run's, NULL while one runs */
  /* Sign-in without a card (app_otp.c); the code itself goes into `pin`, a secret like it. */
  char otp_nc[11], otp_mobile[12], otp_masked[16];
  char l1_birth[9];      /* level 1: the date of birth as typed, digits only (yyyymmdd) */
  int otp_field;
  bool otp_busy;

  uint64_t now, last_activity;
  int countdown;         /* -1 unless the idle warning is showing */

  pk_catalog *cat;
  int level;             /* authentication level of the session (3 with the card) */
  /* The list on screen: agencies, services or search results (catalog pointers). */
  const void **items;
  size_t nitems, capitems, sel;
  char query[256];
  const pk_agency *agency;
  const pk_service *service;
  bool search_picking;       /* search: arrows moved into the results, so digits pick one */
  uint64_t emptied_at;   /* when Backspace emptied a query or a field (a held key stops there) */
  bool service_from_search;  /* Back from a service card returns to the search, not the list */
  bool service_from_inbox;   /* ... or to the inbox, whose notice offered it */
  /* The way up (app_catalog.c): a service above the session's level, asked for twice, signs
   * the citizen out and opens once they are back at a level it takes, unless it expired. */
  bool step_up_offered, stepping_up;
  char want_service[64];
  uint64_t want_until;
  /* The form. */
  const pk_form_field *fields;
  size_t nfields, field;
  char (*values)[256];
  unsigned char *known;  /* per field: where a value the state knew came from (app_prefill.c) */
  bool leaving;          /* Esc on a filled form: asked once whether to drop what was typed */
  const char **errors;
  const char *hold;      /* msgid while nobody may be served (earlier requests being resolved) */
  pk_app_recent recent;  /* the citizen's latest request here, if any */
  char ref[16];          /* queue reference of this form's request once sent: a resend is the same request */
  char *sent_json;       /* what was sent under ref (wiped): a change makes a new request */
  /* Results the window sent. */
  pk_app_receipt receipt;
  pk_app_status status;
  bool has_status;
  pk_app_inbox_item *inbox;
  size_t ninbox;
  bool inbox_open;       /* the selected inbox item is shown whole */
  pk_app_document doc;
  size_t doc_page;
  pk_app_failure failure;
  const char *print_state;
  pk_app_payment pay;    /* the fee of the form's request */
  bool paying;           /* pay.outcome says where it stands (else no payment was asked) */
  /* Acting for a company (app_entity.c): the window's list, and the one chosen. */
  pk_app_entity *entities;
  size_t nentities;
  bool entities_busy;
  pk_app_entity obo;     /* obo.legal_id[0] == 0: the citizen acts for themselves */
  /* Counter mode (app_desk.c): the shift outlives every citizen's wipe; only its end wipes it. */
  pk_desk_state desk;
  pk_app_shift shift;
  char clerk_nc[11];     /* the shift's clerk: only their card resumes it (never logged) */
  bool clerk_authing;    /* the card being signed in on the citizen's screens is the clerk's */
  bool clerk_card_in;    /* the clerk's card is in its reader */
  bool from_citizen;     /* the key being handled came from the citizen-facing keypad */
  bool confirm_wait;     /* the review waits for the citizen's confirmation */
  /* The services this shift served most (app_quick.c): counts, not a history of who asked. */
  struct { char id[64]; unsigned n, last; } used[8];
  unsigned uses;
};

/* What a list key did. */
typedef enum { PK_LIST_NONE = 0, PK_LIST_MOVED, PK_LIST_OPEN, PK_LIST_BACK } pk_list_action;
pk_list_action pk_app_list_key(pk_app *app, pk_key key, size_t count, bool digits_pick);
int pk_app_items_reserve(pk_app *app, size_t n);
void pk_app_fail(pk_app *app, const pk_app_failure *fail);
void pk_app_forget_form(pk_app *app);
void pk_app_forget_sent(pk_app *app); /* the form's request is over: a send makes a new one */
void pk_app_forget_results(pk_app *app);
/* Appends the UTF-8 of cp to buf (of size n); -1 when it does not fit. */
int pk_utf8_append(char *buf, size_t n, uint32_t cp);
void pk_utf8_pop(char *buf);

const pk_screen_ops *pk_app_screen_ops(pk_screen_id id);
/* app_prefill.c: a form's fields the state already knows of the citizen are filled and fixed. */
void pk_app_prefill(pk_app *app);
bool pk_app_field_fixed(const pk_app *app, size_t i);
/* The next field the citizen fills at or after i (dir +1) or at or before it (-1); nfields (or
 * SIZE_MAX going back) when none. */
size_t pk_app_field_editable(const pk_app *app, size_t i, int dir);

/* The only way to change screens: follow ev through the transition table. */
void pk_app_dispatch(pk_app *app, pk_app_event ev);
/* The session wipe, run by every transition into home (and at shutdown). */
void pk_app_wipe(pk_app *app, const char *why);
void pk_app_set_message(pk_app *app, const char *msgid);
/* A held Backspace stops at the text it emptied: pk_app_emptied when a press empties one, and
 * pk_app_backspace_held is true within a second of it, when the next press must do nothing
 * (not leave the screen, not go on into the field before). */
void pk_app_emptied(pk_app *app);
bool pk_app_backspace_held(const pk_app *app);
/* app_tech.c: a key while the technician's view is open, or the one that opens it; false when
 * the key is the screen's. */
bool pk_app_tech_key(pk_app *app, pk_key key);
void pk_app_tech_close(pk_app *app);
/* The citizen is at the card terminal (app_pay.c): the idle limit is the sale's (app.c). */
bool pk_app_paying_at_terminal(const pk_app *app);
/* An input that may change screens arrives: a message raised while handling it goes with the
 * screen it leads to (a refusal told on the review); an older one stays behind with its screen. */
void pk_app_input_begins(pk_app *app);

/* app_desk.c: counter mode's hooks into the citizen's machine. Each is a no-op in kiosk mode. */
bool pk_app_counter(const pk_app *app);
bool pk_app_desk_card_in(pk_app *app, const char *reader);   /* true: the desk took the event */
bool pk_app_desk_card_out(pk_app *app, const char *reader);  /* true: the desk took the event */
bool pk_app_desk_key(pk_app *app, pk_key key);               /* true: the desk took the key */
void pk_app_desk_tick(pk_app *app);
void pk_app_desk_citizen_left(pk_app *app);                 /* the citizen's part went home */
/* The card read during a clerk's sign-in: a refusal, or PK_CARDRES_OK. */
pk_card_result pk_app_desk_card_check(const pk_app *app, const pk_citizen *who);
/* The clerk's PIN and signature were accepted: what follows. */
pk_app_event pk_app_desk_clerk_signed(pk_app *app);
typedef enum { PK_WAY_CARD, PK_WAY_OTP, PK_WAY_LEVEL1 } pk_way_in;
void pk_app_desk_citizen_signed(pk_app *app, pk_way_in way);
void pk_app_desk_outcome(pk_app *app, pk_submit_outcome outcome);
/* app_catalog.c: the service the way up was asked for, opened after the sign-in (OPEN). */
pk_app_event pk_app_wanted_service(pk_app *app);
void pk_app_want_expired(pk_app *app); /* at home, on the clock */
extern const char *const pk_app_want_msgid; /* what home says while the service waits */
/* Opens service id on its card, Back leading to its agency's list: OPEN, or NONE when the
 * catalog has no such service. */
pk_app_event pk_app_open_service_id(pk_app *app, const char *id);
/* app_quick.c: counter mode's quick picks (7, 8, 9 on the citizen's dashboard). */
void pk_app_quick_count(pk_app *app, const char *service_id);
pk_app_event pk_app_quick_key(pk_app *app, int digit);
/* app_entity.c */
void pk_app_forget_entities(pk_app *app);

#define PK_X_SCREEN_OPS(id, name, what) extern const pk_screen_ops pk_screen_##name;
PK_SCREENS(PK_X_SCREEN_OPS)
#undef PK_X_SCREEN_OPS

#endif
