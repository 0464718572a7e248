/* The citizen-facing keypad at a counter: a Linux input device (a USB keypad, grabbed so that
 * its keys never reach the clerk's terminal), or a tty or FIFO that sends key bytes. Its keys
 * go to pk_app_citizen_key: the only way a PIN or a one-time code is typed at a counter. */
#ifndef PK_UI_KEYPAD_H
#define PK_UI_KEYPAD_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pishkhan/app.h"

typedef struct ui_keypad {
  int fd;
  bool evdev;
} ui_keypad;

/* -1 with errno when the path cannot be opened. */
int ui_keypad_open(ui_keypad *k, const char *path);
void ui_keypad_close(ui_keypad *k);
/* What is waiting, as keys (at most max); 0 when nothing. */
size_t ui_keypad_read(ui_keypad *k, pk_key *out, size_t max);
/* A byte stream's keys (tty/FIFO): digits, Enter, Backspace, Esc; the rest is dropped. */
size_t ui_keypad_decode_bytes(const uint8_t *buf, size_t n, pk_key *out, size_t max);
/* An evdev key code pressed (value 1 or 2); PK_KEY_NONE when it is no key of a keypad. */
pk_key ui_keypad_evdev_key(unsigned code);

#endif
