/* Paragraph wrapping in logical order at UAX #14 break opportunities (ICU line
 * break iterator); each line is laid out afterwards by pk_visual. An isolate cut by a
 * line end is closed on that line and reopened on the next, so each line stays whole. */
#include "internal.h"
#include "pishkhan/i18n.h"
#include <stdlib.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/utf16.h>

typedef struct {
  char **v;
  int n, cap;
  UChar open[64]; /* isolate/embedding initiators still open at the last line end */
  int depth;
} lines;

static bool is_init(UChar c) {
  return (c >= 0x2066 && c <= 0x2068) || (c >= 0x202A && c <= 0x202E && c != 0x202C);
}

static void track(lines *L, UChar c) {
  if (is_init(c) && L->depth < 64) L->open[L->depth++] = c;
  else if ((c == 0x2069 || c == 0x202C) && L->depth > 0) L->depth--;
}

static int seg_width(const UChar *s, int32_t n) {
  UChar *sh = NULL;
  int32_t m = pk__shape(s, n, &sh, NULL);
  int w = m < 0 ? pk__width16(s, n) : pk__width16(sh, m);
  free(sh);
  return w;
}

static int32_t trim_end(const UChar *s, int32_t a, int32_t b) {
  while (b > a && (u_isUWhiteSpace(s[b - 1]) || s[b - 1] == '\n' || s[b - 1] == '\r')) b--;
  return b;
}

static bool emit(lines *L, const UChar *s, int32_t a, int32_t b) {
  pk_ubuf u = {0};
  bool ok = pk__ubuf_cat(&u, L->open, L->depth);
  for (int32_t i = a; ok && i < b; i++) track(L, s[i]);
  ok = ok && pk__ubuf_cat(&u, s + a, b - a);
  for (int d = L->depth - 1; ok && d >= 0; d--)
    ok = pk__ubuf_put(&u, L->open[d] >= 0x2066 ? 0x2069 : 0x202C);
  if (ok && L->n == L->cap) {
    L->cap = L->cap ? L->cap * 2 : 8;
    char **v = realloc(L->v, sizeof(char *) * (size_t)L->cap);
    ok = v != NULL;
    if (v) L->v = v;
  }
  char *line = ok ? pk__u8(u.s, u.n) : NULL;
  free(u.s);
  if (line) L->v[L->n++] = line;
  return line != NULL;
}

/* A word wider than the line is cut by cells (marks stay with their base). */
static int32_t hard_cut(const UChar *s, int32_t a, int32_t b, int width) {
  int32_t i = a, last = a;
  while (i < b) {
    UChar32 c;
    int32_t next = i;
    U16_NEXT(s, next, b, c);
    if (pk_char_width((uint32_t)c) > 0 && next > a && seg_width(s + a, next - a) > width) break;
    last = i = next;
  }
  return last > a ? last : (a < b ? a + U16_LENGTH(s[a]) : b);
}

static bool wrap16(lines *L, const UChar *s, int32_t n, int width, UBreakIterator *bi) {
  int32_t start = 0, fit = -1;
  for (int32_t p = ubrk_first(bi); (p = ubrk_next(bi)) != UBRK_DONE;) {
    bool hard = ubrk_getRuleStatus(bi) >= UBRK_LINE_HARD;
    while (seg_width(s + start, trim_end(s, start, p) - start) > width) {
      int32_t cut = fit > start ? fit : hard_cut(s, start, trim_end(s, start, p), width);
      if (!emit(L, s, start, trim_end(s, start, cut))) return false;
      start = cut;
      fit = -1;
    }
    fit = p;
    if (hard || p == n) {
      if (!emit(L, s, start, trim_end(s, start, p))) return false;
      start = p;
    }
  }
  return L->n > 0 || emit(L, s, 0, 0);
}

int pk_wrap_logical(const char *utf8, int width, char ***lines_out) {
  int32_t n;
  UErrorCode e = U_ZERO_ERROR;
  UChar *s = pk__u16(utf8, &n);
  *lines_out = NULL;
  if (!s || width < 1) { free(s); return -1; }
  UBreakIterator *bi = ubrk_open(UBRK_LINE, "fa", s, n, &e);
  lines L = {0};
  bool ok = U_SUCCESS(e) && wrap16(&L, s, n, width, bi);
  ubrk_close(bi);
  free(s);
  if (!ok) { pk_lines_free(L.v, L.n); return -1; }
  *lines_out = L.v;
  return L.n;
}

int pk_wrap(const char *utf8, int width, char ***lines_out) {
  int n = pk_wrap_logical(utf8, width, lines_out);
  for (int i = 0; i < n; i++) {
    char *v = pk_visual((*lines_out)[i], width);
    if (!v) { pk_lines_free(*lines_out, n); *lines_out = NULL; return -1; }
    free((*lines_out)[i]);
    (*lines_out)[i] = v;
  }
  return n;
}

void pk_lines_free(char **v, int n) {
  for (int i = 0; v && i < n; i++) free(v[i]);
  free(v);
}
