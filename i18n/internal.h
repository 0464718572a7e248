/* Helpers shared by the i18n sources; not a public API. */
#ifndef PK_I18N_INTERNAL_H
#define PK_I18N_INTERNAL_H
#include <stdbool.h>
#include <stdint.h>
#include <unicode/utypes.h>

/* Growable UTF-16 buffer. */
typedef struct {
  UChar *s;
  int32_t n, cap;
} pk_ubuf;

/* UTF-8 (NULL = "") -> UTF-16, invalid sequences become U+FFFD. NULL on OOM. */
UChar *pk__u16(const char *utf8, int32_t *len);
/* UTF-16 -> malloc'd UTF-8. */
char *pk__u8(const UChar *s, int32_t n);
char *pk__strdup0(const char *s);

bool pk__ubuf_reserve(pk_ubuf *b, int32_t extra);
bool pk__ubuf_put(pk_ubuf *b, UChar32 c);
bool pk__ubuf_cat(pk_ubuf *b, const UChar *s, int32_t n);

/* Logical shaping: presentation forms (lam-alef merged), marks kept as combining marks.
 * src_of[i] (if src_of) is the input index of out[i]'s base. Returns length, -1 on error. */
/* *out and *src_of are malloc'd separately (free both); src_of[len] == n. */
int32_t pk__shape(const UChar *in, int32_t n, UChar **out, int32_t **src_of);
int pk__width16(const UChar *s, int32_t n);
/* General-category questions of layout, answered from a table for the BMP. */
bool pk__is_mark(UChar32 c);
bool pk__is_format(UChar32 c);

/* Layout with an explicit RTL flag (the core of pk_visual). */
char *pk__visual16(const UChar *s, int32_t n, int width, bool rtl);
bool pk__lang_rtl(void);
/* Per-thread ICU caches: register on creation, released at thread exit or shutdown. */
void pk_i18n_thread_cached(void);
void pk_i18n_thread_release(void);
void pk_jalali_release(void);
void pk_collate_release(void);

#endif
