/* Small helpers shared by the screens' key handlers. */
#ifndef PK_APP_INPUT_H
#define PK_APP_INPUT_H
#include <stdint.h>
#include "pishkhan/app.h"

/* 0..9 for an ASCII, Persian (U+06F0) or Arabic-Indic (U+0660) digit, else -1. */
static inline int pk_cp_digit(uint32_t cp) {
  if (cp >= '0' && cp <= '9') return (int)(cp - '0');
  if (cp >= 0x06F0 && cp <= 0x06F9) return (int)(cp - 0x06F0);
  if (cp >= 0x0660 && cp <= 0x0669) return (int)(cp - 0x0660);
  return -1;
}

static inline int pk_key_digit(pk_key k) { return k.code == PK_KEY_CHAR ? pk_cp_digit(k.cp) : -1; }

#endif
