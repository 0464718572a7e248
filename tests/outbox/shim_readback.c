/* LD_PRELOAD shim for the export's read-back: a USB stick that returns other bytes than it was
 * given. Every read() of a file whose name ends in $PK_SHIM_FLIP_SUFFIX gets one bit flipped. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

ssize_t read(int fd, void *buf, size_t n) {
  static ssize_t (*real)(int, void *, size_t);
  if (!real) {
    void *sym = dlsym(RTLD_NEXT, "read");
    memcpy(&real, &sym, sizeof real); /* POSIX's sanctioned object-to-function pointer move */
  }
  ssize_t r = real(fd, buf, n);
  const char *suffix = getenv("PK_SHIM_FLIP_SUFFIX");
  if (r < 64 || !suffix || !*suffix) return r;
  char link[64], path[4096];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t l = readlink(link, path, sizeof path - 1);
  if (l <= 0) return r;
  path[l] = '\0';
  size_t sl = strlen(suffix);
  if ((size_t)l >= sl && strcmp(path + l - sl, suffix) == 0) ((char *)buf)[r / 2] ^= 0x01;
  return r;
}
