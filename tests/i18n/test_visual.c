/* pk_visual / pk_text_width / pk_wrap: what a Persian reader sees in an xterm-like terminal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include "pishkhan/i18n.h"

static void expect_visual(const char *in, int width, pk_dir dir, const char *want) {
  char *got = pk_visual_dir(in, width, dir);
  assert_non_null(got);
  assert_string_equal(got, want);
  free(got);
}
#define RTL(in, w, want) expect_visual(in, w, PK_DIR_RTL, want)
#define LTR(in, w, want) expect_visual(in, w, PK_DIR_LTR, want)

static void shapes_and_reverses_persian(void **st) {
  (void)st;
  RTL("سلام", 0, "\uFEE1\uFEFC\uFEB3");                          /* lam-alef is one cell */
  RTL("پچژگکی", 0, "\uFBFD\uFB91\uFB94\uFB8B\uFB7D\uFB58");      /* Persian letters */
  RTL("عدد", 0, "\uFEA9\uFEAA\uFECB");
}

static void zwnj_breaks_joining_but_is_not_printed(void **st) {
  (void)st;
  /* می‌روم: mim initial + yeh final, then reh isolated, vav final? (reh does not join left) */
  char *got = pk_visual_dir("می\u200Cروم", 0, PK_DIR_RTL);
  assert_null(strstr(got, "\u200C"));
  assert_string_equal(got, "\uFEE1\uFEED\uFEAD\uFBFD\uFEE3");
  free(got);
}

static void harakat_stay_combining_after_base(void **st) {
  (void)st;
  RTL("بِ", 0, "\uFE8F\u0650");
  RTL("بِسم", 0, "\uFEE2\uFEB4\uFE91\u0650");
  assert_int_equal(pk_text_width("بِسمِ"), 3);
  /* lam + fatha + alef still makes the ligature; the fatha follows it */
  RTL("لَا", 0, "\uFEFB\u064E");
}

/* A mark after ZWNJ, RLM or an embedding (hostile or mistyped text) used to come out as
 * a random wide character read from uninitialized memory. */
static void mark_after_a_control_prints_only_the_mark(void **st) {
  (void)st;
  RTL("\u200C\u0655", 3, "   \u0655");
  LTR("\u200F\u0655", 3, "\u0655   ");
  RTL("\u202B\u0655", 2, "  \u0655");
  char *got = pk_visual_dir("\u0627\u200C\u064Ex", 3, PK_DIR_RTL);
  assert_int_equal(pk_text_width(got), 3);
  free(got);
}

static void mirrors_brackets_and_keeps_ltr_runs(void **st) {
  (void)st;
  RTL("(سلام)", 0, "(\uFEE1\uFEFC\uFEB3)");
  RTL("عدد 123", 0, "123 \uFEA9\uFEAA\uFECB");
  RTL("کد ABC", 0, "ABC \uFEAA\uFB90");
}

static void isolates_keep_codes_in_reading_order(void **st) {
  (void)st;
  /* UAX #9 alone reverses the groups; the isolate keeps the code as one LTR unit */
  RTL("کد: 1403-02-000123", 0, "000123-02-1403 :\uFEAA\uFB90");
  char *iso = pk_isolate_ltr("1403-02-000123");
  char in[64];
  snprintf(in, sizeof in, "کد: %s", iso);
  free(iso);
  RTL(in, 0, "1403-02-000123 :\uFEAA\uFB90");
}

/* «پلیس +۱۰» (an agency's name): isolated, the sign stays before the digits where it was
 * written, not after them as UAX #9 alone puts it («۱۰+»); a hyphen inside a code is left alone. */
static void a_signed_number_in_a_name_keeps_its_sign_in_front(void **st) {
  (void)st;
  char *name = pk_isolate_signed("پلیس +۱۰");
  char *got = pk_visual_dir(name, 0, PK_DIR_RTL);
  assert_non_null(got);
  assert_memory_equal(got, "+۱۰ ", strlen("+۱۰ "));
  free(got);
  free(name);
  name = pk_isolate_signed("دمای \u22125 درجه");
  got = pk_visual_dir(name, 0, PK_DIR_RTL);
  assert_non_null(strstr(got, "\u22125"));
  free(got);
  free(name);
  name = pk_isolate_signed("کد: 1403-02 و ۱-۲");
  assert_string_equal(name, "کد: 1403-02 و ۱-۲");
  free(name);
}

/* Persian writes a decimal point as the momayyez (U+066B): «۱۷٫۲۵», never «۱۷.۲۵»; a full stop
 * after a number stays one. Read back, the momayyez is a point again. */
static void persian_digits_take_the_persian_decimal_point(void **st) {
  (void)st;
  char *fa = pk_digits_to_persian("17.25 از 20.");
  assert_string_equal(fa, "۱۷\u066B۲۵ از ۲۰.");
  char *back = pk_digits_to_ascii(fa);
  assert_string_equal(back, "17.25 از 20.");
  free(fa);
  free(back);
}

static void aligns_and_truncates_by_direction(void **st) {
  (void)st;
  RTL("سلام", 6, "   \uFEE1\uFEFC\uFEB3");
  LTR("Hello", 8, "Hello   ");
  LTR("Hello world", 8, "Hello w\u2026");
  /* RTL text ends on the left: the ellipsis goes there */
  RTL("سلام دنیا", 6, "\u2026\uFEA9 \uFEE1\uFEFC\uFEB3");
  /* cut inside an isolate: the isolate is closed so the ellipsis still ends the line */
  RTL("کد: \u20661403-02-000123\u2069", 9, "\u20261403 :\uFEAA\uFB90");
  char *v = pk_visual_dir("سلام دنیا", 6, PK_DIR_RTL);
  assert_int_equal(pk_text_width(v), 6);
  free(v);
}

static void widths_in_cells(void **st) {
  (void)st;
  assert_int_equal(pk_text_width("لا"), 1);
  assert_int_equal(pk_text_width("abc"), 3);
  assert_int_equal(pk_text_width("\u6F22\u5B57"), 4);
  assert_int_equal(pk_text_width("\u2066x\u2069\u200C"), 1);
  assert_int_equal(pk_char_width(0x064E), 0);
  /* a mark with no base is not handed to ICU's shaper, which took U+065E for a lam-alef */
  assert_int_equal(pk_text_width("\u065E\uFFFD"), 1);
  assert_int_equal(pk_text_width("\u0605\u065Eب"), 1);
}

static void lang_sets_paragraph_direction(void **st) {
  (void)st;
  pk_i18n_set_lang(PK_LANG_FA);
  char *fa = pk_visual("ab سلام", 10);
  pk_i18n_set_lang(PK_LANG_EN);
  char *en = pk_visual("ab سلام", 10);
  assert_string_equal(fa, "    \uFEE1\uFEFC\uFEB3 ab");
  assert_string_equal(en, "ab \uFEE1\uFEFC\uFEB3    ");
  free(fa);
  free(en);
  pk_i18n_set_lang(PK_LANG_FA);
}

static void wraps_in_logical_order(void **st) {
  (void)st;
  char **L;
  int n = pk_wrap_logical("این یک متن فارسی است\nخط دوم", 10, &L);
  assert_int_equal(n, 3);
  assert_string_equal(L[0], "این یک متن");
  assert_string_equal(L[1], "فارسی است");
  assert_string_equal(L[2], "خط دوم");
  pk_lines_free(L, n);
}

static void wrap_reopens_isolates(void **st) {
  (void)st;
  char **L;
  int n = pk_wrap_logical("کد \u2066AB CD EF\u2069 تمام", 6, &L);
  assert_true(n >= 2);
  for (int i = 0; i < n; i++) {
    assert_true(pk_text_width(L[i]) <= 6);
    int open = 0;
    for (const char *p = L[i]; (p = strstr(p, "\u2066")); p += 3) open++;
    for (const char *p = L[i]; (p = strstr(p, "\u2069")); p += 3) open--;
    assert_int_equal(open, 0);
  }
  pk_lines_free(L, n);
  n = pk_wrap("کلمه‌ای‌بسیار‌بلند", 4, &L); /* no break opportunity: cut by cells */
  assert_true(n >= 3);
  for (int i = 0; i < n; i++) assert_int_equal(pk_text_width(L[i]), 4);
  pk_lines_free(L, n);
}

int main(void) {
  const struct CMUnitTest t[] = {
      cmocka_unit_test(shapes_and_reverses_persian),
      cmocka_unit_test(a_signed_number_in_a_name_keeps_its_sign_in_front),
      cmocka_unit_test(persian_digits_take_the_persian_decimal_point),
      cmocka_unit_test(zwnj_breaks_joining_but_is_not_printed),
      cmocka_unit_test(harakat_stay_combining_after_base),
      cmocka_unit_test(mark_after_a_control_prints_only_the_mark),
      cmocka_unit_test(mirrors_brackets_and_keeps_ltr_runs),
      cmocka_unit_test(isolates_keep_codes_in_reading_order),
      cmocka_unit_test(aligns_and_truncates_by_direction),
      cmocka_unit_test(widths_in_cells),
      cmocka_unit_test(lang_sets_paragraph_direction),
      cmocka_unit_test(wraps_in_logical_order),
      cmocka_unit_test(wrap_reopens_isolates),
  };
  return cmocka_run_group_tests(t, NULL, NULL);
}
