/* The application state machine: every citizen flow as screens with enter/key/leave,
 * driven by keys, card events, backend completions and a clock. It never draws and
 * never includes ncurses: ui/ reads this state and draws it. Card and network work
 * is asked of a backend (pk_backend_ops) and comes back through pk_app_*_done(). */
#ifndef PISHKHAN_APP_H
#define PISHKHAN_APP_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pishkhan/config.h"
#include "pishkhan/secret.h"

typedef struct pk_app pk_app;

typedef enum {
  PK_SCREEN_HOME = 0,   /* attract: insert your card */
  PK_SCREEN_CARD_READ,  /* reading the card (spinner) */
  PK_SCREEN_CARD_ERROR, /* card refused: message, remove the card */
  PK_SCREEN_PIN,        /* masked PIN entry, tries left */
  PK_SCREEN_PIN_BLOCKED,
  PK_SCREEN_AUTH,       /* PIN check + challenge signature + window login (spinner) */
  PK_SCREEN_DASHBOARD,
  PK_SCREEN_AGENCIES,   /* browse by agency */
  PK_SCREEN_SERVICES,   /* services of one agency */
  PK_SCREEN_SEARCH,     /* search as you type */
  PK_SCREEN_SERVICE,    /* service card */
  PK_SCREEN_FORM,
  PK_SCREEN_REVIEW,
  PK_SCREEN_SUBMIT,     /* spinner + cancel */
  PK_SCREEN_RECEIPT,
  PK_SCREEN_STATUS,     /* status inquiry by tracking code */
  PK_SCREEN_INBOX,
  PK_SCREEN_DOCUMENT,
  PK_SCREEN_COUNT
} pk_screen_id;

typedef enum {
  PK_KEY_NONE = 0,
  PK_KEY_CHAR,    /* cp holds the code point (digits of any script, letters) */
  PK_KEY_ENTER,
  PK_KEY_BACK,    /* Backspace: delete a character, or go back when nothing to delete */
  PK_KEY_CANCEL,  /* Esc */
  PK_KEY_UP, PK_KEY_DOWN, PK_KEY_LEFT, PK_KEY_RIGHT, PK_KEY_PGUP, PK_KEY_PGDN, PK_KEY_TAB,
  PK_KEY_LANG,    /* one key to switch Persian/English */
  PK_KEY_PRINT,
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
} pk_card_result;

typedef struct {
  char name_fa[256];
  char name_en[256];
  char national_code[11]; /* full code: kept for the session only, never logged or shown whole */
  char birth_date[16];    /* Jalali yyyy/mm/dd */
  char expires[16];
  bool clerk;
} pk_citizen;

/* What the state machine asks of the outside world. Every call is asynchronous:
 * the backend answers later on the main thread with the matching pk_app_*_done(),
 * passing back `gen`; answers for an older generation (a wiped session) are dropped. */
typedef struct pk_backend_ops {
  void (*card_open)(void *be, pk_app *app, unsigned gen);
  /* pin is owned by the app and wiped right after this call returns. */
  void (*card_login)(void *be, pk_app *app, unsigned gen, pk_secret *pin);
  void (*card_close)(void *be);  /* session wipe: forget the card and the token */
  void (*cancel)(void *be);      /* abandon what is in flight */
} pk_backend_ops;

pk_app *pk_app_new(const pk_config *cfg, const pk_backend_ops *ops, void *be);
void pk_app_free(pk_app *app);

/* Inputs */
void pk_app_key(pk_app *app, pk_key key, uint64_t now_ms);
void pk_app_card_inserted(pk_app *app, const char *reader, uint64_t now_ms);
void pk_app_card_removed(pk_app *app, const char *reader, uint64_t now_ms);
void pk_app_tick(pk_app *app, uint64_t now_ms);

/* Backend completions */
void pk_app_card_open_done(pk_app *app, unsigned gen, pk_card_result res, const pk_citizen *who,
                           int pin_tries_left);
void pk_app_card_login_done(pk_app *app, unsigned gen, pk_card_result res, int pin_tries_left);

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
unsigned pk_app_generation(const pk_app *app);
/* Set by every change the view must redraw; the view clears it. */
bool pk_app_take_dirty(pk_app *app);

const char *pk_screen_name(pk_screen_id id);

#endif
