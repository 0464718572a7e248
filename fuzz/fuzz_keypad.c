/* The citizen keypad's input (ui/keypad.c): bytes from a tty or FIFO, key codes from an input
 * device. Whatever arrives, only digits, Enter, Backspace and Esc come out, at most one key
 * per byte, and never more than asked for. */
#include <stdint.h>
#include <stdlib.h>

#include "../ui/keypad.h"

static int allowed(pk_key k) {
  return (k.code == PK_KEY_CHAR && k.cp >= '0' && k.cp <= '9') ||
         ((k.code == PK_KEY_ENTER || k.code == PK_KEY_BACK || k.code == PK_KEY_CANCEL) && k.cp == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  pk_key out[64];
  size_t max = size ? data[0] % 65 : 0;
  size_t n = ui_keypad_decode_bytes(data, size, out, max);
  if (n > max || n > size) abort();
  for (size_t i = 0; i < n; i++)
    if (!allowed(out[i])) abort();
  if (size >= 2) {
    pk_key k = ui_keypad_evdev_key((unsigned)data[0] << 8 | data[1]);
    if (k.code != PK_KEY_NONE && !allowed(k)) abort();
  }
  return 0;
}
