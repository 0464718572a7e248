/* Test tool for the independent checks (independent.sh): canonical JSON of each input line, a
 * sealed request with its window key, and a bundle signed by the build's device key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pishkhan/secret.h"
#include "fixture.h"

static int write_text(const char *dir, const char *name, const char *text, size_t n) {
  char path[600];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(text, 1, n, f) != n) return 1;
  return fclose(f) != 0;
}

/* One canonical form per input line; "!" for a line refused. */
static int jcs_lines(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) return 1;
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  while ((n = getline(&line, &cap, f)) > 0) {
    if (line[n - 1] == '\n') line[--n] = '\0';
    char *c = pk_jcs(line, (size_t)n);
    printf("%s\n", c ? c : "!");
    free(c);
  }
  free(line);
  fclose(f);
  return 0;
}

static const char FIELDS[] = "{\"first_name\":\"زهرا\",\"last_name\":\"Farahani\",\"mobile\":\"09121234567\"}";

static int seal(const char *dir) {
  char *jwks = NULL, *priv = fx_window_key(&jwks);
  char base[256];
  fx_tmpdir(base, sizeof base);
  char db[300], err[256];
  snprintf(db, sizeof db, "%s/o.db", base);
  pk_outbox *ob = pk_outbox_open(db, NULL, err, sizeof err);
  pk_outbox_row row;
  fx_row(ob, &row, "svc.passport", (int64_t)time(NULL));
  char *jwe = fx_seal(jwks, &row, "0073649181", FIELDS);
  size_t n = 0;
  uint8_t *plain = jwe ? pk_unseal(priv, jwe, &n, err, sizeof err) : NULL;
  int rc = !plain || write_text(dir, "priv.jwk", priv, strlen(priv)) || write_text(dir, "jwks.json", jwks, strlen(jwks)) ||
           write_text(dir, "sealed.jwe", jwe, strlen(jwe)) || write_text(dir, "plain.json", (char *)plain, n);
  pk_free_wiped(plain);
  free(jwe), free(jwks), free(priv);
  pk_outbox_close(ob);
  fx_rm_rf(base);
  return rc;
}

/* bundle DIR PEM KID: two sealed rows exported to DIR; prints the bundle's path. */
static int bundle(const char *dir, const char *pem, const char *kid) {
  char *jwks = NULL, *priv = fx_window_key(&jwks);
  char db[600], err[256], path[700];
  snprintf(db, sizeof db, "%s/o.db", dir);
  pk_outbox *ob = pk_outbox_open(db, NULL, err, sizeof err);
  int rc = !ob || write_text(dir, "priv.jwk", priv, strlen(priv));
  for (int i = 0; !rc && i < 2; i++) {
    pk_outbox_row row;
    fx_row(ob, &row, "svc.passport", (int64_t)time(NULL));
    char *jwe = fx_seal(jwks, &row, "0073649181", FIELDS);
    rc = pk_outbox_insert(ob, &row, jwe, err, sizeof err) != 0;
    free(jwe);
  }
  size_t count = 0;
  if (!rc) rc = pk_outbox_export(ob, dir, pem, kid, "kiosk-7", (int64_t)time(NULL), 86400, path, sizeof path, &count,
                                 err, sizeof err) != 0 || count != 2;
  if (rc) fprintf(stderr, "bundle: %s\n", err);
  else printf("%s\n", path);
  pk_outbox_close(ob);
  free(jwks), free(priv);
  return rc;
}

static int count_cb(void *ud, const pk_outbox_row *meta, const char *sealed) {
  (void)meta, (void)sealed;
  ++*(size_t *)ud;
  return 0;
}

/* import FILE JWKS_FILE: imports into a fresh store, prints the number of envelopes forwarded. */
static int import(const char *file, const char *jwks_file) {
  char base[256], db[300], err[256];
  fx_tmpdir(base, sizeof base);
  snprintf(db, sizeof db, "%s/o.db", base);
  pk_outbox *ob = pk_outbox_open(db, NULL, err, sizeof err);
  char *jwks = fx_read(jwks_file, NULL);
  size_t count = 0, got = 0;
  int rc = ob && jwks ? pk_outbox_import(ob, file, jwks, (int64_t)time(NULL), count_cb, &got, &count, err, sizeof err)
                      : -1;
  if (rc) fprintf(stderr, "import: %s\n", err);
  else printf("%zu\n", got);
  pk_outbox_close(ob);
  free(jwks);
  fx_rm_rf(base);
  return rc != 0;
}

int main(int argc, char **argv) {
  if (argc == 4 && strcmp(argv[1], "import") == 0) return import(argv[2], argv[3]);
  if (argc == 3 && strcmp(argv[1], "jcs-lines") == 0) return jcs_lines(argv[2]);
  if (argc == 3 && strcmp(argv[1], "seal") == 0) return seal(argv[2]);
  if (argc == 5 && strcmp(argv[1], "bundle") == 0) return bundle(argv[2], argv[3], argv[4]);
  fprintf(stderr, "usage: t_outbox_tool jcs-lines FILE | seal DIR | bundle DIR KEY.pem KID | import FILE JWKS\n");
  return 2;
}
