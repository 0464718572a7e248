/* Each screen's view: how it draws the application state, and its key hints.
 * The state machine (core/) decides; a view only shows. */
#ifndef PK_UI_VIEW_H
#define PK_UI_VIEW_H
#include <stdbool.h>

#include "pishkhan/app.h"

typedef struct ui_status {
  bool demo;
  const char *network;  /* msgid: the network's state after the last catalog sync */
  const char *link;     /* msgid: the link in a sentence (queued or sent), for home and dashboard */
  size_t queued;        /* requests waiting in the outbox (queued or being confirmed) */
  bool reader_ok;       /* a reader is present */
  const char *printer;  /* msgid of the printer state */
  unsigned spinner;     /* advances while something is in flight */
  const char *demo_persona;
} ui_status;

typedef struct ui_view {
  void (*draw)(const pk_app *app, const ui_status *st, int top, int rows);
  const char *hints;    /* msgid: the keys this screen takes */
  const char *(*hints_now)(const pk_app *app); /* instead of hints, when they follow the state */
  bool says_card_out;   /* the body itself asks for a card to come out: no banner repeats it */
} ui_view;

void ui_draw(const pk_app *app, const ui_status *st);
const ui_view *ui_view_for(pk_screen_id id);
/* Smallest usable terminal. */
#define UI_MIN_COLS 80
#define UI_MIN_ROWS 24

#define UI_X_VIEW(id, name, what) extern const ui_view ui_view_##name;
PK_SCREENS(UI_X_VIEW)
#undef UI_X_VIEW

#endif
