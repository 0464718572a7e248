/* Each screen's view: how it draws the application state, and its key hints.
 * The state machine (core/) decides; a view only shows. */
#ifndef PK_UI_VIEW_H
#define PK_UI_VIEW_H
#include <stdbool.h>

#include "pishkhan/app.h"

typedef struct ui_status {
  bool demo;
  bool online;          /* the window answered recently */
  bool reader_ok;       /* a reader is present */
  const char *printer;  /* msgid of the printer state */
  unsigned spinner;     /* advances while something is in flight */
  const char *demo_persona;
} ui_status;

typedef struct ui_view {
  pk_screen_id id;
  void (*draw)(pk_app *app, const ui_status *st, int top, int rows);
  const char *hints;    /* msgid: the keys this screen takes */
} ui_view;

void ui_draw(pk_app *app, const ui_status *st);
const ui_view *ui_view_for(pk_screen_id id);
/* Smallest usable terminal. */
#define UI_MIN_COLS 80
#define UI_MIN_ROWS 24

extern const ui_view ui_view_home, ui_view_card_read, ui_view_card_error, ui_view_pin, ui_view_pin_blocked,
    ui_view_auth, ui_view_dashboard, ui_view_agencies, ui_view_services, ui_view_search, ui_view_service,
    ui_view_form, ui_view_review, ui_view_submit, ui_view_receipt, ui_view_status, ui_view_inbox, ui_view_document;

#endif
