/* `pishkhan doctor`: the checks of core/doctor.c, for a technician at the kiosk (text, in the
 * UI language) or for fleet tools (--json); the same results go to the metrics folder. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "doctor_cli.h"
#include "pishkhan/config.h"
#include "pishkhan/doctor.h"
#include "pishkhan/i18n.h"
#include "pishkhan/log.h"
#include "pishkhan/metrics.h"

/* Where the package installs the settings: a technician types `pishkhan doctor` and expects them. */
#define DEFAULT_CONFIG "/etc/pishkhan/pishkhan.conf"

static int usage(FILE *out) {
  fprintf(out, "Usage: pishkhan doctor [--json] [--config FILE] [--lang fa|en]\n"
               "Checks what this kiosk needs to serve and says what to do about each failure.\n"
               "Settings: FILE, else " DEFAULT_CONFIG " when it exists, else the compiled-in defaults.\n"
               "Exit status: 0 all critical checks pass, 1 one failed, 2 usage.\n");
  return out == stdout ? 0 : 2;
}

static void print_text(const pk_doctor_report *r) {
  for (size_t i = 0; i < r->n; i++) printf("%-5s %-12s %s\n", pk_doctor_mark(&r->checks[i]), r->checks[i].name, r->checks[i].message);
  printf("%s\n", pk_doctor_ok(r) ? pk_tr("The kiosk can serve.") : pk_tr("The kiosk cannot serve: see FAIL above."));
}

static void write_metrics(const pk_config *cfg, const pk_doctor_report *r) {
  if (!cfg->metrics_dir[0]) return;
  char *text = pk_metrics_format_doctor(r);
  if (!text || pk_metrics_write_file(cfg->metrics_dir, "pishkhan-doctor.prom", text) != 0)
    fprintf(stderr, "pishkhan doctor: cannot write %s/pishkhan-doctor.prom\n", cfg->metrics_dir);
  free(text);
}

static int finish(int rc) {
  pk_i18n_shutdown();
  return rc;
}

int ui_doctor_main(int argc, char **argv) {
  static const struct option longopts[] = {{"json", no_argument, NULL, 'j'}, {"config", required_argument, NULL, 'c'},
                                           {"lang", required_argument, NULL, 'l'}, {"help", no_argument, NULL, 'h'},
                                           {NULL, 0, NULL, 0}};
  const char *path = NULL, *lang = NULL;
  bool json = false;
  int c;
  while ((c = getopt_long(argc, argv, "+c:h", longopts, NULL)) != -1) {
    if (c == 'j') json = true;
    else if (c == 'c') path = optarg;
    else if (c == 'l' && (!strcmp(optarg, "fa") || !strcmp(optarg, "en"))) lang = optarg;
    else return finish(usage(c == 'h' ? stdout : stderr));
  }
  if (optind < argc) return finish(usage(stderr));
  if (!path && access(DEFAULT_CONFIG, F_OK) == 0) path = DEFAULT_CONFIG;
  pk_config cfg;
  pk_config_defaults(&cfg);
  char err[512] = "";
  /* A mistake in the settings is one of the findings, not a reason to stop looking. */
  bool bad = path && pk_config_load(&cfg, path, err, sizeof err) != 0;
  pk_i18n_set_lang(pk_lang_from_code(lang ? lang : cfg.lang));
  pk_log_open("pishkhan-doctor", true, PK_LOG_ERR);
  pk_doctor_opts o = {.config_path = path, .config_error = bad ? err : NULL};
  pk_doctor_report r;
  pk_doctor_run(&cfg, &o, &r);
  char *out = json ? pk_doctor_json(&r) : NULL;
  if (out) puts(out);
  else print_text(&r);
  free(out);
  write_metrics(&cfg, &r);
  pk_log_close();
  pk_config_free(&cfg);
  return finish(pk_doctor_ok(&r) ? 0 : 1);
}
