#include "view_theme.h"

#include <math.h>
#include <stddef.h>

enum { BLACK = 0, RED, GREEN, YELLOW, BLUE, MAGENTA, CYAN, WHITE };

/* Measured by tests/ui/test_theme.c. The 256-colour sets avoid 0..15, whose look varies between
 * terminals and brightens under bold; the 8-colour sets use bold only where the bright twin still
 * reads (bold black is grey). */
static const ui_theme themes[2] = {
    {"default", 4.5,
     {{255, 16, false}, {231, 19, true}, {231, 124, true}, {16, 51, true}, {46, 16, false}},
     {{WHITE, BLACK, false}, {WHITE, BLUE, true}, {WHITE, RED, true}, {BLACK, CYAN, false}, {GREEN, BLACK, false}}},
    {"high-contrast", 7.0,
     {{231, 16, true}, {16, 226, true}, {231, 88, true}, {16, 231, true}, {226, 16, true}},
     {{WHITE, BLACK, true}, {BLACK, YELLOW, false}, {BLACK, WHITE, false}, {WHITE, BLUE, true}, {YELLOW, BLACK, true}}},
};

static const ui_colours *active;

const ui_theme *ui_theme_get(bool high_contrast) { return &themes[high_contrast ? 1 : 0]; }

void ui_theme_use(const ui_theme *t, bool deep) { active = t ? (deep ? t->deep : t->basic) : NULL; }

bool ui_theme_bold(int role) { return !active || role < 0 || role >= UI_ROLE_COUNT || active[role].bold; }

void ui_xterm_rgb(int index, unsigned char rgb[3]) {
  static const unsigned char low[16][3] = {
      {0, 0, 0},       {205, 0, 0},   {0, 205, 0},   {205, 205, 0},   {0, 0, 238},   {205, 0, 205},
      {0, 205, 205},   {229, 229, 229}, {127, 127, 127}, {255, 0, 0}, {0, 255, 0},   {255, 255, 0},
      {92, 92, 255},   {255, 0, 255}, {0, 255, 255}, {255, 255, 255}};
  if (index < 16) {
    for (int i = 0; i < 3; i++) rgb[i] = low[index < 0 ? 0 : index][i];
  } else if (index < 232) {
    int v[3] = {(index - 16) / 36, (index - 16) / 6 % 6, (index - 16) % 6};
    for (int i = 0; i < 3; i++) rgb[i] = (unsigned char)(v[i] ? 55 + 40 * v[i] : 0);
  } else {
    rgb[0] = rgb[1] = rgb[2] = (unsigned char)(8 + 10 * (index - 232));
  }
}

int ui_shown_fg(const ui_colours *c) { return c->bold && c->fg >= 0 && c->fg < 8 ? c->fg + 8 : c->fg; }

static double luminance(int index) {
  unsigned char rgb[3];
  ui_xterm_rgb(index, rgb);
  static const double weight[3] = {0.2126, 0.7152, 0.0722};
  double l = 0;
  for (int i = 0; i < 3; i++) {
    double c = rgb[i] / 255.0;
    l += weight[i] * (c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4));
  }
  return l;
}

double ui_contrast(int fg, int bg) {
  double a = luminance(fg), b = luminance(bg);
  return a > b ? (a + 0.05) / (b + 0.05) : (b + 0.05) / (a + 0.05);
}
