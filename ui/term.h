/* The terminal: ncurses set-up and restoration on every exit path. */
#ifndef PK_UI_TERM_H
#define PK_UI_TERM_H
#include <stdbool.h>

/* kiosk: no key combination (Ctrl-C, Ctrl-Z, Ctrl-\) leaves the program. */
int ui_term_open(bool kiosk, bool monochrome, bool high_contrast);
void ui_term_close(void);
/* Self-pipe readable when SIGWINCH or SIGTERM arrived; ui_term_signals() drains it. */
int ui_term_signal_fd(void);
/* Returns bits: 1 = resized, 2 = terminate requested. */
int ui_term_signals(void);

#endif
