/* Colour themes as data, so that their contrast can be measured (tests/ui/test_theme.c)
 * rather than judged by eye. Colours are xterm palette indices. */
#ifndef PK_UI_VIEW_THEME_H
#define PK_UI_VIEW_THEME_H
#include <stdbool.h>

/* Roles; 1..4 are also the curses colour pairs of draw.h (UI_PAIR_*). */
enum { UI_ROLE_BODY = 0, UI_ROLE_BAR, UI_ROLE_ALERT, UI_ROLE_SELECT, UI_ROLE_GOOD, UI_ROLE_COUNT };

typedef struct ui_colours {
  short fg, bg;
  bool bold;
} ui_colours;

typedef struct ui_theme {
  const char *name;
  double min_ratio;                /* the WCAG 2 contrast ratio every role must reach */
  ui_colours deep[UI_ROLE_COUNT];  /* terminals with 256 colours */
  ui_colours basic[UI_ROLE_COUNT]; /* terminals with 8 */
} ui_theme;

const ui_theme *ui_theme_get(bool high_contrast);
/* The theme term.c applied, for draw.c's attributes. */
void ui_theme_use(const ui_theme *t, bool deep);
bool ui_theme_bold(int role);
/* xterm's default RGB of a palette index (0..255). */
void ui_xterm_rgb(int index, unsigned char rgb[3]);
/* What the terminal shows: xterm draws bold text in colours 0..7 with their bright twins. */
int ui_shown_fg(const ui_colours *c);
/* WCAG 2 contrast ratio (1..21) of two palette indices. */
double ui_contrast(int fg, int bg);

#endif
