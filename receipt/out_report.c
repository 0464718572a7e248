/* A text report (the shift report) as an A4 PDF: each line a paragraph laid out by Pango, so
 * Persian lines are shaped and run right to left and English ones left to right, on as many
 * pages as it takes. The receipt's font; the rest falls back through fontconfig. */
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"

#define REPORT_FONT "Noto Naskh Arabic"

enum { PAGE_W = 595, PAGE_H = 842, MARGIN = 50 }; /* A4 in points */

/* The first line of each block (a title) bold and larger; an empty line starts a new block. */
static void draw_lines(cairo_t *cr, PangoLayout *lay, const char *text) {
  double y = MARGIN;
  bool title = true;
  for (const char *p = text; *p;) {
    const char *nl = strchr(p, '\n');
    size_t n = nl ? (size_t)(nl - p) : strlen(p);
    PangoFontDescription *fd = pango_font_description_from_string(REPORT_FONT);
    pango_font_description_set_absolute_size(fd, (title ? 15 : 11) * PANGO_SCALE);
    pango_font_description_set_weight(fd, title ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(lay, fd);
    pango_font_description_free(fd);
    pango_layout_set_text(lay, n ? p : " ", n ? (int)n : 1);
    int h;
    pango_layout_get_pixel_size(lay, NULL, &h);
    if (y + h > PAGE_H - MARGIN) {
      cairo_show_page(cr);
      y = MARGIN;
    }
    cairo_move_to(cr, MARGIN, y);
    pango_cairo_show_layout(cr, lay);
    y += h + 2;
    title = n == 0;
    p += n + (nl != NULL);
  }
}

int pk_report_render_pdf(const char *title, const char *text, unsigned char **buf, size_t *len) {
  *buf = NULL, *len = 0;
  rc_pdf_buf m = {0};
  cairo_surface_t *pdf = cairo_pdf_surface_create_for_stream(rc_pdf_put, &m, PAGE_W, PAGE_H);
  cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_CREATOR, "Pishkhan");
  cairo_t *cr = cairo_create(pdf);
  PangoLayout *lay = pango_cairo_create_layout(cr);
  pango_layout_set_width(lay, (PAGE_W - 2 * MARGIN) * PANGO_SCALE);
  pango_layout_set_wrap(lay, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_auto_dir(lay, TRUE); /* a Persian paragraph is right to left, right aligned */
  cairo_set_source_rgb(cr, 0, 0, 0);
  draw_lines(cr, lay, text);
  cairo_show_page(cr);
  g_object_unref(lay);
  cairo_destroy(cr);
  cairo_surface_finish(pdf);
  bool bad = cairo_surface_status(pdf) != CAIRO_STATUS_SUCCESS || m.fail;
  cairo_surface_destroy(pdf);
  if (bad) {
    free(m.buf);
    return -PK_RECEIPT_ENOMEM;
  }
  *buf = m.buf, *len = m.len;
  return 0;
}
