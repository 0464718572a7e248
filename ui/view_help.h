#ifndef PK_UI_VIEW_HELP_H
#define PK_UI_VIEW_HELP_H
#include "pishkhan/app.h"

/* msgid explaining a screen, or NULL. */
const char *ui_help_for(pk_screen_id id);
/* Over the body rows [top, top + rows). */
void ui_help_draw(const pk_app *app, int top, int rows);

#endif
