/* Drawing primitives that know the reading direction: "start" is the right edge in
 * Persian and the left edge in English. Text given here is logical UTF-8; it goes
 * through pk_visual (bidi + shaping) on its way to the screen. */
#ifndef PK_UI_DRAW_H
#define PK_UI_DRAW_H
#include <stdbool.h>

enum { UI_PAIR_BAR = 1, UI_PAIR_ALERT = 2, UI_PAIR_SELECT = 3, UI_PAIR_GOOD = 4, UI_PAIR_QR = 5 };

bool ui_rtl(void);
int ui_cols(void);
int ui_rows(void);
/* Exactly `width` cells of text at (y, x): padded, truncated with an ellipsis. */
void ui_text(int y, int x, int width, const char *logical);
/* Text flush with the reading start (margin cells in from that edge); returns its width. */
int ui_put_start(int y, int margin, const char *logical);
/* Text flush with the reading end. */
int ui_put_end(int y, int margin, const char *logical);
void ui_put_center(int y, const char *logical);
/* A wrapped paragraph inside the body margins; returns the rows used. */
int ui_paragraph(int y, int margin, int max_rows, const char *logical);
/* The same within the columns [x, x + width). */
int ui_paragraph_at(int y, int x, int width, int max_rows, const char *logical);
/* A full-width bar in a colour pair (header, footer, selection). */
void ui_bar(int y, int pair, bool on);
/* A row's text with the selection mark (or its blank) before it; malloc'd. */
char *ui_marked(bool selected, const char *logical);
/* printf for our own literal formats only. */
char *ui_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A translated template with "%s" places filled in order by the NULL-terminated
 * strings that follow: translations never reach printf. */
char *ui_subst(const char *tmpl, ...) __attribute__((sentinel));
/* ASCII digits to the UI language's digits (Persian in fa). */
char *ui_digits(const char *ascii);
/* A code as the citizen reads it: grouped (ui_code_groups), left to right even in Persian,
 * in the UI's digits. malloc'd. */
char *ui_code_text(const char *code);
/* "شنبه ۱ اردیبهشت ۱۴۰۳  ۱۴:۰۵": the Jalali date and the time, in the UI language. */
char *ui_clock_text(void);

#endif
