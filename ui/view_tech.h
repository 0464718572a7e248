#ifndef PK_UI_VIEW_TECH_H
#define PK_UI_VIEW_TECH_H
#include "pishkhan/app.h"

/* The technician's checks over the body rows [top, top + rows). */
void ui_tech_draw(const pk_app *app, int top, int rows);

#endif
