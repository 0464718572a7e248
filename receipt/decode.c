/* Reading a receipt's QR back from a PNG or PDF (the verifier's input).
 * PNG: Cairo loads it, libzbar decodes it. PDF: page 1 is rasterized by pdftoppm
 * (poppler-utils) in a child process: a hostile PDF then cannot crash or exploit the
 * verifier itself, and the kiosk does not link poppler's large library for this. */
#include <cairo.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zbar.h>

#include "internal.h"

extern char **environ;

static int scan_png(const char *path, char **text, char *err, size_t errsz) {
  cairo_surface_t *s = cairo_image_surface_create_from_png(path);
  if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(s);
    rc_set_err(err, errsz, "cannot read PNG %s", path);
    return -PK_RECEIPT_EIO;
  }
  int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
  int stride = cairo_image_surface_get_stride(s);
  cairo_format_t f = cairo_image_surface_get_format(s);
  const unsigned char *px = cairo_image_surface_get_data(s);
  unsigned char *gray = malloc((size_t)w * (size_t)h);
  if (!gray) {
    cairo_surface_destroy(s);
    return -PK_RECEIPT_ENOMEM;
  }
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      const unsigned char *p = px + (size_t)y * (size_t)stride;
      unsigned v;
      if (f == CAIRO_FORMAT_A8) v = 255 - p[x];
      else if (f == CAIRO_FORMAT_A1) v = (p[x >> 3] >> (x & 7) & 1) ? 0 : 255;
      else {
        uint32_t c = ((const uint32_t *)p)[x];
        unsigned a = f == CAIRO_FORMAT_ARGB32 ? c >> 24 : 255;
        v = (((c >> 16 & 255) * 30 + (c >> 8 & 255) * 59 + (c & 255) * 11) / 100) + (255 - a); /* on white */
        if (v > 255) v = 255;
      }
      gray[(size_t)y * (size_t)w + (size_t)x] = (unsigned char)v;
    }
  cairo_surface_destroy(s);
  zbar_image_scanner_t *sc = zbar_image_scanner_create();
  zbar_image_scanner_set_config(sc, 0, ZBAR_CFG_ENABLE, 0);
  zbar_image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
  zbar_image_t *img = zbar_image_create();
  zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
  zbar_image_set_size(img, (unsigned)w, (unsigned)h);
  zbar_image_set_data(img, gray, (unsigned long)w * (unsigned long)h, NULL);
  int n = zbar_scan_image(sc, img);
  const zbar_symbol_t *sym = n > 0 ? zbar_image_first_symbol(img) : NULL;
  int rc = -PK_RECEIPT_EINVAL;
  *text = NULL;
  if (sym) {
    unsigned len = zbar_symbol_get_data_length(sym);
    *text = malloc(len + 1);
    if (*text) {
      memcpy(*text, zbar_symbol_get_data(sym), len);
      (*text)[len] = '\0';
      rc = 0;
    }
  } else {
    rc_set_err(err, errsz, "no QR code found in %s", path);
  }
  zbar_image_destroy(img);
  zbar_image_scanner_destroy(sc);
  free(gray);
  return rc;
}

static int scan_pdf(const char *path, char **text, char *err, size_t errsz) {
  char dir[] = "/tmp/pk-verify-XXXXXX", prefix[64], png[80];
  if (!mkdtemp(dir)) return -PK_RECEIPT_EIO;
  snprintf(prefix, sizeof prefix, "%s/page", dir);
  snprintf(png, sizeof png, "%s.png", prefix);
  char *argv[] = {"pdftoppm", "-q", "-r", "200", "-f", "1", "-l", "1", "-singlefile", "-png", (char *)path, prefix, NULL};
  pid_t pid;
  int st = 0, rc;
  if (posix_spawnp(&pid, "pdftoppm", NULL, NULL, argv, environ) || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) ||
      WEXITSTATUS(st)) {
    rc_set_err(err, errsz, "cannot rasterize PDF %s (is pdftoppm from poppler-utils installed?)", path);
    rc = -PK_RECEIPT_EIO;
  } else {
    rc = scan_png(png, text, err, errsz);
  }
  unlink(png);
  rmdir(dir);
  return rc;
}

int pk_receipt_decode_file(const char *path, char **text, char *err, size_t errsz) {
  unsigned char magic[8] = {0};
  *text = NULL;
  FILE *f = fopen(path, "rb");
  if (!f) {
    rc_set_err(err, errsz, "cannot open %s", path);
    return -PK_RECEIPT_EIO;
  }
  size_t n = fread(magic, 1, sizeof magic, f);
  fclose(f);
  if (n >= 8 && !memcmp(magic, "\x89PNG\r\n\x1a\n", 8)) return scan_png(path, text, err, errsz);
  if (n >= 5 && !memcmp(magic, "%PDF-", 5)) return scan_pdf(path, text, err, errsz);
  rc_set_err(err, errsz, "%s is neither a PNG nor a PDF", path);
  return -PK_RECEIPT_EINVAL;
}
