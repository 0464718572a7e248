/* Small helpers shared by the screens' key handlers. */
#ifndef PK_APP_INPUT_H
#define PK_APP_INPUT_H
#include <stdint.h>
#include "pishkhan/app.h"

/* 0..9 for an ASCII, Persian (U+06F0) or Arabic-Indic (U+0660) digit key, else -1. */
static inline int pk_key_digit(pk_key k) {
  if (k.code != PK_KEY_CHAR) return -1;
  if (k.cp >= '0' && k.cp <= '9') return (int)(k.cp - '0');
  if (k.cp >= 0x06F0 && k.cp <= 0x06F9) return (int)(k.cp - 0x06F0);
  if (k.cp >= 0x0660 && k.cp <= 0x0669) return (int)(k.cp - 0x0660);
  return -1;
}

#endif
