/* Pixel outputs of the layout: PNG (preview, archive, tests) and ESC/POS raster. */
#include <stdlib.h>
#include <string.h>

#include "render.h"

cairo_surface_t *rc_rasterize(const pk_receipt *r, const char *jws, int paper_mm, cairo_format_t fmt, int *err) {
  rc_recording rec;
  *err = rc_layout_record(r, jws, rc_paper_dots(paper_mm), &rec);
  if (*err) return NULL;
  cairo_surface_t *img = cairo_image_surface_create(fmt, rec.width, rec.height);
  cairo_t *cr = cairo_create(img);
  if (fmt != CAIRO_FORMAT_A8) {
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
  }
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_mask_surface(cr, rec.surface, 0, 0);
  cairo_destroy(cr);
  cairo_surface_destroy(rec.surface);
  if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(img);
    *err = -PK_RECEIPT_ENOMEM;
    return NULL;
  }
  cairo_surface_flush(img);
  return img;
}

/* PNGs are 8-bit gray: a third of the bytes of RGB to compress, the same picture.
 * Cairo writes an A8 surface as a gray PNG, so the ink coverage is inverted first. */
static cairo_surface_t *gray(const pk_receipt *r, const char *jws, int paper_mm, int *err) {
  cairo_surface_t *img = rc_rasterize(r, jws, paper_mm, CAIRO_FORMAT_A8, err);
  if (!img) return NULL;
  unsigned char *px = cairo_image_surface_get_data(img);
  size_t n = (size_t)cairo_image_surface_get_stride(img) * (size_t)cairo_image_surface_get_height(img);
  for (size_t i = 0; i < n; i++) px[i] = (unsigned char)(255 - px[i]);
  cairo_surface_mark_dirty(img);
  return img;
}

int pk_receipt_render_png(const pk_receipt *r, const char *jws, int paper_mm, const char *path) {
  int err;
  cairo_surface_t *img = gray(r, jws, paper_mm, &err);
  if (!img) return err;
  err = cairo_surface_write_to_png(img, path) == CAIRO_STATUS_SUCCESS ? 0 : -PK_RECEIPT_EIO;
  cairo_surface_destroy(img);
  return err;
}

typedef struct {
  unsigned char *buf;
  size_t len, cap;
} membuf;

static int mb_put(membuf *m, const void *p, size_t n) {
  if (m->len + n > m->cap) {
    size_t cap = m->cap ? m->cap : 4096;
    while (cap < m->len + n) cap *= 2;
    unsigned char *b = realloc(m->buf, cap);
    if (!b) return -1;
    m->buf = b, m->cap = cap;
  }
  memcpy(m->buf + m->len, p, n);
  m->len += n;
  return 0;
}

static cairo_status_t png_write(void *closure, const unsigned char *data, unsigned int len) {
  return mb_put(closure, data, len) ? CAIRO_STATUS_NO_MEMORY : CAIRO_STATUS_SUCCESS;
}

int pk_receipt_render_png_mem(const pk_receipt *r, const char *jws, int paper_mm, unsigned char **buf, size_t *len) {
  int err;
  *buf = NULL, *len = 0;
  cairo_surface_t *img = gray(r, jws, paper_mm, &err);
  if (!img) return err;
  membuf m = {0};
  err = cairo_surface_write_to_png_stream(img, png_write, &m) == CAIRO_STATUS_SUCCESS ? 0 : -PK_RECEIPT_ENOMEM;
  cairo_surface_destroy(img);
  if (err) free(m.buf);
  else *buf = m.buf, *len = m.len;
  return err;
}

/* ESC/POS: ESC @, then GS v 0 raster in bands (small printers buffer little), then
 * ESC d 4 (feed past the tear bar) and GS V 66 0 (feed to the cutter, partial cut). */
#define BAND 128

int pk_receipt_render_escpos(const pk_receipt *r, const char *jws, int paper_mm, unsigned char **buf, size_t *len) {
  int err;
  *buf = NULL, *len = 0;
  cairo_surface_t *img = rc_rasterize(r, jws, paper_mm, CAIRO_FORMAT_A8, &err);
  if (!img) return err;
  int w = cairo_image_surface_get_width(img), h = cairo_image_surface_get_height(img);
  int stride = cairo_image_surface_get_stride(img), bpr = (w + 7) / 8;
  const unsigned char *px = cairo_image_surface_get_data(img);
  membuf m = {0};
  static const unsigned char init[] = {0x1B, 0x40}, tail[] = {0x1B, 0x64, 4, 0x1D, 0x56, 66, 0};
  unsigned char *row = malloc((size_t)bpr);
  int fail = !row || mb_put(&m, init, sizeof init);
  for (int y0 = 0; !fail && y0 < h; y0 += BAND) {
    int rows = h - y0 < BAND ? h - y0 : BAND;
    unsigned char hdr[] = {0x1D, 0x76, 0x30, 0, (unsigned char)(bpr & 0xFF), (unsigned char)(bpr >> 8),
                           (unsigned char)(rows & 0xFF), (unsigned char)(rows >> 8)};
    fail = mb_put(&m, hdr, sizeof hdr);
    for (int y = y0; !fail && y < y0 + rows; y++) {
      memset(row, 0, (size_t)bpr);
      const unsigned char *s = px + (size_t)y * (size_t)stride;
      for (int x = 0; x < w; x++)
        if (s[x] >= 128) row[x >> 3] |= (unsigned char)(0x80 >> (x & 7)); /* MSB = leftmost dot */
      fail = mb_put(&m, row, (size_t)bpr);
    }
  }
  if (!fail) fail = mb_put(&m, tail, sizeof tail);
  free(row);
  cairo_surface_destroy(img);
  if (fail) {
    free(m.buf);
    return -PK_RECEIPT_ENOMEM;
  }
  *buf = m.buf, *len = m.len;
  return 0;
}
