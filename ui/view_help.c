/* A screen's help (help_text.c) drawn over the screen itself: F1, or the «راهنما» target. */
#include "view_help.h"

#include <curses.h>
#include <stdlib.h>

#include "draw.h"
#include "input.h"
#include "pishkhan/i18n.h"


void ui_help_draw(const pk_app *app, int top, int rows) {
  const char *msgid = ui_help_for(pk_app_screen(app));
  if (!msgid) return;
  for (int y = top; y < top + rows; y++) mvhline(y, 0, ' ', COLS);
  attron(A_BOLD);
  ui_put_start(top, 2, _("Help"));
  attroff(A_BOLD);
  int y = top + 2;
  y += ui_paragraph(y, 3, rows - 6, _(msgid));
  y++;
  y += ui_paragraph(y, 3, 2, _("If you need more help, ask the clerk at the counter."));
  ui_put_start(top + rows - 1, 3, _("Press any key to go back to the screen."));
  for (int r = top; r < top + rows; r++) ui_hit_add(r, (pk_key){PK_KEY_HELP, 0}); /* a tap closes it too */
}
