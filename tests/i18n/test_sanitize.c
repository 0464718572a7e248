/* pk_sanitize: server/card text cannot drive the terminal or spoof the reading order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "pishkhan/i18n.h"

static void expect(const char *in, size_t cap, const char *want) {
  char *got = pk_sanitize(in, cap);
  assert_non_null(got);
  assert_string_equal(got, want);
  free(got);
}

static void keeps_persian_text_and_zwnj(void **st) {
  (void)st;
  expect("می‌خواهم ۱۲۳ ABC", 0, "می‌خواهم ۱۲۳ ABC");
  expect("بِسمِ", 0, "بِسمِ");
  expect(NULL, 0, "");
}

static void removes_escape_sequences(void **st) {
  (void)st;
  expect("a\x1b[2J\x1b[31mb", 0, "ab");                 /* CSI */
  expect("a\x1b]0;owned\x07" "b", 0, "ab");               /* OSC ended by BEL */
  expect("a\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", 0, "alink"); /* OSC 8 hyperlink */
  expect("a\x1bPq#0;2;0;0;0\x1b\\b", 0, "ab");          /* DCS (sixel) */
  expect("a\x1b(0b\x1b" "7c", 0, "abc");                  /* charset switch, DECSC */
  expect("a\xC2\x9B" "31mb", 0, "ab");                  /* C1 CSI, UTF-8 encoded */
  expect("a\xC2\x9D" "0;t\xC2\x9C" "b", 0, "ab");       /* C1 OSC ... ST */
}

static void removes_controls(void **st) {
  (void)st;
  expect("a\x01\x07\x08\x7f" "b", 0, "ab");
  expect("a\tb\nc\rd", 0, "a b c d");
  expect("a\xC2\x85" "b\xC2\x80" "c", 0, "a bc");
}

static void removes_bidi_controls(void **st) {
  (void)st;
  /* RLO would show "txt.exe" as "exe.txt"; isolates and marks could reorder amounts */
  expect("file\u202Etxt.exe", 0, "filetxt.exe");
  expect("\u202A\u202B\u202C\u202D\u2066\u2067\u2068\u2069\u200E\u200F\u061Cx", 0, "x");
  expect("a\u2028b\u2029c", 0, "a b c");
}

/* Hidden characters would let two titles that look the same differ, or hide a word from
 * the citizen; only the joiners Persian spelling uses survive. */
static void removes_invisible_characters(void **st) {
  (void)st;
  expect("a\u200Bb\uFEFFc\u2060d\u00ADe", 0, "abcde");
  expect("a\U000E0000\U000E0001\U000E0041\U000E007Fb", 0, "ab"); /* tag characters */
  expect("a\u206A\u206B\u206C\u206D\u206E\u206Fb", 0, "ab");
  expect("a\u034Fb\u180Ec\u3164d", 0, "abcd");
  expect("a\uFFF9b\uFFFAc\uFFFBd", 0, "abcd"); /* interlinear annotation */
  expect("\u0600\u06F1\u06F2", 0, "\u0600\u06F1\u06F2"); /* Arabic number sign is visible */
  expect("می\u200Cخواهم \u0644\u200D", 0, "می\u200Cخواهم \u0644\u200D");
}

static void replaces_invalid_utf8(void **st) {
  (void)st;
  expect("a\xff" "b", 0, "a\uFFFD" "b");
  expect("a\xC3", 0, "a\uFFFD");
  expect("\xED\xA0\x80", 0, "\uFFFD\uFFFD\uFFFD"); /* encoded surrogate */
  expect("\xC0\xAF", 0, "\uFFFD\uFFFD");            /* overlong '/' */
}

static void caps_at_character_boundary(void **st) {
  (void)st;
  expect("سلام", 5, "سل");     /* 2-byte letters: never half a letter */
  expect("abcdef", 3, "abc");
  char *got = pk_sanitize("\xff\xff\xff\xff", 4);
  assert_int_equal(strlen(got), 3);
  free(got);
}

int main(void) {
  const struct CMUnitTest t[] = {
      cmocka_unit_test(keeps_persian_text_and_zwnj), cmocka_unit_test(removes_escape_sequences),
      cmocka_unit_test(removes_controls),            cmocka_unit_test(removes_bidi_controls),
      cmocka_unit_test(removes_invisible_characters), cmocka_unit_test(replaces_invalid_utf8),
      cmocka_unit_test(caps_at_character_boundary),
  };
  return cmocka_run_group_tests(t, NULL, NULL);
}
