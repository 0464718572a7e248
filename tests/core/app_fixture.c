#include "app_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "pishkhan/i18n.h"

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  static char buf[16384];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  buf[n] = 0;
  fclose(f);
  return buf;
}

void fx_fresh(fixture *f) {
  if (f->app) pk_app_free(f->app);
  memset(&f->fb, 0, sizeof f->fb);
  f->app = pk_app_new(&f->cfg, &fake_backend_ops, &f->fb);
  pk_app_set_catalog(f->app, f->cat);
  f->now += 1000;
}

int fx_setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  pk_config_defaults(&f->cfg);
  char *err = NULL, msg[256];
  f->cat = pk_catalog_open(":memory:", &err);
  assert_non_null(f->cat);
  const char *json = slurp(PK_SOURCE_DIR "/tests/core/catalog.json");
  assert_int_equal(pk_catalog_replace_json(f->cat, json, strlen(json), "\"v7\"", msg, sizeof msg), 0);
  pk_i18n_set_lang(PK_LANG_FA);
  fx_fresh(f);
  *state = f;
  return 0;
}

int fx_teardown(void **state) {
  fixture *f = *state;
  pk_app_free(f->app);
  pk_catalog_close(f->cat);
  free(f);
  return 0;
}

void fx_key(fixture *f, pk_key_code code, uint32_t cp) {
  f->now += 100;
  pk_app_key(f->app, (pk_key){code, cp}, f->now);
}

void fx_type(fixture *f, const char *utf8) {
  const unsigned char *p = (const unsigned char *)utf8;
  while (*p) {
    int n = *p < 0x80 ? 1 : *p < 0xE0 ? 2 : *p < 0xF0 ? 3 : 4;
    uint32_t cp = n == 1 ? *p : (uint32_t)(*p & (0xFF >> (n + 1)));
    for (int i = 1; i < n; i++) cp = cp << 6 | (p[i] & 0x3F);
    p += n;
    fx_key(f, PK_KEY_CHAR, cp);
  }
}

void fx_login(fixture *f) {
  pk_app_card_inserted(f->app, "R", f->now);
  pk_citizen c = {.name_fa = "زهرا محمدی", .national_code = "0071234561"};
  pk_app_card_open_done(f->app, f->fb.last_gen, PK_CARDRES_OK, &c, 3);
  fx_type(f, "1234");
  fx_key(f, PK_KEY_ENTER, 0);
  pk_app_card_login_done(f->app, f->fb.last_gen, PK_CARDRES_OK, 3);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_DASHBOARD);
}
