#include "fake_backend.h"

#include <string.h>

static void fb_open(void *be, pk_app *app, unsigned gen) {
  fake_backend *f = be;
  (void)app;
  f->opens++;
  f->last_gen = gen;
}

static void fb_login(void *be, pk_app *app, unsigned gen, pk_secret *pin) {
  fake_backend *f = be;
  (void)app;
  f->logins++;
  f->last_gen = gen;
  size_t n = pk_secret_len(pin);
  memcpy(f->last_pin, pk_secret_data(pin), n < 15 ? n : 15);
  f->last_pin[n < 15 ? n : 15] = 0;
}

static void fb_close(void *be) { ((fake_backend *)be)->closes++; }
static void fb_cancel(void *be) { ((fake_backend *)be)->cancels++; }

const pk_backend_ops fake_backend_ops = {fb_open, fb_login, fb_close, fb_cancel};
