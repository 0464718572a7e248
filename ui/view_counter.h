/* Counter mode's views: the clerk's desk (drawn where home is) and the company chosen. */
#ifndef PK_UI_VIEW_COUNTER_H
#define PK_UI_VIEW_COUNTER_H
#include <stdbool.h>

#include "view.h"

void ui_desk_draw(const pk_app *app, const ui_status *st, int top, int rows);
const char *ui_desk_hints(const pk_app *app);
/* The card on the sign-in screens is the clerk's own (the PIN is theirs to type). */
bool ui_desk_clerk_signing(const pk_app *app);
/* "Acting for: company (ID)" on row y, when the citizen acts for one. */
void ui_desk_acting_for(const pk_app *app, int y);

#endif
