#include "input.h"

#include <curses.h>

#define MAX_HITS 32
typedef struct {
  int y, x0, x1; /* the cells [x0, x1) of row y */
  pk_key key;
} ui_hit;
static ui_hit hits[MAX_HITS];
static int nhits;

void ui_hits_clear(void) { nhits = 0; }

void ui_hit_add(int y, pk_key key) { ui_hit_add_span(y, 0, 1 << 20, key); }

void ui_hit_add_span(int y, int x0, int x1, pk_key key) {
  if (nhits < MAX_HITS) hits[nhits++] = (ui_hit){y, x0, x1, key};
}

static ui_cmd key_cmd(pk_key_code code, uint32_t cp) { return (ui_cmd){UI_CMD_KEY, {code, cp}}; }

/* The numeric keypad in application mode sends SS3 sequences (ESC O p .. ESC O y for 0..9, ESC O M
 * for Enter, ESC O k m j o for + - * /). Terminfo names only a few (ka1, kb2, kent...), so ncurses
 * would hand over the others as an Esc, which cancels the screen, and two letters: they are taught
 * to ncurses as keys of their own (codes past KEY_MAX). */
static const char ss3_finals[] = "pqrstuvwxyMkmjon";
static const char ss3_chars[] = "0123456789\n+-*/.";
#define SS3_BASE (KEY_MAX + 1)

static void teach_keypad(void) {
  static bool taught;
  if (taught) return;
  taught = true;
  for (int i = 0; ss3_finals[i]; i++) {
    char seq[] = {'\033', 'O', ss3_finals[i], 0};
    if (key_defined(seq) <= 0) define_key(seq, SS3_BASE + i); /* a terminfo name is kept (below) */
  }
}

static ui_cmd from_keypad(int k) {
  switch (k) {
  case KEY_A1: return key_cmd(PK_KEY_CHAR, '7');
  case KEY_A3: return key_cmd(PK_KEY_CHAR, '9');
  case KEY_B2: return key_cmd(PK_KEY_CHAR, '5');
  case KEY_C1: return key_cmd(PK_KEY_CHAR, '1');
  case KEY_C3: return key_cmd(PK_KEY_CHAR, '3');
  default: break;
  }
  int i = k - SS3_BASE;
  if (i < 0 || i >= (int)sizeof ss3_finals - 1) return (ui_cmd){0};
  return ss3_chars[i] == '\n' ? key_cmd(PK_KEY_ENTER, 0) : key_cmd(PK_KEY_CHAR, (uint32_t)ss3_chars[i]);
}

static ui_cmd from_mouse(void) {
  MEVENT me;
  if (getmouse(&me) != OK || !(me.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED))) return (ui_cmd){0};
  for (int i = 0; i < nhits; i++)
    if (hits[i].y == me.y && me.x >= hits[i].x0 && me.x < hits[i].x1) return (ui_cmd){UI_CMD_KEY, hits[i].key};
  return (ui_cmd){0};
}

static ui_cmd from_function_key(int k) {
  switch (k) {
  case KEY_ENTER: return key_cmd(PK_KEY_ENTER, 0);
  case KEY_BACKSPACE: case KEY_DC: return key_cmd(PK_KEY_BACK, 0);
  case KEY_UP: return key_cmd(PK_KEY_UP, 0);
  case KEY_DOWN: return key_cmd(PK_KEY_DOWN, 0);
  case KEY_LEFT: return key_cmd(PK_KEY_LEFT, 0);
  case KEY_RIGHT: return key_cmd(PK_KEY_RIGHT, 0);
  case KEY_PPAGE: return key_cmd(PK_KEY_PGUP, 0);
  case KEY_NPAGE: return key_cmd(PK_KEY_PGDN, 0);
  case KEY_BTAB: return key_cmd(PK_KEY_UP, 0);
  case KEY_F(1): return key_cmd(PK_KEY_HELP, 0);
  case KEY_F(2): return key_cmd(PK_KEY_LANG, 0);
  case KEY_F(3): return key_cmd(PK_KEY_NEXT, 0);
  case KEY_F(4): return key_cmd(PK_KEY_PRINT, 0);
  case KEY_F(5): return (ui_cmd){UI_CMD_DEMO_CARD, {0}};
  case KEY_F(6): return (ui_cmd){UI_CMD_DEMO_NEXT, {0}};
  case KEY_F(7): return (ui_cmd){UI_CMD_DEMO_CLERK, {0}};
  case KEY_F(8): return key_cmd(PK_KEY_END_SHIFT, 0);
  case KEY_F(9): return (ui_cmd){UI_CMD_DEMO_WINDOW, {0}};
  case KEY_F(10): return (ui_cmd){UI_CMD_QUIT, {0}};
  case KEY_F(12): return key_cmd(PK_KEY_TECH, 0);
  case KEY_RESIZE: return (ui_cmd){UI_CMD_RESIZE, {0}};
  case KEY_MOUSE: return from_mouse();
  default: return from_keypad(k);
  }
}

static ui_cmd from_char(wint_t c) {
  switch (c) {
  case '\r': case '\n': return key_cmd(PK_KEY_ENTER, 0);
  case 127: case 8: return key_cmd(PK_KEY_BACK, 0);
  case 27: return key_cmd(PK_KEY_CANCEL, 0);
  case '\t': return key_cmd(PK_KEY_TAB, 0);
  case 3: case 17: return (ui_cmd){UI_CMD_QUIT, {0}}; /* Ctrl-C, Ctrl-Q (ignored in kiosk mode) */
  case 20: return key_cmd(PK_KEY_TECH, 0);            /* Ctrl-T: a technician's keyboard */
  default: break;
  }
  if (c < 32 || (c >= 0x7f && c < 0xa0)) return (ui_cmd){0};
  return key_cmd(PK_KEY_CHAR, (uint32_t)c);
}

bool ui_input_read(ui_cmd *out) {
  wint_t c;
  teach_keypad();
  int r = get_wch(&c);
  if (r == ERR) return false;
  *out = r == KEY_CODE_YES ? from_function_key((int)c) : from_char(c);
  return true;
}
