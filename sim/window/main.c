/* pishkhan-window-sim: the national window simulator as a program. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pishkhan/windowsim.h"

static volatile sig_atomic_t stop, cut, restore;
static void on_sig(int sig) {
  if (sig == SIGUSR1) cut = 1;
  else if (sig == SIGUSR2) restore = 1;
  else stop = 1;
}

/* Tests wait on these lines. */
static void say_reachable(pk_window_sim *s) {
  puts(pk_window_sim_reachable(s) ? "reachable" : "unreachable");
  fflush(stdout);
}

/* Signals are handled here, between waits, never inside a request. */
static void serve(pk_window_sim *s) {
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGINT), sigaddset(&block, SIGTERM), sigaddset(&block, SIGUSR1), sigaddset(&block, SIGUSR2);
  sigprocmask(SIG_BLOCK, &block, &old);
  struct sigaction sa = {.sa_handler = on_sig};
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL), sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGUSR1, &sa, NULL), sigaction(SIGUSR2, &sa, NULL);
  while (!stop) {
    sigsuspend(&old);
    if (cut || restore) {
      bool up = restore && !cut ? true : cut && !restore ? false : !pk_window_sim_reachable(s);
      cut = restore = 0;
      if (pk_window_sim_set_reachable(s, up) != 0)
        fprintf(stderr, "pishkhan-window-sim: cannot listen on port %d again\n", pk_window_sim_port(s));
      say_reachable(s);
    }
  }
}

static void usage(FILE *f) {
  fputs("Usage: pishkhan-window-sim [OPTIONS]\n"
        "Simulates the national smart government services window (/api/v1) over HTTPS.\n"
        "\n"
        "Network and TLS:\n"
        "  --bind ADDR            address to listen on (default 127.0.0.1)\n"
        "  --port N               port, 0 = ephemeral (default 8443); the chosen port is printed\n"
        "  --cert FILE            server certificate, PEM (required)\n"
        "  --key FILE             server private key, PEM (required)\n"
        "  --client-ca FILE       require kiosk client certificates issued by this CA (mutual TLS)\n"
        "State and data:\n"
        "  --db FILE              SQLite state file; requests and receipts persist (default :memory:)\n"
        "  --seed N               catalog generator seed (default 1404)\n"
        "  --services N           number of service cards (default 5240)\n"
        "  --card-ca FILE         card issuer CA bundle (PEM) for card authentication\n"
        "  --card-crl FILE        card issuer CRL (PEM)\n"
        "  --receipt-key FILE     EC P-256 key that signs receipts (default: a fresh key)\n"
        "  --enc-key FILE         EC P-256 key that queued (sealed) requests are encrypted to\n"
        "                         (default: a fresh key); published in the JWKS with \"use\":\"enc\"\n"
        "  --print-jwks           print the JWKS of --receipt-key (and --enc-key if given) and exit\n"
        "  --fees MODE            enforce: a fee service's request needs a paid invoice (invoice_id);\n"
        "                         off (default): fees are not required yet, a given invoice is checked\n"
        "  --provider-pos-db FILE the payment provider confirms a bank reference from the terminal's own\n"
        "                         record (pishkhan-pos-sim --db FILE), never from the kiosk\n"
        "  --max-queue-age-days N refuse sealed (queued) requests made more than N days ago (default 7)\n"
        "Authentication:\n"
        "  --token-ttl S          session lifetime in seconds (default 900)\n"
        "  --otp-ttl S            one-time code lifetime (default 120)\n"
        "  --otp-interval S       minimum seconds between two codes (default 60)\n"
        "  --otp-max N            codes per national code per hour (default 3)\n"
        "  --test-endpoints       enable /api/v1/test/otp and /api/v1/admin/{faults,stats,requests,provider}\n"
        "Fault injection (also PUT /api/v1/admin/faults with the same names in JSON):\n"
        "  --latency MS           add MS milliseconds before every answer\n"
        "  --error-ratio R        answer 503 to a share R (0..1) of requests\n"
        "  --drop-ratio R         close the connection without an answer for a share R\n"
        "  --truncate-ratio R     send half of the announced body, then close, for a share R\n"
        "  --drip MS              slow drip: send bodies 64 bytes at a time, MS apart\n"
        "  --after-commit         errors and drops on submits happen after the request is stored\n"
        "Other:\n"
        "  --offline              start unreachable: the port refuses connections, as a cut link\n"
        "                         would; SIGUSR1 cuts the link, SIGUSR2 restores it on the same port\n"
        "                         (each change prints \"reachable\" or \"unreachable\" on stdout)\n"
        "  --quiet                no request log on stderr (OTP codes are still logged)\n"
        "  -h, --help             this help\n",
        f);
}

int main(int argc, char **argv) {
  pk_window_sim_opts o;
  pk_window_sim_opts_defaults(&o);
  o.port = 8443;
  int print_jwks = 0;
  enum { O_BIND = 256, O_PORT, O_CERT, O_KEY, O_CCA, O_DB, O_SEED, O_SVC, O_CARDCA, O_CRL, O_RKEY, O_EKEY, O_QAGE, O_JWKS,
         O_TTL, O_OTTL, O_OINT, O_OMAX, O_TEST, O_LAT, O_ERR, O_DROP, O_TRUNC, O_DRIP, O_AFTER, O_OFFLINE, O_QUIET, O_FEES, O_PPOS };
  static const struct option lo[] = {
    {"bind", 1, 0, O_BIND}, {"port", 1, 0, O_PORT}, {"cert", 1, 0, O_CERT}, {"key", 1, 0, O_KEY},
    {"client-ca", 1, 0, O_CCA}, {"db", 1, 0, O_DB}, {"seed", 1, 0, O_SEED}, {"services", 1, 0, O_SVC},
    {"card-ca", 1, 0, O_CARDCA}, {"card-crl", 1, 0, O_CRL}, {"receipt-key", 1, 0, O_RKEY}, {"enc-key", 1, 0, O_EKEY},
    {"max-queue-age-days", 1, 0, O_QAGE},
    {"print-jwks", 0, 0, O_JWKS}, {"token-ttl", 1, 0, O_TTL}, {"otp-ttl", 1, 0, O_OTTL},
    {"otp-interval", 1, 0, O_OINT}, {"otp-max", 1, 0, O_OMAX}, {"test-endpoints", 0, 0, O_TEST},
    {"latency", 1, 0, O_LAT}, {"error-ratio", 1, 0, O_ERR}, {"drop-ratio", 1, 0, O_DROP},
    {"truncate-ratio", 1, 0, O_TRUNC}, {"drip", 1, 0, O_DRIP}, {"after-commit", 0, 0, O_AFTER},
    {"offline", 0, 0, O_OFFLINE}, {"quiet", 0, 0, O_QUIET}, {"fees", 1, 0, O_FEES}, {"provider-pos-db", 1, 0, O_PPOS}, {"help", 0, 0, 'h'}, {0, 0, 0, 0}};
  int c;
  while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
    switch (c) {
    case O_BIND: o.bind = optarg; break;
    case O_PORT: o.port = atoi(optarg); break;
    case O_CERT: o.tls_cert = optarg; break;
    case O_KEY: o.tls_key = optarg; break;
    case O_CCA: o.client_ca = optarg; break;
    case O_DB: o.db_path = optarg; break;
    case O_SEED: o.seed = (unsigned)strtoul(optarg, NULL, 10); break;
    case O_SVC: o.services = atoi(optarg); break;
    case O_CARDCA: o.card_issuer_ca = optarg; break;
    case O_CRL: o.card_crl = optarg; break;
    case O_RKEY: o.receipt_key = optarg; break;
    case O_EKEY: o.enc_key = optarg; break;
    case O_QAGE: o.max_queue_age_days = atoi(optarg); break;
    case O_JWKS: print_jwks = 1; break;
    case O_TTL: o.token_ttl_s = atoi(optarg); break;
    case O_OTTL: o.otp_ttl_s = atoi(optarg); break;
    case O_OINT: o.otp_resend_interval_s = atoi(optarg); break;
    case O_OMAX: o.otp_max_sends = atoi(optarg); break;
    case O_TEST: o.test_endpoints = true; break;
    case O_LAT: o.faults.latency_ms = atoi(optarg); break;
    case O_ERR: o.faults.error_ratio = atof(optarg); break;
    case O_DROP: o.faults.drop_ratio = atof(optarg); break;
    case O_TRUNC: o.faults.truncate_ratio = atof(optarg); break;
    case O_DRIP: o.faults.drip_ms = atoi(optarg); break;
    case O_AFTER: o.faults.after_commit = true; break;
    case O_OFFLINE: o.offline = true; break;
    case O_QUIET: o.quiet = true; break;
    case O_FEES:
      if (strcmp(optarg, "enforce") && strcmp(optarg, "off")) {
        fprintf(stderr, "pishkhan-window-sim: --fees is enforce or off\n");
        return 2;
      }
      o.fees_enforce = !strcmp(optarg, "enforce");
      break;
    case O_PPOS: snprintf(o.provider_pos_db, sizeof o.provider_pos_db, "%s", optarg); break;
    case 'h': usage(stdout); return 0;
    default: usage(stderr); return 2;
    }
  }
  if (print_jwks) {
    char *jwks = pk_window_sim_jwks(o.receipt_key, o.enc_key);
    if (!jwks) {
      fprintf(stderr, "pishkhan-window-sim: cannot read --receipt-key or --enc-key\n");
      return 1;
    }
    puts(jwks);
    free(jwks);
    return 0;
  }
  if (!o.tls_cert || !o.tls_key) {
    fprintf(stderr, "pishkhan-window-sim: --cert and --key are required (see --help)\n");
    return 2;
  }
  char *err = NULL;
  pk_window_sim *s = pk_window_sim_start(&o, &err);
  if (!s) {
    fprintf(stderr, "pishkhan-window-sim: %s\n", err ? err : "cannot start");
    free(err);
    return 1;
  }
  printf("listening on https://%s:%d/api/v1\n", o.bind, pk_window_sim_port(s));
  if (o.offline) say_reachable(s);
  fflush(stdout);
  serve(s);
  pk_window_sim_stop(s);
  return 0;
}
