#include "keypad.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

int ui_keypad_open(ui_keypad *k, const char *path) {
  k->fd = -1;
  k->evdev = false;
  struct stat st;
  if (stat(path, &st) != 0) return -1;
  /* A FIFO is opened for writing too, so that a writer closing it is not an end of input. */
  int fd = open(path, (S_ISFIFO(st.st_mode) ? O_RDWR : O_RDONLY) | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return -1;
  int version;
  if (S_ISCHR(st.st_mode) && ioctl(fd, EVIOCGVERSION, &version) == 0) {
    k->evdev = true;
    if (ioctl(fd, EVIOCGRAB, 1) != 0) { /* another program reads it too: it would see the PIN */
      int e = errno;
      close(fd);
      errno = e;
      return -1;
    }
  }
  k->fd = fd;
  return 0;
}

void ui_keypad_close(ui_keypad *k) {
  if (k->fd >= 0) close(k->fd);
  k->fd = -1;
}

pk_key ui_keypad_evdev_key(unsigned code) {
  static const unsigned short kp[10] = {KEY_KP0, KEY_KP1, KEY_KP2, KEY_KP3, KEY_KP4,
                                        KEY_KP5, KEY_KP6, KEY_KP7, KEY_KP8, KEY_KP9};
  static const unsigned short top[10] = {KEY_0, KEY_1, KEY_2, KEY_3, KEY_4, KEY_5, KEY_6, KEY_7, KEY_8, KEY_9};
  for (unsigned d = 0; d < 10; d++)
    if (code == kp[d] || code == top[d]) return (pk_key){PK_KEY_CHAR, '0' + d};
  switch (code) {
  case KEY_KPENTER: case KEY_ENTER: return (pk_key){PK_KEY_ENTER, 0};
  case KEY_BACKSPACE: case KEY_KPDOT: return (pk_key){PK_KEY_BACK, 0};
  case KEY_ESC: return (pk_key){PK_KEY_CANCEL, 0};
  default: return (pk_key){PK_KEY_NONE, 0};
  }
}

size_t ui_keypad_decode_bytes(const uint8_t *buf, size_t n, pk_key *out, size_t max) {
  size_t m = 0;
  for (size_t i = 0; i < n && m < max; i++) {
    uint8_t c = buf[i];
    pk_key k = {PK_KEY_NONE, 0};
    if (c >= '0' && c <= '9') k = (pk_key){PK_KEY_CHAR, c};
    else if (c == '\r' || c == '\n') k = (pk_key){PK_KEY_ENTER, 0};
    else if (c == 0x7f || c == 0x08) k = (pk_key){PK_KEY_BACK, 0};
    else if (c == 0x1b) k = (pk_key){PK_KEY_CANCEL, 0};
    if (k.code != PK_KEY_NONE) out[m++] = k;
  }
  return m;
}

static size_t read_evdev(ui_keypad *k, pk_key *out, size_t max) {
  struct input_event ev[16];
  ssize_t got = read(k->fd, ev, sizeof ev);
  size_t m = 0;
  for (ssize_t i = 0; got > 0 && i < got / (ssize_t)sizeof *ev && m < max; i++) {
    if (ev[i].type != EV_KEY || ev[i].value == 0) continue; /* presses and repeats, not releases */
    pk_key key = ui_keypad_evdev_key(ev[i].code);
    if (key.code != PK_KEY_NONE) out[m++] = key;
  }
  return m;
}

size_t ui_keypad_read(ui_keypad *k, pk_key *out, size_t max) {
  if (k->fd < 0) return 0;
  if (k->evdev) return read_evdev(k, out, max);
  uint8_t buf[64];
  ssize_t got = read(k->fd, buf, sizeof buf < max ? sizeof buf : max);
  size_t m = got > 0 ? ui_keypad_decode_bytes(buf, (size_t)got, out, max) : 0;
  for (ssize_t i = 0; i < got; i++) buf[i] = 0; /* PIN digits do not stay on the stack */
  return m;
}
