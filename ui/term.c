/* ncurses set-up. Signals only write a byte to a self-pipe: the main loop does the work.
 * A crash handler restores the terminal so that a kiosk never leaves a garbled screen. */
#include "term.h"

#include <curses.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int sig_pipe[2] = {-1, -1};
static volatile sig_atomic_t term_is_open;

/* terminal-wg BiDi: explicit mode (CSI 8 l) asks bidi-aware terminals not to reorder
 * what we already reordered; implicit mode (CSI 8 h) is restored at exit. */
static const char bidi_explicit[] = "\033[8l";
static const char bidi_implicit[] = "\033[8h";

static void on_signal(int sig) {
  char c = (char)sig;
  if (sig_pipe[1] >= 0) {
    ssize_t r = write(sig_pipe[1], &c, 1);
    (void)r;
  }
}

/* Async-signal context: only endwin-equivalent escape output, then re-raise. */
static void on_crash(int sig) {
  if (term_is_open) {
    static const char reset[] = "\033[?1049l\033[?25h\033[0m\033[8h\r\n";
    ssize_t r = write(STDOUT_FILENO, reset, sizeof reset - 1);
    (void)r;
  }
  signal(sig, SIG_DFL);
  raise(sig);
}

static void install_handlers(bool kiosk) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction(SIGWINCH, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
  if (!kiosk) sigaction(SIGINT, &sa, NULL);
  sa.sa_handler = on_crash;
  sa.sa_flags = SA_RESETHAND;
  sigaction(SIGSEGV, &sa, NULL);
  sigaction(SIGBUS, &sa, NULL);
  sigaction(SIGABRT, &sa, NULL);
  sigaction(SIGFPE, &sa, NULL);
  if (kiosk) {
    signal(SIGINT, SIG_IGN);
    signal(SIGQUIT, SIG_IGN);
    signal(SIGTSTP, SIG_IGN);
  }
}

static void init_colors(bool mono, bool high_contrast) {
  if (mono || !has_colors()) return;
  start_color();
  use_default_colors();
  short bg = high_contrast ? COLOR_BLACK : COLOR_BLUE;
  init_pair(1, COLOR_WHITE, bg);                                       /* header/footer */
  init_pair(2, high_contrast ? COLOR_YELLOW : COLOR_WHITE, COLOR_RED);  /* alert */
  init_pair(3, COLOR_BLACK, high_contrast ? COLOR_YELLOW : COLOR_CYAN); /* selection */
  init_pair(4, high_contrast ? COLOR_YELLOW : COLOR_GREEN, -1);         /* good */
}

int ui_term_open(bool kiosk, bool mono, bool high_contrast) {
  if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0) return -1;
  install_handlers(kiosk);
  fputs(bidi_explicit, stdout);
  fflush(stdout);
  if (!initscr()) return -1;
  term_is_open = 1;
  raw(); /* Ctrl-C/Ctrl-Z/Ctrl-\ arrive as keys, never as signals */
  noecho();
  keypad(stdscr, TRUE);
  nodelay(stdscr, TRUE);
  curs_set(0);
  set_escdelay(25);
  mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_RELEASED, NULL);
  mouseinterval(0);
  init_colors(mono, high_contrast);
  return 0;
}

void ui_term_close(void) {
  if (!term_is_open) return;
  endwin();
  term_is_open = 0;
  fputs(bidi_implicit, stdout);
  fflush(stdout);
}

int ui_term_signal_fd(void) { return sig_pipe[0]; }

int ui_term_signals(void) {
  int bits = 0;
  char c;
  while (read(sig_pipe[0], &c, 1) == 1) {
    if (c == SIGWINCH) bits |= 1;
    else bits |= 2;
  }
  return bits;
}
