/* An app over the fake backend and the test catalog (tests/core/catalog.json) in an in-memory
 * store, driven by keys as a terminal delivers them. Shared by the state machine's tests. */
#ifndef PK_TEST_APP_FIXTURE_H
#define PK_TEST_APP_FIXTURE_H
#include <stdint.h>

#include "fake_backend.h"
#include "pishkhan/app.h"
#include "pishkhan/catalog.h"

typedef struct {
  pk_config cfg;
  fake_backend fb;
  pk_catalog *cat;
  pk_app *app;
  uint64_t now;
} fixture;

/* cmocka setup/teardown: *state is a fixture with a fresh app, Persian on screen. */
int fx_setup(void **state);
int fx_teardown(void **state);
/* A new app (and fake backend) over the same catalog, as after a restart. */
void fx_fresh(fixture *f);
void fx_key(fixture *f, pk_key_code code, uint32_t cp);
/* Each code point of the UTF-8 text as one key press. */
void fx_type(fixture *f, const char *utf8);
/* Zahra's card and PIN: the session at the dashboard. */
void fx_login(fixture *f);

#endif
