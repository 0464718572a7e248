/* Card insertion -> verified identity through pcscd + vpcd + pishkhan-vcard, against the
 * bare round trips of the very same APDUs sent by scriptor (pcsc-tools).
 * Re-executes itself in a private namespace (tests/cardreader/pcsc-ns.sh), so it neither
 * needs nor disturbs a system pcscd. Prints APDUs, bytes, times and the ratio. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../bench_clock.h"
#include "../../tests/cardreader/pcsc_harness.h"
#include "pishkhan/card.h"

#define PKI PK_BINARY_DIR "/pki/card"
#define ROUNDS 20
#define SCRIPTOR_REPS 300

static const pk_card_trust trust = {.issuer_ca = PKI "/ca.crt.pem", .crl = PKI "/crl.pem"};

/* A transport wrapper that records every command APDU in scriptor's text format. */
typedef struct {
  pk_transport *inner;
  char script[8192];
  size_t len;
  double apdu_ms; /* time inside raw transmit */
} recorder;

static int rec_transmit(pk_transport *t, const uint8_t *a, size_t n, uint8_t *r, size_t *rl) {
  recorder *rc = pk_transport_impl(t);
  for (size_t i = 0; i < n && rc->len + 4 < sizeof rc->script; i++)
    rc->len += (size_t)snprintf(rc->script + rc->len, sizeof rc->script - rc->len, i ? " %02X" : "%02X", a[i]);
  if (rc->len + 2 < sizeof rc->script) rc->script[rc->len++] = '\n';
  rc->script[rc->len] = 0;
  double t0 = bench_now_ms();
  int ret = pk_transport_transmit(rc->inner, a, n, r, rl);
  rc->apdu_ms += bench_now_ms() - t0;
  return ret;
}
static int rec_begin(pk_transport *t) { return pk_transport_begin(((recorder *)pk_transport_impl(t))->inner); }
static int rec_end(pk_transport *t) { return pk_transport_end(((recorder *)pk_transport_impl(t))->inner); }
static const uint8_t *rec_atr(pk_transport *t, size_t *len) {
  return pk_transport_atr(((recorder *)pk_transport_impl(t))->inner, len);
}
static const pk_transport_ops rec_ops = {.transmit = rec_transmit, .begin = rec_begin, .end = rec_end, .atr = rec_atr};

/* One session: connect, select, read and verify. Returns ms, or -1. */
static double session(recorder *rec, pk_transport_stats *st) {
  double t0 = bench_now_ms();
  long err;
  pk_transport *pc = pk_transport_pcsc_open(H_READER, &err);
  if (!pc) return -1;
  pk_transport *t = pc;
  if (rec) {
    rec->inner = pc;
    rec->len = 0;
    rec->apdu_ms = 0;
    t = pk_transport_new(&rec_ops, rec);
  }
  pk_card_status s;
  pk_card *c = pk_card_open(t, &trust, &s);
  pk_identity id;
  s = c ? pk_card_read_identity(c, &id) : s;
  double ms = bench_now_ms() - t0;
  if (st) pk_transport_get_stats(t, st);
  pk_card_close(c);
  if (rec) pk_transport_free(t);
  pk_transport_free(pc);
  return s == PK_CARD_OK ? ms : -1;
}

/* Wall time of scriptor sending `reps` copies of the script. */
static double scriptor_ms(const char *dir, const char *script, int reps) {
  char path[300], cmd[600];
  snprintf(path, sizeof path, "%s/bench.script", dir);
  FILE *f = fopen(path, "w");
  if (!f) return -1;
  for (int i = 0; i < reps; i++) fputs(script, f);
  fclose(f);
  snprintf(cmd, sizeof cmd, "scriptor -r '%s' '%s' >/dev/null 2>&1", H_READER, path);
  uint64_t t0 = pk_now_ms();
  if (system(cmd) != 0) return -1;
  return (double)(pk_now_ms() - t0);
}

static int bench(void) {
  harness h;
  if (h_setup(&h) < 0) {
    fprintf(stderr, "bench_card: pcscd did not start\n");
    return 1;
  }
  h_events e;
  h_events_init(&e);
  pk_card_monitor *m = pk_card_monitor_start(pk_loop_sink, e.loop, H_READER);
  if (h_vcard_start(&h, "citizen", true, NULL) < 0) return 1;
  h_wait_event(&e, PK_EV_CARD_INSERTED, 3000, NULL);

  /* insertion -> inserted event -> verified identity, several cycles */
  double detect = 0, read = 0;
  int cycles = 5;
  for (int i = 0; i < cycles; i++) {
    h_vcard_control(&h, "remove");
    h_wait_event(&e, PK_EV_CARD_REMOVED, 3000, NULL);
    uint64_t t0 = pk_now_ms();
    h_vcard_control(&h, "insert");
    if (!h_wait_event(&e, PK_EV_CARD_INSERTED, 3000, NULL)) return 1;
    uint64_t t1 = pk_now_ms();
    double ms = session(NULL, NULL);
    if (ms < 0) return 1;
    detect += (double)(t1 - t0);
    read += ms;
  }
  pk_card_monitor_stop(m);

  recorder rec = {0};
  pk_transport_stats st;
  if (session(&rec, &st) < 0) return 1;
  double ours = 0, apdus = 0;
  for (int i = 0; i < ROUNDS; i++) {
    ours += session(&rec, NULL);
    apdus += rec.apdu_ms;
  }
  ours /= ROUNDS;
  apdus /= ROUNDS;
  /* scriptor's own start-up cancels out between 1 and 1+ROUNDS copies */
  double s1 = 1e9, sn = 1e9;
  for (int i = 0; i < 3; i++) { /* best of 3: perl's start-up is noisy */
    double a = scriptor_ms(h.dir, rec.script, 1), b = scriptor_ms(h.dir, rec.script, 1 + SCRIPTOR_REPS);
    s1 = a < s1 ? a : s1;
    sn = b < sn ? b : sn;
  }
  double bare = (sn - s1) / SCRIPTOR_REPS;

  printf("card: APDUs per identity read      %lu (%lu bytes out, %lu bytes in)\n", st.apdus, st.bytes_out, st.bytes_in);
  printf("card: insertion -> event (pcscd)   %.1f ms (mean of %d; vpcd presence poll)\n", detect / cycles, cycles);
  printf("card: event -> verified identity   %.1f ms (mean of %d)\n", read / cycles, cycles);
  printf("card: session, pishkhan            %.2f ms (connect + APDUs + SOD/cert/CRL checks + reset, mean of %d)\n", ours, ROUNDS);
  printf("card:   of which APDU round trips  %.2f ms (through our APDU layer and pcsc transport)\n", apdus);
  printf("card: same APDUs, bare (scriptor)  %.2f ms (round trips only, (T%d - T1)/%d)\n", bare, 1 + SCRIPTOR_REPS, SCRIPTOR_REPS);
  printf("card: ratio APDU time/bare         %.2fx (target <= 1.2x)\n", bare > 0 ? apdus / bare : 0.0);
  printf("card: ratio whole session/bare     %.2fx (adds connect, verification, reset)\n", bare > 0 ? ours / bare : 0.0);
  h_vcard_stop(&h);
  h_events_free(&e);
  h_teardown(&h);
  return 0;
}

int main(int argc, char **argv) {
  (void)argc;
  if (!getenv("PK_IN_PCSC_NS")) {
    char *args[] = {PK_SOURCE_DIR "/tests/cardreader/pcsc-ns.sh", argv[0], NULL};
    execv(args[0], args);
    perror("pcsc-ns.sh");
    return 1;
  }
  return bench();
}
