/* PDF output for office printers (CUPS): the same recorded layout replayed as vectors,
 * so the QR modules stay sharp at any printer resolution. */
#include <cairo-pdf.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"

/* Cairo's PDF stream into memory (shared with out_report.c). */
cairo_status_t rc_pdf_put(void *closure, const unsigned char *data, unsigned int len) {
  rc_pdf_buf *m = closure;
  if (m->len + len > m->cap) {
    size_t cap = m->cap ? m->cap * 2 : 65536;
    while (cap < m->len + len) cap *= 2;
    unsigned char *b = realloc(m->buf, cap);
    if (!b) return m->fail = 1, CAIRO_STATUS_NO_MEMORY;
    m->buf = b, m->cap = cap;
  }
  memcpy(m->buf + m->len, data, len);
  m->len += len;
  return CAIRO_STATUS_SUCCESS;
}

int pk_receipt_render_pdf(const pk_receipt *r, const char *jws, int paper_mm, unsigned char **buf, size_t *len) {
  *buf = NULL, *len = 0;
  rc_recording rec;
  int thermal = paper_mm == 58 || paper_mm == 80;
  /* Measured on a recording first (roll paper is cut to the content's height), then drawn
   * straight onto the PDF: replaying a recording into cairo-pdf leaks inside cairo 1.16. */
  int err = rc_layout_record(r, jws, rc_paper_dots(thermal ? paper_mm : 80), &rec);
  if (err) return err;
  cairo_surface_destroy(rec.surface);
  const double pt_per_mm = 72.0 / 25.4;
  double content_w = (thermal ? paper_mm : 80) * pt_per_mm, scale = content_w / rec.width;
  double page_w = thermal ? content_w : 210 * pt_per_mm, page_h = thermal ? rec.height * scale : 297 * pt_per_mm;
  rc_pdf_buf m = {0};
  cairo_surface_t *pdf = cairo_pdf_surface_create_for_stream(rc_pdf_put, &m, page_w, page_h);
  cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_TITLE, r->tracking_code);
  cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_CREATOR, "Pishkhan");
  cairo_t *cr = cairo_create(pdf);
  cairo_translate(cr, (page_w - content_w) / 2, thermal ? 0 : 36);
  cairo_scale(cr, scale, scale);
  rc_layout_draw(cr, r, jws, rec.width);
  cairo_show_page(cr);
  cairo_destroy(cr);
  cairo_surface_finish(pdf);
  int bad = cairo_surface_status(pdf) != CAIRO_STATUS_SUCCESS || m.fail;
  cairo_surface_destroy(pdf);
  if (bad) {
    free(m.buf);
    return -PK_RECEIPT_ENOMEM;
  }
  *buf = m.buf, *len = m.len;
  return 0;
}
