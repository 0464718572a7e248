/* The legal-entity national ID validator on the vectors of issue 12. With --stdin it reads
 * one candidate per line and prints 1 (valid) or 0, for legal_id_vs_persian_tools.mjs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "pishkhan/legal_id.h"

static void issue_vectors(void **st) {
  (void)st;
  assert_true(pk_legal_id_valid("10380284790"));
  assert_false(pk_legal_id_valid("10380284792"));
  assert_false(pk_legal_id_valid("10380285692"));
  assert_false(pk_legal_id_valid("09748208301"));
}

static void zeros_are_refused(void **st) {
  (void)st;
  assert_false(pk_legal_id_valid("00000000000"));
  /* Check digit right for these, but the middle six are zero: never issued. */
  assert_false(pk_legal_id_digits_valid("10300000008"));
  assert_false(pk_legal_id_digits_valid("12300000050"));
  assert_false(pk_legal_id_digits_valid("00000000009"));
}

static void any_digit_set_nothing_else(void **st) {
  (void)st;
  assert_true(pk_legal_id_valid("۱۰۳۸۰۲۸۴۷۹۰"));
  assert_true(pk_legal_id_valid("١٠٣٨٠٢٨٤٧٩٠"));
  assert_false(pk_legal_id_digits_valid("۱۰۳۸۰۲۸۴۷۹۰")); /* the stored form is ASCII */
  assert_false(pk_legal_id_valid("103802847901"));     /* a valid prefix is not an ID */
  assert_false(pk_legal_id_valid("1038028479"));
  assert_false(pk_legal_id_valid("1038028479 0"));
  assert_false(pk_legal_id_valid("+1038028479"));
  assert_false(pk_legal_id_valid(""));
  assert_false(pk_legal_id_valid(NULL));
}

static int from_stdin(void) {
  char line[256];
  while (fgets(line, sizeof line, stdin)) {
    line[strcspn(line, "\n")] = 0;
    putchar(pk_legal_id_valid(line) ? '1' : '0');
    putchar('\n');
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc > 1 && !strcmp(argv[1], "--stdin")) return from_stdin();
  const struct CMUnitTest t[] = {
    cmocka_unit_test(issue_vectors),
    cmocka_unit_test(zeros_are_refused),
    cmocka_unit_test(any_digit_set_nothing_else),
  };
  return cmocka_run_group_tests(t, NULL, NULL);
}
