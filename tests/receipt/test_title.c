/* Issue 15, defect 6: the service's name on the receipt. The window's receipt of a fee
 * service (agency, amount, invoice) keeps its whole title in the token, at a QR version both
 * paper widths print with modules of 4 dots or more; a title that must still be shortened is
 * said to be on the paper, where the service id decides. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "../../receipt/render.h"
#include "helpers.h"
#include "pishkhan/i18n.h"

/* What the window signs for a fee service (sim/window/requests.c new_answer). */
static void window_receipt(pk_receipt *r, const char *title) {
  memset(r, 0, sizeof *r);
  snprintf(r->tracking_code, sizeof r->tracking_code, "1457143582487267");
  snprintf(r->service_id, sizeof r->service_id, "tax-0005");
  snprintf(r->service_title, sizeof r->service_title, "%s", title);
  snprintf(r->agency, sizeof r->agency, "سازمان امور مالیاتی");
  snprintf(r->kiosk_id, sizeof r->kiosk_id, "kiosk-test-01");
  r->issued_at = 1764650000;
  r->amount_rials = 1250000;
  pk_receipt_set_national_code(r, "0071234561");
  snprintf(r->invoice_id, sizeof r->invoice_id, "inv_AbCdEfGhIjKlMnOpQrStUv");
  r->signer = PK_SIGNER_WINDOW;
}

/* Signed under a window-shaped kid (w- and 8 characters), parsed back as the kiosk prints it. */
static void sign_and_parse(const pk_receipt *r, pk_receipt *out, int *version) {
  char key[512];
  snprintf(key, sizeof key, "%s/pki/device/key.pem", PK_BINARY_DIR);
  char *jws = NULL;
  assert_int_equal(pk_receipt_sign(r, key, "w-xt-vI0Js", &jws), 0);
  assert_int_equal(pk_receipt_parse(jws, out), 0);
  pk_qr q;
  assert_int_equal(pk_qr_matrix(jws, &q), 0);
  *version = q.version;
  pk_qr_free(&q);
  free(jws);
}

static void a_fee_receipt_keeps_its_whole_title(void **st) {
  (void)st;
  static const char *const titles[] = {
      "پرداخت مالیات نقل و انتقال املاک",   /* «پرداخت مالی…» before: cut at version 15 */
      "ارسال اظهارنامه مالیاتی اشخاص حقیقی", /* the demo's longest flagship name, 35 letters */
  };
  for (size_t i = 0; i < sizeof titles / sizeof *titles; i++) {
    pk_receipt r, out;
    int version;
    window_receipt(&r, titles[i]);
    sign_and_parse(&r, &out, &version);
    assert_string_equal(out.service_title, titles[i]);
    assert_string_equal(out.agency, r.agency);
    assert_false(rc_title_shortened(&out));
    assert_true(version <= PK_RECEIPT_QR_MAX_VERSION);
  }
}

/* The figure for docs/receipt.md: the longest name a fee receipt keeps whole. */
static void longest_whole_title(void **st) {
  (void)st;
  const char *words = "صدور گواهی عدم بدهی مالیاتی برای نقل و انتقال املاک استان خراسان رضوی و تهران";
  size_t best = 0;
  for (size_t n = 10; n <= pk_utf8_count(words); n++) {
    pk_receipt r, out;
    int version;
    window_receipt(&r, "");
    const char *p = words;
    for (size_t k = 0; k < n; k++)
      do p++;
      while (((unsigned char)*p & 0xC0) == 0x80);
    memcpy(r.service_title, words, (size_t)(p - words));
    r.service_title[p - words] = 0;
    sign_and_parse(&r, &out, &version);
    if (!strcmp(out.service_title, r.service_title)) best = n;
  }
  print_message("a fee receipt keeps a Persian name of up to %zu letters whole (QR version <= %d)\n", best,
                PK_RECEIPT_QR_MAX_VERSION);
  assert_true(best >= 35);
}

/* Version 17 (85 modules and 4 of quiet zone each side) prints at 4 dots (0.5 mm at 203 dpi)
 * across 58 mm paper and at 6 (0.75 mm) across 80 mm. */
static void both_papers_print_the_largest_qr_at_a_readable_module(void **st) {
  (void)st;
  int size = 17 + 4 * PK_RECEIPT_QR_MAX_VERSION;
  assert_int_equal(rc_qr_module(rc_paper_dots(58), size), 4);
  assert_int_equal(rc_qr_module(rc_paper_dots(80), size), 6);
  assert_true((size + 2 * RC_QR_QUIET) * 4 <= rc_paper_dots(58));
}

static int paper_height(const pk_receipt *r) {
  rc_recording rec;
  assert_int_equal(rc_layout_record(r, NULL, rc_paper_dots(58), &rec), 0);
  cairo_surface_destroy(rec.surface);
  return rec.height;
}

/* On 58 mm paper a long name goes on over lines rather than being cut at the edge. */
static void a_long_name_wraps_on_the_paper(void **st) {
  (void)st;
  pk_receipt shorter, longer;
  window_receipt(&shorter, "پرداخت مالیات");
  window_receipt(&longer, "ارسال اظهارنامه مالیاتی اشخاص حقیقی و پرداخت مالیات نقل و انتقال املاک");
  assert_true(paper_height(&longer) > paper_height(&shorter) + 20);
}

/* A name too long even for version 17 is cut by the signer with «…»; the paper then prints a
 * line saying so, under the name. */
static void a_shortened_title_says_so_on_the_paper(void **st) {
  (void)st;
  pk_receipt r, out;
  int version;
  window_receipt(&r, "");
  for (int i = 0; i < 7; i++) strcat(r.service_title, "درخواست صدور مجدد گواهی ");
  sign_and_parse(&r, &out, &version);
  assert_true(rc_title_shortened(&out));
  /* On one line each, the same letters: the shortened name takes the note's lines more. */
  pk_receipt cut = out, alike = out;
  snprintf(cut.service_title, sizeof cut.service_title, "درخواست صدور…");
  snprintf(alike.service_title, sizeof alike.service_title, "…درخواست صدور");
  assert_true(rc_title_shortened(&cut));
  assert_false(rc_title_shortened(&alike));
  assert_true(paper_height(&cut) > paper_height(&alike) + 20);
}

static int shutdown_fonts(void **st) {
  (void)st;
  pk_receipt_shutdown();
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(a_fee_receipt_keeps_its_whole_title),
      cmocka_unit_test(longest_whole_title),
      cmocka_unit_test(both_papers_print_the_largest_qr_at_a_readable_module),
      cmocka_unit_test(a_long_name_wraps_on_the_paper),
      cmocka_unit_test(a_shortened_title_says_so_on_the_paper),
  };
  return cmocka_run_group_tests(tests, NULL, shutdown_fonts);
}
