/* Internal: the recorded layout shared by the three outputs. */
#ifndef PK_RECEIPT_RENDER_H
#define PK_RECEIPT_RENDER_H
#include <cairo.h>

#include "internal.h"

typedef struct {
  cairo_surface_t *surface; /* recording surface, black ink on transparent */
  int width, height;        /* dots */
} rc_recording;

int rc_layout_draw(cairo_t *cr, const pk_receipt *r, const char *jws, int width_dots);
int rc_layout_record(const pk_receipt *r, const char *jws, int width_dots, rc_recording *out);
int rc_paper_dots(int paper_mm);
/* Dots per QR module of qr_size modules across width_dots of paper (quiet zone included). */
#define RC_QR_QUIET 4
int rc_qr_module(int width_dots, int qr_size);
/* The title in r was shortened by the signer to fit the QR (it ends in «…»). */
bool rc_title_shortened(const pk_receipt *r);
/* The layout replayed onto an image: CAIRO_FORMAT_A8 (ink coverage) or RGB24 (black on white). */
cairo_surface_t *rc_rasterize(const pk_receipt *r, const char *jws, int paper_mm, cairo_format_t fmt, int *err);

/* A PDF written into memory: cairo_pdf_surface_create_for_stream(rc_pdf_put, &buf, ...). */
typedef struct {
  unsigned char *buf;
  size_t len, cap;
  int fail;
} rc_pdf_buf;
cairo_status_t rc_pdf_put(void *closure, const unsigned char *data, unsigned int len);

#endif
