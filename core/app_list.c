/* Lists and text input shared by the screens: selection, pages, digit picks, UTF-8 edits. */
#include <stdlib.h>
#include <string.h>

#include "app_input.h"
#include "app_private.h"
#include "pishkhan/i18n.h"

int pk_app_items_reserve(pk_app *app, size_t n) {
  if (n <= app->capitems) return 0;
  const void **p = realloc(app->items, n * sizeof *p);
  if (!p) return -1;
  app->items = p;
  app->capitems = n;
  return 0;
}

/* In Persian the next page lies to the left, as the next page of a Persian book does. */
static int page_step(pk_key_code code) {
  bool rtl = pk_i18n_lang() == PK_LANG_FA;
  switch (code) {
  case PK_KEY_PGDN: return 1;
  case PK_KEY_PGUP: return -1;
  case PK_KEY_LEFT: return rtl ? 1 : -1;
  case PK_KEY_RIGHT: return rtl ? -1 : 1;
  default: return 0;
  }
}

pk_list_action pk_app_list_key(pk_app *app, pk_key key, size_t count, bool digits_pick) {
  int d = pk_key_digit(key);
  if (digits_pick && d >= 1 && d <= PK_PAGE_SIZE) {
    size_t i = app->sel / PK_PAGE_SIZE * PK_PAGE_SIZE + (size_t)d - 1;
    if (i >= count) return PK_LIST_NONE;
    app->sel = i;
    return PK_LIST_OPEN;
  }
  int step = page_step(key.code);
  if (step && count) {
    long page = (long)(app->sel / PK_PAGE_SIZE) + step;
    long last = (long)((count - 1) / PK_PAGE_SIZE);
    page = page < 0 ? 0 : page > last ? last : page;
    app->sel = (size_t)page * PK_PAGE_SIZE;
    app->dirty = true;
    return PK_LIST_MOVED;
  }
  switch (key.code) {
  case PK_KEY_UP:
    if (app->sel > 0) app->sel--;
    app->dirty = true;
    return PK_LIST_MOVED;
  case PK_KEY_DOWN:
    if (app->sel + 1 < count) app->sel++;
    app->dirty = true;
    return PK_LIST_MOVED;
  case PK_KEY_ENTER: return count ? PK_LIST_OPEN : PK_LIST_NONE;
  case PK_KEY_BACK:
  case PK_KEY_CANCEL: return PK_LIST_BACK;
  default: return PK_LIST_NONE;
  }
}

int pk_utf8_append(char *buf, size_t n, uint32_t cp) {
  char enc[4];
  size_t k;
  if (cp < 0x80) enc[0] = (char)cp, k = 1;
  else if (cp < 0x800) enc[0] = (char)(0xC0 | cp >> 6), enc[1] = (char)(0x80 | (cp & 0x3F)), k = 2;
  else if (cp < 0x10000) {
    if (cp >= 0xD800 && cp <= 0xDFFF) return -1;
    enc[0] = (char)(0xE0 | cp >> 12), enc[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    enc[2] = (char)(0x80 | (cp & 0x3F)), k = 3;
  } else if (cp < 0x110000) {
    enc[0] = (char)(0xF0 | cp >> 18), enc[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    enc[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), enc[3] = (char)(0x80 | (cp & 0x3F)), k = 4;
  } else return -1;
  size_t len = strlen(buf);
  if (len + k >= n) return -1;
  memcpy(buf + len, enc, k);
  buf[len + k] = 0;
  return 0;
}

void pk_utf8_pop(char *buf) {
  size_t len = strlen(buf);
  while (len > 0 && ((unsigned char)buf[len - 1] & 0xC0) == 0x80) len--;
  if (len > 0) len--;
  buf[len] = 0;
}
