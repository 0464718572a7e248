/* The technician's view (Ctrl-T or F12 at home): the report of `pishkhan doctor`, a line per
 * check with what to do, drawn over the home screen. */
#include "view_tech.h"

#include <curses.h>
#include <stdio.h>

#include "draw.h"
#include "input.h"
#include "pishkhan/doctor.h"
#include "pishkhan/i18n.h"

static int draw_check(int y, int last, const pk_doctor_check *c) {
  char line[800];
  snprintf(line, sizeof line, "%s  %s: %s", pk_doctor_mark(c), c->name, c->message);
  if (!c->ok && c->severity == PK_DOCTOR_CRITICAL) attron(A_BOLD);
  int used = ui_paragraph(y, 3, last - y, line);
  attroff(A_BOLD);
  return used;
}

void ui_tech_draw(const pk_app *app, int top, int rows) {
  for (int y = top; y < top + rows; y++) mvhline(y, 0, ' ', COLS);
  attron(A_BOLD);
  ui_put_start(top, 2, _("Technician: the kiosk's checks"));
  attroff(A_BOLD);
  const pk_doctor_report *r = pk_app_tech_report(app);
  int y = top + 2, last = top + rows - 2;
  if (!r) {
    ui_put_start(y, 3, _("Checking the card reader, the printer, the window and the stores…"));
  } else {
    for (size_t i = 0; i < r->n && y < last; i++) y += draw_check(y, last, &r->checks[i]);
    if (y < last) ui_put_start(y + (y + 1 < last), 3, pk_doctor_ok(r) ? _("The kiosk can serve.")
                                                                      : _("The kiosk cannot serve: see FAIL above."));
  }
  ui_put_start(top + rows - 1, 3, _("Enter: check again. Any other key: close."));
  for (int row = top; row < top + rows - 1; row++) ui_hit_add(row, (pk_key){PK_KEY_CANCEL, 0});
  ui_hit_add(top + rows - 1, (pk_key){PK_KEY_ENTER, 0});
}
