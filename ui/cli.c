/* The command line of pishkhan (and of pishkhan-demo, which adds the embedded demo). */
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pishkhan/audit_cli.h"
#include "pishkhan/config.h"
#include "pishkhan/harden.h"
#include "pishkhan/i18n.h"
#include "pishkhan/log.h"
#include "pishkhan/module_opts.h"
#include "pishkhan/payments_cli.h"
#include "pishkhan/queue_cli.h"
#include "pishkhan/receipt.h"
#include "doctor_cli.h"
#include "run.h"

static void usage(FILE *out, bool demo) {
  fprintf(out,
          "Usage: %s [OPTIONS]\n"
          "       %s receipt verify [--jwks FILE] (TOKEN | FILE.png | FILE.pdf)\n"
          "       pishkhan queue [--config FILE] [--json] list|show|sync|retry|export|import|purge\n"
          "       pishkhan doctor [--json] [--config FILE] [--lang fa|en]\n"
          "       pishkhan payments report --day DATE [--json] [--config FILE] [--lang fa|en]\n"
          "\n"
          "Persian-first kiosk and counter client for the national smart government services window.\n"
          "%s"
          "\n"
          "Options:\n"
          "  -c, --config FILE   read settings from FILE (INI; see packaging/pishkhan.conf)\n"
          "      --kiosk         locked-down mode: no key combination leaves the program\n"
          "      --counter       counter mode: a clerk serves citizens (as [counter] mode = counter)\n"
          "      --lang fa|en    UI language at start (default from config: fa)\n"
          "      --log-stderr    log to stderr instead of syslog/journald\n"
          "  -h, --help          show this help\n"
          "  -V, --version       show the version\n"
          "\n"
          "Keys: digits, arrows, Enter, Backspace (back), Esc (cancel), F2 language, F4 print,\n"
          "      F10 quit (not in kiosk mode). Counter: F3 next citizen or ticket, F8 end the shift.\n",
          demo ? "pishkhan-demo" : "pishkhan", demo ? "pishkhan-demo" : "pishkhan",
          demo ? "The embedded demo: an in-process window simulator and demo cards, no daemons,\n"
                 "no root, no network (F5 card in/out, F6 next card, F9 the link cut or back; counter mode: F7 the clerk's\n"
                 "card in/out, the citizen keypad a FIFO named in the log). --demo is accepted and implied.\n"
               : "");
}

enum { OPT_DEMO = 256, OPT_KIOSK, OPT_LOG_STDERR, OPT_LANG, OPT_COUNTER };

/* The production binary has no demo: say where it is rather than "unknown option". */
static int no_demo(void) {
  fprintf(stderr, "%s\npishkhan: --demo: this is the production kiosk; the demo is pishkhan-demo "
                  "(package pishkhan-sim)\n",
          pk_tr_fa("This program has no demo mode."));
  return 2;
}

static int parse(int argc, char **argv, pk_config *cfg, ui_run_opts *opts, const ui_demo_hooks *demo) {
  static const struct option longopts[] = {
      {"config", required_argument, NULL, 'c'}, {"demo", no_argument, NULL, OPT_DEMO},
      {"kiosk", no_argument, NULL, OPT_KIOSK},  {"log-stderr", no_argument, NULL, OPT_LOG_STDERR},
      {"lang", required_argument, NULL, OPT_LANG}, {"help", no_argument, NULL, 'h'},
      {"version", no_argument, NULL, 'V'},      {"counter", no_argument, NULL, OPT_COUNTER},
      {NULL, 0, NULL, 0},
  };
  int c;
  char err[512];
  while ((c = getopt_long(argc, argv, "c:hV", longopts, NULL)) != -1) {
    switch (c) {
    case 'c':
      opts->config_path = optarg;
      if (pk_config_load(cfg, optarg, err, sizeof err) != 0) {
        /* Persian first: the person at the kiosk may read only Persian; the detail follows. */
        fprintf(stderr, "%s\n%s: %s: %s\n", pk_tr_fa("The settings file could not be used."),
                "pishkhan", optarg, err);
        return 2;
      }
      break;
    case OPT_DEMO:
      if (!demo) return no_demo();
      break;
    case OPT_KIOSK: opts->kiosk = true; break;
    case OPT_COUNTER: cfg->face = PK_FACE_COUNTER; break;
    case OPT_LOG_STDERR: cfg->log_stderr = true; break;
    case OPT_LANG:
      if (strcmp(optarg, "fa") && strcmp(optarg, "en")) {
        fprintf(stderr, "pishkhan: --lang takes fa or en\n");
        return 2;
      }
      snprintf(cfg->lang, sizeof cfg->lang, "%s", optarg);
      break;
    case 'h': usage(stdout, demo != NULL); return 1;
    case 'V': printf("pishkhan %s\n", PK_VERSION); return 1;
    default: usage(stderr, demo != NULL); return 2;
    }
  }
  if (optind < argc) {
    fprintf(stderr, "pishkhan: unexpected argument '%s'\n", argv[optind]);
    return 2;
  }
  return 0;
}

int ui_main(int argc, char **argv, const ui_demo_hooks *demo) {
  /* Before any thread: no core file or ptrace of a kiosk's memory. The demo keeps both, so
   * that a test can look at what it leaves behind. */
  if (pk_harden_process(demo != NULL) != 0) perror("pishkhan: hardening the process");
  /* A UTF-8 locale is needed for wide characters; C.UTF-8 exists on every Debian. */
  if (!setlocale(LC_ALL, "") || !strstr(setlocale(LC_CTYPE, NULL), "UTF-8")) setlocale(LC_ALL, "C.UTF-8");
  pk_i18n_init(NULL);
  if (argc >= 2 && !strcmp(argv[1], "receipt")) {
    if (argc >= 3 && !strcmp(argv[2], "verify")) {
      int rc = pk_receipt_verify_cli(argc - 2, argv + 2, pk_config_receipt_keys);
      pk_receipt_shutdown();
      pk_i18n_shutdown();
      return rc;
    }
    fprintf(stderr, "Usage: pishkhan receipt verify [--jwks FILE] (TOKEN | FILE.png | FILE.pdf)\n");
    return 2;
  }
  if (argc >= 2 && !strcmp(argv[1], "audit")) return pk_audit_cli(argc - 1, argv + 1);
  if (argc >= 2 && !strcmp(argv[1], "payments")) return pk_payments_cli(argc - 1, argv + 1);
  if (argc >= 2 && !strcmp(argv[1], "doctor")) return ui_doctor_main(argc - 1, argv + 1);
  if (argc >= 2 && !strcmp(argv[1], "queue")) {
    pk_log_open("pishkhan", true, PK_LOG_WARN);
    int rc = pk_queue_cli(argc - 1, argv + 1);
    pk_log_close();
    pk_i18n_shutdown();
    return rc;
  }
  pk_config cfg;
  pk_config_defaults(&cfg);
  ui_run_opts opts = {.demo = demo};
  int r = parse(argc, argv, &cfg, &opts, demo);
  if (r != 0) {
    pk_config_free(&cfg);
    return r == 1 ? 0 : r;
  }
  pk_i18n_set_lang(pk_lang_from_code(cfg.lang));
  pk_i18n_set_bidi_terminal(cfg.bidi == PK_BIDI_TERMINAL);
  pk_log_open("pishkhan", cfg.log_stderr, (pk_log_level)cfg.log_level);
  pk_log_set_kiosk_id(cfg.kiosk_id);
  r = ui_run(&cfg, &opts);
  pk_log_close();
  pk_config_free(&cfg);
  pk_receipt_shutdown();
  pk_i18n_shutdown();
  return r;
}
