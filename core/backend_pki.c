/* The card revocation list the kiosk trusts offline: kept in the data folder, replaced
 * whenever the link is up and the window has a newer one signed by the card issuer. Offline
 * sign-in is only as good as this list's age ([offline] crl_max_age_h, crl_hard_limit_h). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend_private.h"
#include "pishkhan/log.h"

#define PK_CRL_REFRESH_MS (6u * 3600u * 1000u)

/* Written whole or not at all: temp file, fsync, rename, fsync of the folder. */
int pk_be_write_atomic(const char *path, const void *data, size_t len, mode_t mode) {
  char tmp[PK_CFG_STR + 32];
  snprintf(tmp, sizeof tmp, "%s.new", path);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return -1;
  bool ok = write(fd, data, len) == (ssize_t)len && fsync(fd) == 0;
  ok = close(fd) == 0 && ok && rename(tmp, path) == 0;
  if (!ok) {
    unlink(tmp);
    return -1;
  }
  char dir[PK_CFG_STR + 32];
  snprintf(dir, sizeof dir, "%s", path);
  char *slash = strrchr(dir, '/');
  if (slash) *slash = 0;
  int dfd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    fsync(dfd);
    close(dfd);
  }
  return 0;
}

static int copy_file(const char *from, const char *to) {
  FILE *f = fopen(from, "rb");
  if (!f) return -1;
  uint8_t buf[1 << 16];
  size_t n = fread(buf, 1, sizeof buf, f);
  bool whole = feof(f);
  fclose(f);
  return whole ? pk_be_write_atomic(to, buf, n, 0644) : -1;
}

static void crl_fetched(const pk_net_blob *r, void *ud) {
  pk_backend *be = ud;
  be->crl_req = NULL;
  if (r->st.err != PK_NET_OK) {
    if (r->st.err != PK_NET_CANCELLED) pk_warn("CRL refresh: %s", pk_net_error_name(r->st.err));
    return;
  }
  long long got = pk_card_crl_accept(r->data, r->len, be->cfg->issuer_ca);
  long long have = pk_card_crl_issued(be->crl_path);
  if (got < 0) {
    pk_warn("CRL refresh: the window's list is not signed by the card issuer: kept the one we have");
  } else if (got > have && pk_be_write_atomic(be->crl_path, r->data, r->len, 0644) == 0) {
    pk_info("CRL refreshed: issued %lld s ago", (long long)time(NULL) - got);
    be->crl_fetched_ms = pk_now_ms();
  } else if (got <= have) {
    be->crl_fetched_ms = pk_now_ms();
  }
}

void pk_be_refresh_pki(pk_backend *be) {
  if (be->crl_req || !be->crl_path[0] || !pk_link_can_deliver(be->link)) return;
  if (be->crl_fetched_ms && pk_now_ms() - be->crl_fetched_ms < PK_CRL_REFRESH_MS) return;
  be->crl_req = pk_net_fetch_pki(be->net, "crl", crl_fetched, be);
}

/* The kiosk's own copy, seeded from the configured file (or a newer one already here): the
 * card layer always reads this one, replaced by rename, so a card job never sees half a file. */
void pk_be_open_pki(pk_backend *be) {
  char path[sizeof be->crl_path];
  snprintf(path, sizeof path, "%s/crl.pem", be->cfg->data_dir);
  long long mine = pk_card_crl_issued(path), theirs = pk_card_crl_issued(be->cfg->crl);
  if (theirs > mine && copy_file(be->cfg->crl, path) != 0) {
    pk_warn("CRL: cannot keep a copy in %s: using %s as it is", be->cfg->data_dir, be->cfg->crl);
    return;
  }
  if (pk_card_crl_issued(path) < 0) return;
  memcpy(be->crl_path, path, sizeof be->crl_path);
  be->trust.crl = be->crl_path;
}

void pk_be_close_pki(pk_backend *be) {
  pk_net_cancel(be->crl_req);
  be->crl_req = NULL;
}
