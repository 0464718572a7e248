#include "fake_backend.h"

#include <stdio.h>
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

static void fb_submit(void *be, pk_app *app, unsigned gen, const char *service_id, const char *fields_json,
                      const char *ref) {
  fake_backend *f = be;
  f->submits++;
  f->last_gen = gen;
  snprintf(f->last_service, sizeof f->last_service, "%s", service_id);
  snprintf(f->last_fields, sizeof f->last_fields, "%s", fields_json);
  snprintf(f->last_ref, sizeof f->last_ref, "%s", ref);
  /* As the live backend: a new request is recorded, and its reference told, before it is sent. */
  if (!ref[0]) {
    snprintf(f->recorded_ref, sizeof f->recorded_ref, "Q%04d", f->submits);
    pk_app_submit_recorded(app, gen, f->recorded_ref);
  }
}

static void fb_track(void *be, pk_app *app, unsigned gen, const char *code) {
  fake_backend *f = be;
  (void)app;
  f->tracks++;
  f->last_gen = gen;
  snprintf(f->last_tracking, sizeof f->last_tracking, "%s", code);
}

static void fb_inbox(void *be, pk_app *app, unsigned gen) {
  (void)app;
  ((fake_backend *)be)->inboxes++;
  ((fake_backend *)be)->last_gen = gen;
}

static void fb_document(void *be, pk_app *app, unsigned gen, const char *kind) {
  (void)app, (void)kind;
  ((fake_backend *)be)->documents++;
  ((fake_backend *)be)->last_gen = gen;
}

static void fb_print(void *be, pk_app *app, unsigned gen, const char *jws) {
  (void)app, (void)jws;
  ((fake_backend *)be)->prints++;
  ((fake_backend *)be)->last_gen = gen;
}

static void fb_otp_request(void *be, pk_app *app, unsigned gen, const char *nc, const char *mobile) {
  fake_backend *f = be;
  (void)app;
  f->otp_requests++;
  f->last_gen = gen;
  snprintf(f->last_otp_target, sizeof f->last_otp_target, "%s %s", nc, mobile);
}

static void fb_otp_verify(void *be, pk_app *app, unsigned gen, pk_secret *code) {
  fake_backend *f = be;
  (void)app;
  f->otp_verifies++;
  f->last_gen = gen;
  size_t n = pk_secret_len(code);
  memcpy(f->last_pin, pk_secret_data(code), n < 15 ? n : 15);
  f->last_pin[n < 15 ? n : 15] = 0;
}

static void fb_pay(void *be, pk_app *app, unsigned gen, const char *service_id, long long amount) {
  fake_backend *f = be;
  (void)app;
  f->pays++;
  f->last_gen = gen;
  f->last_amount = amount;
  snprintf(f->last_service, sizeof f->last_service, "%s", service_id);
}

static void fb_pay_cash(void *be, pk_app *app, unsigned gen) {
  (void)app;
  (void)gen;
  ((fake_backend *)be)->pay_cashes++;
}

static void fb_pay_cancel(void *be, pk_app *app, unsigned gen) {
  (void)app;
  ((fake_backend *)be)->pay_cancels++;
  ((fake_backend *)be)->last_gen = gen;
}

static void fb_entities(void *be, pk_app *app, unsigned gen) {
  (void)app;
  ((fake_backend *)be)->entity_asks++;
  ((fake_backend *)be)->last_gen = gen;
}

static void fb_clerk_check(void *be, pk_app *app, unsigned gen) {
  (void)app;
  ((fake_backend *)be)->clerk_checks++;
  ((fake_backend *)be)->last_gen = gen;
}

static void fb_desk_audit(void *be, const char *kind, const char *clerk_id) {
  fake_backend *f = be;
  (void)clerk_id;
  size_t n = strlen(f->audit);
  snprintf(f->audit + n, sizeof f->audit - n, "%s%s", n ? " " : "", kind);
}

static void fb_shift_end(void *be, pk_app *app, const pk_app_shift *shift) {
  fake_backend *f = be;
  (void)app;
  f->shift_ends++;
  f->last_shift = *shift;
}

static void fb_level1(void *be, pk_app *app, unsigned gen, const char *nc, const char *birth) {
  fake_backend *f = be;
  (void)app;
  f->level1_asks++;
  f->last_gen = gen;
  snprintf(f->last_otp_target, sizeof f->last_otp_target, "%s %s", nc, birth);
}

const pk_backend_ops fake_backend_ops = {fb_open,     fb_login,       fb_close,      fb_cancel, fb_submit,
                                         fb_track,    fb_inbox,       fb_document,   fb_print,  fb_otp_request,
                                         fb_otp_verify, fb_pay,       fb_pay_cancel, fb_entities, fb_clerk_check,
                                         fb_desk_audit, fb_shift_end, fb_level1,   fb_pay_cash};
