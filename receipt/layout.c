/* The one receipt layout, drawn with Pango (shaping, bidi) and Cairo into a recording
 * surface; PNG, ESC/POS and PDF replay it, so the three outputs cannot drift apart.
 * Units are printer dots at 203 dpi (576 across 80 mm paper, 384 across 58 mm). */
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"
#include "strings.h"

#define FONT "Noto Naskh Arabic"
#define LRI "\u2066" /* keeps numbers and Latin ids in their own left-to-right order */
#define PDI "\u2069"

typedef struct {
  cairo_t *cr;
  PangoLayout *lay;
  double w, margin, y, k; /* k: font scale for the paper width */
} pen_t;

static void para(pen_t *p, const char *text, double px, int bold, PangoAlignment align) {
  PangoFontDescription *fd = pango_font_description_from_string(FONT);
  pango_font_description_set_absolute_size(fd, px * p->k * PANGO_SCALE);
  pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description(p->lay, fd);
  pango_font_description_free(fd);
  pango_layout_set_alignment(p->lay, align);
  pango_layout_set_text(p->lay, text, -1);
  cairo_move_to(p->cr, p->margin, p->y);
  pango_cairo_show_layout(p->cr, p->lay);
  int h;
  pango_layout_get_pixel_size(p->lay, NULL, &h);
  p->y += h;
}

static void field(pen_t *p, const char *label, const char *value, double px, int bold) {
  char buf[1024];
  snprintf(buf, sizeof buf, "%s: %s", label, value);
  para(p, buf, px, bold, PANGO_ALIGN_RIGHT);
}

static void rule(pen_t *p) {
  p->y += 6;
  cairo_set_line_width(p->cr, 2);
  double dash[] = {8, 6};
  cairo_set_dash(p->cr, dash, 2, 0);
  cairo_move_to(p->cr, p->margin, p->y + 1);
  cairo_line_to(p->cr, p->w - p->margin, p->y + 1);
  cairo_stroke(p->cr);
  cairo_set_dash(p->cr, NULL, 0, 0);
  p->y += 10;
}

/* Whole dots per module, so every module prints as the same number of dots. The quiet zone
 * is blank paper, so the symbol may use the text's margins too. */
int rc_qr_module(int width_dots, int qr_size) {
  int mod = width_dots / (qr_size + 2 * RC_QR_QUIET);
  return mod > 6 ? 6 : mod; /* 0.75 mm modules scan well; larger only lengthens the paper */
}

static void qr(pen_t *p, const pk_qr *q) {
  int mod = rc_qr_module((int)p->w, q->size);
  int side = (q->size + 2 * RC_QR_QUIET) * mod;
  int x0 = (int)(p->w - side) / 2 + RC_QR_QUIET * mod, y0 = (int)p->y + RC_QR_QUIET * mod;
  for (int r = 0; r < q->size; r++)
    for (int c = 0; c < q->size; c++)
      if (q->dark[r * q->size + c]) cairo_rectangle(p->cr, x0 + c * mod, y0 + r * mod, mod, mod);
  cairo_fill(p->cr);
  p->y += side;
}

/* The service's name wraps over as many lines as it needs. A name the signer had to shorten
 * to fit the QR ends in «…»: the paper says so, and that the service id decides. */
static void service_title(pen_t *p, const pk_receipt *r) {
  char a[PK_RECEIPT_TEXT * 2];
  rc_sanitize(r->service_title, a, sizeof a);
  field(p, FA_SERVICE, a, 25, 1);
  if (rc_title_shortened(r)) para(p, FA_TITLE_SHORTENED, 19, 0, PANGO_ALIGN_RIGHT);
}

bool rc_title_shortened(const pk_receipt *r) {
  size_t n = strlen(r->service_title), k = strlen("…");
  return n >= k && !strcmp(r->service_title + n - k, "…");
}

/* With a bank reference the window vouches the amount was paid; without one it is only the fee. */
static void amount(pen_t *p, const pk_receipt *r) {
  char a[128], b[128], c[160]; /* a reference is at most 15 characters */
  rc_amount_fa(r->amount_rials, a, sizeof a);
  field(p, r->payment_ref[0] ? FA_AMOUNT_PAID : FA_AMOUNT, a, 23, r->payment_ref[0] != 0);
  char *words = pk_amount_words_rials_fa(r->amount_rials); /* «یک میلیون و دویست هزار ریال» */
  if (words) para(p, words, 20, 0, PANGO_ALIGN_RIGHT);
  free(words);
  if (!r->payment_ref[0]) return;
  rc_sanitize(r->payment_ref, a, sizeof a);
  rc_digits_fa(a, b, sizeof b);
  snprintf(c, sizeof c, LRI "%s" PDI, b);
  field(p, FA_PAYMENT_REF, c, 23, 0);
}

/* A counter's receipt says whom the request was made for and that a clerk helped (the token
 * carries both: obo, ast); the clerk's id itself is for the inspector's tools, not the paper. */
static void counter_lines(pen_t *p, const pk_receipt *r) {
  char a[64], b[128], c[PK_RECEIPT_TEXT * 2 + 160];
  if (r->on_behalf_of[0]) {
    rc_sanitize(r->on_behalf_of, a, sizeof a);
    rc_digits_fa(a, b, sizeof b);
    char name[PK_RECEIPT_TEXT * 2] = "";
    if (r->on_behalf_name[0]) rc_sanitize(r->on_behalf_name, name, sizeof name);
    snprintf(c, sizeof c, "%s%s" LRI "%s" PDI, name, name[0] ? " " : "", b);
    field(p, FA_ON_BEHALF, c, 23, 1);
  }
  if (r->assisted_by[0]) para(p, FA_ASSISTED, 22, 1, PANGO_ALIGN_RIGHT);
}

static void body(pen_t *p, const pk_receipt *r, const pk_qr *q) {
  char a[PK_RECEIPT_TEXT * 2], b[PK_RECEIPT_TEXT * 2 + 128], c[PK_RECEIPT_TEXT * 2 + 256];
  para(p, FA_HEADING, 34, 1, PANGO_ALIGN_CENTER);
  para(p, FA_WINDOW, 22, 0, PANGO_ALIGN_CENTER);
  if (r->office[0]) {
    rc_sanitize(r->office, a, sizeof a);
    para(p, a, 22, 0, PANGO_ALIGN_CENTER);
  }
  rule(p);
  service_title(p, r);
  if (r->agency[0]) {
    rc_sanitize(r->agency, a, sizeof a);
    field(p, FA_AGENCY, a, 23, 0);
  }
  rc_sanitize(r->service_id, a, sizeof a);
  snprintf(b, sizeof b, LRI "%s" PDI, a);
  field(p, FA_SERVICE_ID, b, 21, 0);
  rule(p);
  para(p, FA_TRACKING, 23, 0, PANGO_ALIGN_CENTER);
  rc_sanitize(r->tracking_code, a, sizeof a);
  rc_digits_fa(a, b, sizeof b);
  snprintf(c, sizeof c, LRI "%s" PDI, b);
  para(p, c, 44, 1, PANGO_ALIGN_CENTER);
  snprintf(c, sizeof c, LRI "%s" PDI, a);
  para(p, c, 20, 0, PANGO_ALIGN_CENTER);
  rule(p);
  rc_jalali_date(r->issued_at, a, sizeof a);
  field(p, FA_DATE, a, 23, 0);
  rc_gregorian_date(r->issued_at, a, sizeof a);
  snprintf(b, sizeof b, LRI "%s" PDI, a);
  para(p, b, 20, 0, PANGO_ALIGN_RIGHT);
  field(p, FA_STATUS, r->status == PK_RECEIPT_QUEUED ? FA_QUEUED : FA_SUBMITTED, 23, 1);
  if (r->amount_rials > 0) amount(p, r);
  if (r->national_code_last4[0]) {
    snprintf(a, sizeof a, "******%s", r->national_code_last4);
    rc_digits_fa(a, b, sizeof b);
    snprintf(c, sizeof c, LRI "%s" PDI, b);
    field(p, FA_NATIONAL_CODE, c, 23, 0);
  }
  counter_lines(p, r);
  rc_sanitize(r->kiosk_id, a, sizeof a);
  snprintf(b, sizeof b, LRI "%s" PDI, a);
  field(p, FA_KIOSK, b, 21, 0);
  if (r->status == PK_RECEIPT_QUEUED) para(p, FA_QUEUED_NOTE, 20, 0, PANGO_ALIGN_RIGHT);
  rule(p);
  para(p, FA_SCAN_HINT, 20, 0, PANGO_ALIGN_CENTER);
  if (q) qr(p, q);
  rc_sanitize(r->kid, a, sizeof a);
  snprintf(b, sizeof b, "%s (%s: " LRI "%s" PDI ")",
           r->signer == PK_SIGNER_DEVICE ? FA_SIGNED_DEVICE : FA_SIGNED_WINDOW, FA_KEY, a);
  para(p, b, 19, 0, PANGO_ALIGN_CENTER);
  p->y += 8;
}

/* Draws the layout with cr's current transform; returns the height used, in dots. */
int rc_layout_draw(cairo_t *cr, const pk_receipt *r, const char *jws, int width_dots) {
  pk_qr q = {0};
  if (jws && pk_qr_matrix(jws, &q)) return -PK_RECEIPT_ETOOBIG;
  cairo_set_source_rgb(cr, 0, 0, 0);
  PangoLayout *lay = pango_cairo_create_layout(cr);
  PangoContext *ctx = pango_layout_get_context(lay);
  pango_context_set_base_dir(ctx, PANGO_DIRECTION_RTL);
  pango_layout_set_auto_dir(lay, FALSE); /* every paragraph is Persian-first */
  pen_t p = {.cr = cr, .lay = lay, .w = width_dots, .margin = 10, .y = 10,
             .k = width_dots >= 576 ? 1.0 : 0.82};
  pango_layout_set_width(lay, (int)((p.w - 2 * p.margin) * PANGO_SCALE));
  pango_layout_set_wrap(lay, PANGO_WRAP_WORD_CHAR);
  body(&p, r, jws ? &q : NULL);
  g_object_unref(lay);
  pk_qr_free(&q);
  return (int)p.y + 1;
}

int rc_layout_record(const pk_receipt *r, const char *jws, int width_dots, rc_recording *out) {
  cairo_surface_t *rec = cairo_recording_surface_create(CAIRO_CONTENT_ALPHA, NULL);
  cairo_t *cr = cairo_create(rec);
  int h = rc_layout_draw(cr, r, jws, width_dots);
  cairo_destroy(cr);
  if (h < 0 || cairo_surface_status(rec) != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(rec);
    return h < 0 ? h : -PK_RECEIPT_ENOMEM;
  }
  out->surface = rec;
  out->width = width_dots;
  out->height = h;
  return 0;
}

int rc_paper_dots(int paper_mm) { return paper_mm == 58 ? 384 : 576; }

/* Fontconfig and Pango keep process-wide caches; programs that must exit clean under
 * LeakSanitizer (tests, tools) release them here, after the last render. */
void pk_receipt_shutdown(void) {
  pango_cairo_font_map_set_default(NULL);
  FcFini();
}
