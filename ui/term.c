/* ncurses set-up. Signals we survive only write a byte to a self-pipe: the main loop does the
 * work. Signals that end the process restore the terminal first, so that neither the kiosk's
 * screen nor the shell that started it is left garbled. */
#include "term.h"

#include <curses.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "draw.h"
#include "view_theme.h"

static int sig_pipe[2] = {-1, -1};
static volatile sig_atomic_t term_is_open;
/* Filled before the first fatal handler can run; a handler may only read them. */
static struct termios shell_tty;
static bool have_shell_tty;
static char reset_seq[256];
static size_t reset_len;

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

/* Async-signal context: endwin's effect from what ui_term_open saved (tcsetattr and write are
 * async-signal-safe), then the default action, so the exit status and core dump stay true. */
static void on_fatal(int sig) {
  if (term_is_open) {
    ssize_t r = write(STDOUT_FILENO, reset_seq, reset_len);
    (void)r;
    if (have_shell_tty) tcsetattr(STDOUT_FILENO, TCSANOW, &shell_tty);
  }
  signal(sig, SIG_DFL);
  raise(sig);
}

static void append_reset(const char *s) {
  size_t n = strlen(s);
  if (n >= sizeof reset_seq - reset_len) return;
  memcpy(reset_seq + reset_len, s, n);
  reset_len += n;
}

static void append_cap(const char *name) {
  const char *s = tigetstr(name);
  if (s && s != (const char *)-1) append_reset(s);
}

/* What endwin sends, for this terminal, as far as a signal handler can replay it. */
static void build_reset_seq(void) {
  reset_len = 0;
  append_cap("sgr0");
  append_cap("rmkx");
  append_cap("cnorm");
  append_cap("rmcup");
  if (tigetstr("kmous") && tigetstr("kmous") != (const char *)-1) append_reset("\033[?1006;1000l");
  append_reset(bidi_implicit);
  append_reset("\r\n");
}

/* Signals whose default action ends the process (SIGTRAP and SIGPROF belong to debuggers and
 * profilers). SIGQUIT is ignored in kiosk mode instead. */
static const int fatal_signals[] = {SIGSEGV, SIGBUS,  SIGABRT, SIGFPE,  SIGILL,  SIGSYS,  SIGPIPE,
                                    SIGQUIT, SIGXCPU, SIGXFSZ, SIGUSR1, SIGUSR2, SIGALRM};

static void install_handlers(bool kiosk) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction(SIGWINCH, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
  if (!kiosk) sigaction(SIGINT, &sa, NULL);
  sa.sa_handler = on_fatal;
  sa.sa_flags = SA_RESETHAND;
  sigfillset(&sa.sa_mask); /* a second fatal signal must not interrupt the restore */
  for (size_t i = 0; i < sizeof fatal_signals / sizeof fatal_signals[0]; i++)
    sigaction(fatal_signals[i], &sa, NULL);
  if (kiosk) {
    signal(SIGINT, SIG_IGN);
    signal(SIGQUIT, SIG_IGN);
    signal(SIGTSTP, SIG_IGN);
  }
}

/* Every colour named, the body's too: a theme's contrast is measured only against known colours. */
static void init_colors(bool mono, bool high_contrast) {
  if (mono || !has_colors()) return;
  start_color();
  const ui_theme *t = ui_theme_get(high_contrast);
  bool deep = COLORS >= 256;
  const ui_colours *c = deep ? t->deep : t->basic;
  ui_theme_use(t, deep);
  assume_default_colors(c[UI_ROLE_BODY].fg, c[UI_ROLE_BODY].bg);
  for (short role = UI_ROLE_BAR; role < UI_ROLE_COUNT; role++) init_pair(role, c[role].fg, c[role].bg);
  /* A QR code is read dark on light whatever the theme: black on white, as on paper. */
  init_pair(UI_PAIR_QR, deep ? 16 : COLOR_BLACK, deep ? 231 : COLOR_WHITE);
}

int ui_term_open(bool kiosk, bool mono, bool high_contrast) {
  if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0) return -1;
  have_shell_tty = tcgetattr(STDOUT_FILENO, &shell_tty) == 0;
  install_handlers(kiosk);
  fputs(bidi_explicit, stdout);
  fflush(stdout);
  if (!initscr()) return -1;
  build_reset_seq();
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
