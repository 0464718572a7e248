/* A page of a list: numbered rows (the digit picks the row, a tap does too), the
 * selection highlighted, and "page 2 of 7" beneath. */
#ifndef PK_UI_VIEW_LIST_H
#define PK_UI_VIEW_LIST_H
#include <stddef.h>

#include "pishkhan/app.h"

typedef const char *(*ui_row_text)(const pk_app *app, size_t i); /* logical UTF-8 */

/* Draws rows from y; returns the first free row after the list. */
int ui_list(const pk_app *app, int y, ui_row_text text, bool numbered);
/* Persian or English of a pair, by the UI language. */
const char *ui_pick(const char *fa, const char *en);

#endif
