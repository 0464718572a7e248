/* One 200x60 screen of mixed Persian/Latin lines through pk_visual, against the fribidi
 * CLI (shaping on) laying out the same lines; prints both throughputs and the ratio. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "pishkhan/i18n.h"

#define COLS 200
#define ROWS 60
#define SCREENS 200

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *k_parts[] = {
    "درخواست شما با کد رهگیری \u20661403-02-000123\u2069 ثبت شد.", "کارت ملی هوشمند را وارد کنید",
    "نرم‌افزار Pishkhan نسخه 0.1", "مبلغ \u2066۱٬۲۰۰٬۰۰۰\u2069 ریال", "(استعلام) [مالیات] «گمرک»",
    "بِسمِ اللهِ", "سازمان تامین اجتماعی", "Service: tax refund", "تاریخ ۱۴۰۳/۰۲/۰۱ ساعت 10:30",
    "لطفاً صبر کنید", "کلاس‌های آموزش و پرورش", "The window is online"};

/* A logical line of about COLS cells made of the parts above, varied per row. */
static void make_line(char *buf, size_t cap, int row) {
  buf[0] = 0;
  for (int i = row; pk_text_width(buf) < COLS - 40; i += 5) {
    strncat(buf, k_parts[i % 12], cap - strlen(buf) - 2);
    strncat(buf, " ", cap - strlen(buf) - 1);
  }
}

int main(void) {
  static char lines[ROWS][4096];
  for (int r = 0; r < ROWS; r++) make_line(lines[r], sizeof lines[r], r);
  pk_i18n_set_lang(PK_LANG_FA);
  double t0 = now();
  for (int s = 0; s < SCREENS; s++)
    for (int r = 0; r < ROWS; r++) free(pk_visual(lines[r], COLS));
  double ours = (now() - t0) / SCREENS;

  char path[] = "/tmp/pk-bench-layout-XXXXXX";
  int fd = mkstemp(path);
  FILE *f = fdopen(fd, "w");
  for (int s = 0; s < SCREENS; s++)
    for (int r = 0; r < ROWS; r++) fprintf(f, "%s\n", lines[r]);
  fclose(f);
  char cmd[256];
  snprintf(cmd, sizeof cmd, "fribidi --rtl --nobreak --clean --reordernsm --width %d %s > /dev/null", COLS, path);
  t0 = now();
  int rc = system(cmd);
  double theirs = (now() - t0) / SCREENS;
  unlink(path);
  printf("layout 200x60 screen: pk_visual %.3f ms/screen (%.0f lines/s)\n", ours * 1e3, ROWS / ours);
  if (rc != 0) { printf("fribidi CLI not available (rc %d): no ratio\n", rc); return 0; }
  printf("layout 200x60 screen: fribidi CLI %.3f ms/screen (%.0f lines/s)\n", theirs * 1e3, ROWS / theirs);
  printf("ratio pk_visual/fribidi throughput: %.2fx (goal >= 3x; goal < 1 ms/screen: %s)\n",
         theirs / ours, ours < 1e-3 ? "met" : "NOT met");
  return 0;
}
