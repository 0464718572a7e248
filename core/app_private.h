/* Inside the state machine: the app struct and the per-screen function tables. */
#ifndef PK_APP_PRIVATE_H
#define PK_APP_PRIVATE_H
#include "pishkhan/app.h"

#define PK_PIN_MAX 12
#define PK_PIN_MIN 4

typedef struct pk_screen_ops {
  void (*enter)(pk_app *app);
  void (*key)(pk_app *app, pk_key key);
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

  bool has_session;
  pk_citizen who;
  pk_card_result card_res;
  pk_secret *pin;
  int pin_tries;

  uint64_t now, last_activity;
  int countdown;         /* -1 unless the idle warning is showing */
};

const pk_screen_ops *pk_app_screen_ops(pk_screen_id id);
void pk_app_go(pk_app *app, pk_screen_id to);
void pk_app_wipe_session(pk_app *app, const char *why);
void pk_app_set_message(pk_app *app, const char *msgid);

extern const pk_screen_ops pk_screen_home, pk_screen_card_read, pk_screen_card_error, pk_screen_pin,
    pk_screen_pin_blocked, pk_screen_auth, pk_screen_dashboard;

#endif
