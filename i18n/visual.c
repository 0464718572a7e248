/* One line of logical text -> the cells written to the terminal (UAX #9 via ICU ubidi,
 * shaping before reordering, truncation with an ellipsis, alignment by direction). */
#include "internal.h"
#include "pishkhan/i18n.h"
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ubidi.h>
#include <unicode/uchar.h>
#include <unicode/utf16.h>

#define ELLIPSIS 0x2026
static atomic_bool g_bidi_terminal;

void pk_i18n_set_bidi_terminal(bool terminal) { atomic_store(&g_bidi_terminal, terminal); }

static bool is_control(UChar32 c) { return c < 0x20 || (c >= 0x7F && c < 0xA0); }

/* Controls have no place in a layout line: TAB becomes a space, others go. */
static int32_t drop_controls(const UChar *in, int32_t n, UChar *out) {
  int32_t o = 0;
  for (int32_t i = 0; i < n; i++) {
    if (in[i] == '\t') out[o++] = ' ';
    else if (!is_control(in[i])) out[o++] = in[i];
  }
  return o;
}

/* Index in sh where the text stops fitting in avail cells (marks stay with their base). */
static int32_t fit_cut(const UChar *sh, int32_t n, int avail) {
  int w = 0;
  for (int32_t i = 0; i < n;) {
    int32_t at = i;
    UChar32 c;
    U16_NEXT(sh, i, n, c);
    int cw = pk_char_width((uint32_t)c);
    if (cw > 0 && w + cw > avail) return at;
    w += cw;
  }
  return n;
}

/* Closes the isolates/embeddings left open at the cut so that the ellipsis takes the
 * paragraph direction (the side where the text ends), then appends it. */
static bool close_and_ellipsis(pk_ubuf *b) {
  UChar stack[128];
  int depth = 0;
  for (int32_t i = 0; i < b->n; i++) {
    UChar c = b->s[i];
    if ((c >= 0x2066 && c <= 0x2068) || (c >= 0x202A && c <= 0x202E && c != 0x202C)) {
      if (depth < 128) stack[depth++] = c;
    } else if (c == 0x2069) {
      while (depth > 0 && stack[--depth] < 0x2066) {}
    } else if (c == 0x202C && depth > 0 && stack[depth - 1] < 0x2066) {
      depth--;
    }
  }
  while (depth > 0) {
    if (!pk__ubuf_put(b, stack[--depth] >= 0x2066 ? 0x2069 : 0x202C)) return false;
  }
  return pk__ubuf_put(b, ELLIPSIS);
}

/* Shapes, and when too wide shapes again the cut logical text + ellipsis. */
static int32_t shape_fit(const UChar *s, int32_t n, int width, bool shape, UChar **out) {
  int32_t *src = NULL;
  *out = NULL;
  int32_t m = shape ? pk__shape(s, n, out, &src) : -1;
  if (!shape) {
    *out = calloc((size_t)n + 1, sizeof(UChar));
    if (!*out) return -1;
    if (n > 0) memcpy(*out, s, sizeof(UChar) * (size_t)n);
    m = n;
  }
  if (m < 0 || width <= 0 || pk__width16(*out, m) <= width) { free(src); return m; }
  int32_t cut = fit_cut(*out, m, width - 1);
  int32_t cut_in = src ? src[cut] : cut;
  free(src);
  free(*out);
  *out = NULL;
  pk_ubuf b = {0};
  if (!pk__ubuf_cat(&b, s, cut_in) || !close_and_ellipsis(&b)) { free(b.s); return -1; }
  m = shape ? pk__shape(b.s, b.n, out, NULL) : b.n;
  if (shape) free(b.s);
  else *out = b.s;
  return m;
}

/* Reorders one shaped line; the caller drops isolates, ZWNJ and other format characters.
 * Not UBIDI_REMOVE_BIDI_CONTROLS: with UBIDI_KEEP_BASE_COMBINING, ICU 72 counts a control
 * followed by a mark (ZWNJ + hamza) as written without writing it, leaving a cell of
 * uninitialized memory on screen. */
static int32_t reorder(const UChar *sh, int32_t m, bool rtl, UChar *dst) {
  UErrorCode e = U_ZERO_ERROR;
  UBiDi *bidi = ubidi_openSized(m, 0, &e);
  ubidi_setPara(bidi, sh, m, rtl ? 1 : 0, NULL, &e);
  int32_t v = ubidi_writeReordered(bidi, dst, m + 1, UBIDI_DO_MIRRORING | UBIDI_KEEP_BASE_COMBINING, &e);
  ubidi_close(bidi);
  return U_FAILURE(e) ? -1 : v;
}

static int32_t drop_format(UChar *s, int32_t n, bool keep_joiners) {
  int32_t o = 0;
  for (int32_t i = 0; i < n; i++) {
    bool joiner = s[i] == 0x200C || s[i] == 0x200D;
    if (!pk__is_format(s[i]) || (keep_joiners && joiner)) s[o++] = s[i];
  }
  return o;
}

static char *pad(const UChar *v, int32_t n, int width, bool left) {
  int spaces = width > 0 ? width - pk__width16(v, n) : 0;
  if (spaces < 0) spaces = 0;
  pk_ubuf b = {0};
  if (!pk__ubuf_reserve(&b, n + spaces + 1)) return NULL;
  for (int i = 0; left && i < spaces; i++) b.s[b.n++] = ' ';
  pk__ubuf_cat(&b, v, n);
  for (int i = 0; !left && i < spaces; i++) b.s[b.n++] = ' ';
  char *r = pk__u8(b.s, b.n);
  free(b.s);
  return r;
}

char *pk__visual16(const UChar *s, int32_t n, int width, bool rtl) {
  bool term = atomic_load(&g_bidi_terminal);
  UChar *clean = malloc(sizeof(UChar) * ((size_t)n + 1)), *sh = NULL, *v = NULL;
  char *r = NULL;
  if (!clean) return NULL;
  int32_t cn = drop_controls(s, n, clean);
  int32_t m = shape_fit(clean, cn, width, !term, &sh);
  if (m < 0) goto out;
  if (term) { /* the terminal reorders and shapes: logical order, end padded */
    r = pad(sh, drop_format(sh, m, true), width, false);
    goto out;
  }
  v = malloc(sizeof(UChar) * ((size_t)m + 1));
  int32_t vn = v ? reorder(sh, m, rtl, v) : -1;
  if (vn >= 0) r = pad(v, drop_format(v, vn, false), width, rtl);
out:
  free(clean);
  free(sh);
  free(v);
  return r;
}

char *pk_visual_dir(const char *utf8, int width, pk_dir dir) {
  int32_t n;
  UChar *s = pk__u16(utf8, &n);
  if (!s) return NULL;
  bool rtl = dir == PK_DIR_RTL || (dir == PK_DIR_LANG && pk__lang_rtl());
  char *r = pk__visual16(s, n, width, rtl);
  free(s);
  return r;
}

char *pk_visual(const char *utf8, int width) { return pk_visual_dir(utf8, width, PK_DIR_LANG); }

char *pk_isolate_ltr(const char *utf8) {
  const char *s = utf8 ? utf8 : "";
  size_t n = strlen(s);
  char *r = malloc(n + 7);
  if (!r) return NULL;
  memcpy(r, "\xE2\x81\xA6", 3);
  memcpy(r + 3, s, n);
  memcpy(r + 3 + n, "\xE2\x81\xA9", 4);
  return r;
}
