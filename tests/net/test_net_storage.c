/* A catalog sync that fails on the kiosk's own disk says so (PK_NET_STORAGE, with the
 * store's message), not "offline" nor "protocol"; and it gives the disk back: the WAL the
 * failed write filled is truncated. The full disk is a real one: a 256 KiB tmpfs (root
 * only; skipped otherwise). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

typedef struct {
  bool done;
  pk_net_sync sync;
} ctx;

static void on_sync(const pk_net_sync *r, void *ud) {
  ctx *c = ud;
  c->sync = *r;
  c->done = true;
}

static long long file_size(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 ? (long long)st.st_size : 0;
}

typedef struct {
  char dir[32];
  bool mounted;
} disk;

/* The tmpfs is unmounted in teardown, so that a failed assertion does not leave it behind. */
static int mount_tiny_disk(void **state) {
  static disk d;
  memset(&d, 0, sizeof d);
  snprintf(d.dir, sizeof d.dir, "/tmp/pk-full-disk-XXXXXX");
  if (mkdtemp(d.dir)) d.mounted = geteuid() == 0 && mount("tmpfs", d.dir, "tmpfs", 0, "size=256k") == 0;
  *state = &d;
  return 0;
}

static int unmount_tiny_disk(void **state) {
  disk *d = *state;
  if (d->mounted) umount2(d->dir, MNT_DETACH);
  rmdir(d->dir);
  return 0;
}

static void test_full_disk_is_storage_and_frees_the_disk(void **state) {
  disk *d = *state;
  if (!d->mounted) skip();
  char db[64], wal[80];
  snprintf(db, sizeof db, "%s/catalog.db", d->dir);
  snprintf(wal, sizeof wal, "%s-wal", db);
  harness h;
  h_start(&h, NULL, true);
  pk_catalog *cat = pk_catalog_open(db, NULL);
  assert_non_null(cat);
  struct statvfs before, after;
  assert_int_equal(statvfs(d->dir, &before), 0);
  ctx c = {0};
  pk_net_catalog_sync(h.net, cat, on_sync, &c);
  h_run_until(&h, &c.done, 30000);
  assert_int_equal(c.sync.st.err, PK_NET_STORAGE);
  assert_string_equal(c.sync.st.code, "store_failed");
  if (!strstr(c.sync.st.detail, "full")) fail_msg("the store's own error is lost: \"%s\"", c.sync.st.detail);
  assert_int_equal(pk_catalog_version(cat), 0); /* nothing half-written */
  assert_int_equal(file_size(wal), 0);
  assert_int_equal(statvfs(d->dir, &after), 0);
  assert_true(after.f_bfree + 2 >= before.f_bfree);
  pk_catalog_close(cat);
  h_stop(&h);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_full_disk_is_storage_and_frees_the_disk, mount_tiny_disk,
                                    unmount_tiny_disk),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
