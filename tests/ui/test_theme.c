/* Issue 15, defect 5: every theme's text is readable, by the WCAG 2 contrast ratio computed from
 * xterm's palette — what the citizen sees, including bold black turning grey. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "../../ui/view_theme.h"

static void palette_formulas(void **state) {
  (void)state;
  unsigned char rgb[3];
  ui_xterm_rgb(16, rgb);
  assert_true(rgb[0] == 0 && rgb[1] == 0 && rgb[2] == 0);
  ui_xterm_rgb(51, rgb); /* cube (0,5,5) */
  assert_true(rgb[0] == 0 && rgb[1] == 255 && rgb[2] == 255);
  ui_xterm_rgb(244, rgb); /* grey ramp */
  assert_int_equal(rgb[0], 128);
  assert_true(ui_contrast(16, 231) > 20.99 && ui_contrast(231, 16) < 21.01);
  assert_true(ui_contrast(7, 7) < 1.0001);
}

static void check_roles(const ui_theme *t, const ui_colours *roles, const char *depth) {
  static const char *names[UI_ROLE_COUNT] = {"normal text", "header/footer", "alert", "selected row", "good"};
  for (int r = 0; r < UI_ROLE_COUNT; r++) {
    const ui_colours *c = &roles[r];
    /* The terminal's own default colours are unknown: a theme names both. */
    assert_true(c->fg >= 0 && c->bg >= 0);
    double ratio = ui_contrast(ui_shown_fg(c), c->bg);
    printf("%s %s %s: %d on %d = %.2f:1\n", t->name, depth, names[r], ui_shown_fg(c), c->bg, ratio);
    if (ratio < t->min_ratio) fail_msg("%s theme (%s), %s: %.2f:1 < %.1f:1", t->name, depth, names[r], ratio, t->min_ratio);
  }
  /* The selected row must stand out from the rows around it, not only be readable. */
  assert_true(roles[UI_ROLE_SELECT].bg != roles[UI_ROLE_BODY].bg);
}

static void themes_reach_their_ratio(void **state) {
  (void)state;
  for (int hc = 0; hc < 2; hc++) {
    const ui_theme *t = ui_theme_get(hc);
    assert_true(t->min_ratio >= (hc ? 7.0 : 4.5));
    check_roles(t, t->deep, "256 colours");
    check_roles(t, t->basic, "8 colours");
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(palette_formulas),
      cmocka_unit_test(themes_reach_their_ratio),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
