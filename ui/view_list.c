#include "view_list.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>

#include "draw.h"
#include "input.h"
#include "pishkhan/i18n.h"

const char *ui_pick(const char *fa, const char *en) {
  if (pk_i18n_lang() == PK_LANG_FA) return fa && fa[0] ? fa : en;
  return en && en[0] ? en : fa;
}

static void page_line(int y, size_t page, size_t pages) {
  char a[24], b[24];
  snprintf(a, sizeof a, "%zu", page + 1);
  snprintf(b, sizeof b, "%zu", pages);
  char *line = ui_subst(_("Page %s of %s"), a, b, (char *)NULL);
  char *digits = line ? ui_digits(line) : NULL;
  if (digits) ui_put_center(y, digits);
  free(digits);
  free(line);
}

int ui_list(const pk_app *app, int y, ui_row_text text, bool numbered) {
  size_t n = pk_app_list_count(app), sel = pk_app_list_selected(app);
  size_t page = sel / PK_PAGE_SIZE, first = page * PK_PAGE_SIZE;
  for (size_t i = first; i < n && i < first + PK_PAGE_SIZE; i++, y++) {
    char num[24];
    snprintf(num, sizeof num, "%zu", i - first + 1);
    char *d = ui_digits(num);
    char *name = pk_isolate_signed(text(app, i)); /* «پلیس +۱۰», not «۱۰+» */
    const char *shown = name ? name : text(app, i);
    char *item = numbered ? ui_fmt("%s  %s", d ? d : num, shown) : NULL;
    char *row = ui_marked(i == sel, item ? item : shown);
    free(item);
    free(name);
    if (i == sel) ui_bar(y, UI_PAIR_SELECT, true);
    if (row) ui_put_start(y, 3, row);
    if (i == sel) ui_bar(y, UI_PAIR_SELECT, false);
    ui_hit_add(y, numbered ? (pk_key){PK_KEY_CHAR, (uint32_t)('1' + (i - first))} : (pk_key){PK_KEY_ENTER, 0});
    free(row);
    free(d);
  }
  if (n > PK_PAGE_SIZE) page_line(y + 1, page, (n + PK_PAGE_SIZE - 1) / PK_PAGE_SIZE);
  return y + 2;
}
