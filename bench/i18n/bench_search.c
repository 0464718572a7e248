/* The kiosk's service search as it ships: pk_catalog_search over the simulator's full
 * generated catalog (5,240 services, loaded into the SQLite store the way a sync leaves it),
 * one search per keystroke while a citizen types each query, as the kiosk's search box
 * does (at most 200 results, like core/app_catalog.c). Goal: < 2 ms worst per keystroke. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../bench_clock.h"
#include "../../sim/window/sim_internal.h"
#include "pishkhan/catalog.h"

#define RESULTS_MAX 200
#define ROUNDS 5

/* What citizens type: Persian (some with Arabic yeh/kaf from an Arabic keyboard), English. */
static const char *k_queries[] = {"گواهی عدم بدهی مالیاتی", "گواهینامه رانندگی", "كارت ملي", "یارانه",
                                  "تمدید گذرنامه", "استعلام", "passport", "tax clearance"};
enum { NQUERIES = sizeof k_queries / sizeof k_queries[0] };

static pk_catalog *generated_catalog(void) {
  sim_catalog sc;
  if (sim_catalog_build(&sc, 0, 5240, 1) != 0) return NULL;
  char err[256] = "";
  pk_catalog *cat = pk_catalog_open(":memory:", NULL);
  if (cat && pk_catalog_replace_json(cat, sc.body, sc.body_len, sc.etag, err, sizeof err) != 0) {
    fprintf(stderr, "bench_search: %s\n", err);
    pk_catalog_close(cat);
    cat = NULL;
  }
  sim_catalog_free(&sc);
  return cat;
}

int main(void) {
  pk_catalog *cat = generated_catalog();
  if (!cat) return 1;
  static const pk_service *res[RESULTS_MAX];
  double total = 0, worst = 0;
  char worst_q[128] = "";
  int calls = 0;
  for (int round = 0; round < ROUNDS; round++) {
    for (int q = 0; q < NQUERIES; q++) {
      const char *query = k_queries[q];
      for (size_t len = 1; len <= strlen(query); len++) {
        if ((query[len] & 0xC0) == 0x80) continue; /* a keystroke ends on a whole character */
        char prefix[128];
        snprintf(prefix, sizeof prefix, "%.*s", (int)len, query);
        double t0 = bench_now_ms();
        pk_catalog_search(cat, prefix, res, RESULTS_MAX);
        double dt = bench_now_ms() - t0;
        total += dt, calls++;
        if (dt > worst) worst = dt, snprintf(worst_q, sizeof worst_q, "%s", prefix);
      }
    }
  }
  printf("pk_catalog_search over %zu services: %d queries (keystrokes of %d typed searches, %d rounds)\n",
         pk_catalog_service_count(cat), calls, NQUERIES, ROUNDS);
  printf("per query: mean %.3f ms, worst %.3f ms (query «%s»); goal < 2 ms worst: %s\n", total / calls,
         worst, worst_q, worst < 2.0 ? "met" : "NOT met");
  for (int q = 0; q < NQUERIES; q++) {
    double t0 = bench_now_ms();
    size_t n = pk_catalog_search(cat, k_queries[q], res, RESULTS_MAX);
    printf("  «%s»: %zu results in %.3f ms\n", k_queries[q], n, bench_now_ms() - t0);
  }
  pk_catalog_close(cat);
  return 0;
}
