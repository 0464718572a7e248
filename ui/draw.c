#include "draw.h"

#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "pishkhan/i18n.h"
#include "view_code.h"
#include "view_theme.h"

bool ui_rtl(void) { return pk_i18n_lang() == PK_LANG_FA; }
int ui_cols(void) { return COLS; }
int ui_rows(void) { return LINES; }

void ui_text(int y, int x, int width, const char *logical) {
  if (width <= 0 || y < 0 || y >= LINES) return;
  char *cells = pk_visual(logical, width);
  if (cells) mvaddstr(y, x, cells);
  free(cells);
}

int ui_put_start(int y, int margin, const char *logical) {
  char *cells = pk_visual(logical, 0);
  if (!cells) return 0;
  int w = pk_text_width(logical);
  int room = COLS - 2 * margin;
  if (w > room) {
    free(cells);
    ui_text(y, margin, room, logical);
    return room;
  }
  mvaddstr(y, ui_rtl() ? COLS - margin - w : margin, cells);
  free(cells);
  return w;
}

int ui_put_end(int y, int margin, const char *logical) {
  char *cells = pk_visual(logical, 0);
  if (!cells) return 0;
  int w = pk_text_width(logical);
  if (w > COLS - 2 * margin) w = COLS - 2 * margin;
  mvaddstr(y, ui_rtl() ? margin : COLS - margin - w, cells);
  free(cells);
  return w;
}

void ui_put_center(int y, const char *logical) {
  int w = pk_text_width(logical);
  if (w >= COLS) {
    ui_text(y, 0, COLS, logical);
    return;
  }
  char *cells = pk_visual(logical, 0);
  if (cells) mvaddstr(y, (COLS - w) / 2, cells);
  free(cells);
}

int ui_paragraph(int y, int margin, int max_rows, const char *logical) {
  return ui_paragraph_at(y, margin, COLS - 2 * margin, max_rows, logical);
}

int ui_paragraph_at(int y, int x, int width, int max_rows, const char *logical) {
  char **lines = NULL;
  int n = width > 0 ? pk_wrap(logical, width, &lines) : -1;
  if (n < 0) return 0;
  int rows = n < max_rows ? n : max_rows;
  for (int i = 0; i < rows; i++) mvaddstr(y + i, x, lines[i]);
  pk_lines_free(lines, n);
  return rows;
}

void ui_bar(int y, int pair, bool on) {
  attr_t a = COLOR_PAIR(pair) | (ui_theme_bold(pair) ? A_BOLD : 0);
  if (on) {
    attron(a);
    mvhline(y, 0, ' ', COLS);
  } else {
    attroff(a);
  }
}

/* The selection shows in shape too, for eyes (and screens) that lose the colour: an arrow at the
 * reading start pointing into the row, «◀» at the right edge in Persian. */
char *ui_marked(bool selected, const char *logical) {
  return ui_fmt("%s %s", selected ? (ui_rtl() ? "\u25c0" : "\u25b6") : " ", logical);
}

char *ui_fmt(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *s = NULL;
  if (vasprintf(&s, fmt, ap) < 0) s = NULL;
  va_end(ap);
  return s;
}

char *ui_subst(const char *tmpl, ...) {
  va_list ap;
  va_start(ap, tmpl);
  char *out = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&out, &len);
  if (!f) {
    va_end(ap);
    return NULL;
  }
  const char *arg;
  for (const char *p = tmpl; *p; p++) {
    if (p[0] == '%' && p[1] == 's' && (arg = va_arg(ap, const char *)) != NULL) {
      fputs(arg, f);
      p++;
    } else {
      fputc(*p, f);
    }
  }
  va_end(ap);
  fclose(f);
  return out;
}

char *ui_digits(const char *ascii) { return pk_digits_localize(ascii); }

char *ui_code_text(const char *code) {
  char *groups = ui_code_groups(code);
  char *iso = groups ? pk_isolate_ltr(groups) : NULL;
  char *digits = iso ? ui_digits(iso) : NULL;
  free(iso);
  free(groups);
  return digits;
}
