/* Keys, keypad and touch to application keys. Touch targets are registered by the views
 * while they draw (a whole row per menu item), so a tap means the same as its key. */
#ifndef PK_UI_INPUT_H
#define PK_UI_INPUT_H
#include <stdbool.h>

#include "pishkhan/app.h"

typedef enum {
  UI_CMD_NONE = 0,
  UI_CMD_KEY,        /* forward `key` to the application */
  UI_CMD_QUIT,       /* only honoured outside kiosk mode */
  UI_CMD_RESIZE,
  UI_CMD_DEMO_CARD,  /* F5 */
  UI_CMD_DEMO_NEXT,  /* F6 */
  UI_CMD_DEMO_CLERK, /* F7: the demo clerk's card in or out (counter mode) */
  UI_CMD_DEMO_WINDOW, /* F9: the demo window unreachable, or back */
} ui_cmd_type;

typedef struct {
  ui_cmd_type type;
  pk_key key;
} ui_cmd;

/* Reads one input (non-blocking); false when nothing is pending. */
bool ui_input_read(ui_cmd *out);
void ui_hits_clear(void);
void ui_hit_add(int y, pk_key key);                          /* the whole row */
void ui_hit_add_span(int y, int x0, int x1, pk_key key);    /* cells [x0, x1) of the row */

#endif
