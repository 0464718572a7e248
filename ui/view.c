/* The frame around every screen: header with the date, status line, body, message
 * banner, idle countdown and key hints. Screens draw only their body. */
#include "view.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "draw.h"
#include "input.h"
#include "view_help.h"
#include "view_tech.h"
#include "pishkhan/i18n.h"

/* From the one list of screens: a screen without a view does not link. */
#define X_VIEW(id, name, what) [PK_SCREEN_##id] = &ui_view_##name,
static const ui_view *const views[PK_SCREEN_COUNT] = {PK_SCREENS(X_VIEW)};

const ui_view *ui_view_for(pk_screen_id id) { return id < PK_SCREEN_COUNT ? views[id] : NULL; }

static void draw_header(void) {
  ui_bar(0, UI_PAIR_BAR, true);
  ui_put_start(0, 1, _("Pishkhan - smart government services"));
  char *now = ui_clock_text();
  if (now) ui_put_end(0, 1, now);
  free(now);
  ui_bar(0, UI_PAIR_BAR, false);
}

static void draw_status(const ui_status *st) {
  char *line = ui_fmt("%s: %s   %s: %s   %s: %s%s%s", _("Network"), _(st->network),
                      _("Card reader"), st->reader_ok ? _("ready") : _("not connected"), _("Printer"),
                      _(st->printer ? st->printer : "unknown"), st->demo ? "   " : "", st->demo ? _("[demo]") : "");
  if (line) ui_put_start(1, 1, line);
  free(line);
  mvhline(2, 0, ACS_HLINE, COLS);
}

/* The banner keeps every word: a sentence too long for its row takes the free row above it
 * (the body ends one row higher), and only then would it be cut. */
static void alert(const char *logical) {
  char **lines = NULL;
  int n = pk_wrap_logical(logical, COLS - 2, &lines);
  if (n < 0) return;
  int rows = n < 2 ? n : 2;
  for (int i = 0; i < rows; i++) {
    int y = LINES - 2 - rows + i;
    ui_bar(y, UI_PAIR_ALERT, true);
    ui_put_center(y, lines[i]);
    ui_bar(y, UI_PAIR_ALERT, false);
  }
  pk_lines_free(lines, n);
}

static void draw_banner(const pk_app *app, const ui_view *v) {
  const char *msg = pk_app_message(app);
  /* One instruction at a time: the core's reminder to take the card, when the body says it. */
  if (msg && v && v->says_card_out && pk_app_card_present(app) && !strcmp(msg, "Please remove your card.")) msg = NULL;
  int cd = pk_app_idle_countdown(app);
  if (cd >= 0) {
    char n[16];
    snprintf(n, sizeof n, "%d", cd);
    char *digits = ui_digits(n);
    char *text = ui_subst(_("Are you still there? Your session ends in %s seconds. Press any key to continue."), digits,
                          (char *)NULL);
    if (text) alert(text);
    free(text);
    free(digits);
  } else if (msg) {
    alert(_(msg));
  }
}

/* Keys a screen takes, "   " between them, in order of importance. */
#define HINT_GAP "   "

/* Appends to line as many of the keys from *next on as fit in room cells; *next moves past them. */
static void pack_hints(char *line, size_t cap, const char **next, int room) {
  while (**next) {
    const char *end = strstr(*next, HINT_GAP);
    size_t n = end ? (size_t)(end - *next) : strlen(*next);
    char item[256];
    snprintf(item, sizeof item, "%s%.*s", line[0] ? HINT_GAP : "", (int)n, *next);
    char both[512];
    snprintf(both, sizeof both, "%s%s", line, item);
    if (pk_text_width(both) > room || strlen(both) >= cap) return;
    strcpy(line, both);
    *next += n;
    while (**next == ' ') (*next)++;
  }
}

/* Hints never end in a cut word: keys that do not fit the bottom line go to the line above it,
 * and what fits in neither is left out from the least important end. */
/* The corner keys, language and help, at the end of the bottom row: each a tap target too. */
static int draw_corner(void) {
  const char *keys[] = {_("F2: switch language"), _("F1: help")};
  const pk_key_code codes[] = {PK_KEY_LANG, PK_KEY_HELP};
  int margin = 1;
  for (int i = 0; i < 2; i++) {
    int w = ui_put_end(LINES - 1, margin, keys[i]);
    int x0 = ui_rtl() ? margin : COLS - margin - w;
    ui_hit_add_span(LINES - 1, x0, x0 + w, (pk_key){codes[i], 0});
    margin += w + 3;
  }
  return margin - 1;
}

static void draw_hints(const pk_app *app, const ui_view *v) {
  const char *msgid = pk_app_help_open(app) ? N_("Any key: back to the screen")
                      : v && v->hints_now ? v->hints_now(app) : v ? v->hints : NULL;
  const char *next = msgid ? _(msgid) : "";
  int corner = pk_text_width(_("F2: switch language")) + pk_text_width(_("F1: help")) + 5;
  int room = COLS - corner - 3;
  char upper[512] = "", lower[512] = "";
  if (pk_text_width(next) > room) pack_hints(upper, sizeof upper, &next, COLS - 2);
  pack_hints(lower, sizeof lower, &next, room);
  if (upper[0]) {
    ui_bar(LINES - 2, UI_PAIR_BAR, true);
    ui_put_start(LINES - 2, 1, upper);
    ui_bar(LINES - 2, UI_PAIR_BAR, false);
  } else {
    mvhline(LINES - 2, 0, ACS_HLINE, COLS);
  }
  ui_bar(LINES - 1, UI_PAIR_BAR, true);
  int used = draw_corner();
  ui_text(LINES - 1, ui_rtl() ? used + 2 : 1, COLS - used - 3, lower);
  ui_bar(LINES - 1, UI_PAIR_BAR, false);
}

static void draw_too_small(void) {
  ui_put_center(LINES / 2 - 1, _("The window is too small."));
  char cols[8], rows[8];
  snprintf(cols, sizeof cols, "%d", UI_MIN_COLS);
  snprintf(rows, sizeof rows, "%d", UI_MIN_ROWS);
  char *need = ui_subst(_("Please enlarge it to at least %s x %s."), cols, rows, (char *)NULL);
  char *digits = need ? ui_digits(need) : NULL;
  if (digits) ui_put_center(LINES / 2 + 1, digits);
  free(digits);
  free(need);
}

void ui_draw(const pk_app *app, const ui_status *st) {
  erase();
  if (COLS < UI_MIN_COLS || LINES < UI_MIN_ROWS) {
    draw_too_small();
    refresh();
    return;
  }
  const ui_view *v = ui_view_for(pk_app_screen(app));
  draw_header();
  draw_status(st);
  if (pk_app_help_open(app)) ui_help_draw(app, 4, LINES - 8);
  else if (pk_app_tech_open(app)) ui_tech_draw(app, 4, LINES - 8);
  else if (v && v->draw) v->draw(app, st, 4, LINES - 8);
  draw_banner(app, v);
  draw_hints(app, v);
  refresh();
}
