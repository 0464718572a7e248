/* Authentication in the simulator: card challenge/response (level 3), OTP to the
 * registered mobile (level 2) with resend limits, bearer sessions with expiry, logout. */
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pishkhan/card.h"
#include "sim_internal.h"

#define CHALLENGE_TTL 120
#define OTP_MAX_ATTEMPTS 3
#define LEVEL1_MAX_MISSES 5

static const char *jstr(sim_req *r, const char *k) {
  const char *v = json_string_value(json_object_get(r->json, k));
  return v ? v : NULL;
}

static enum MHD_Result bad_json(pk_window_sim *s, sim_req *r) {
  return sim_problem(s, r, 400, "bad_request", "درخواست نامعتبر است.", "The request body is not valid JSON.", NULL);
}

void sim_mask_nc(const char *nc, char out[16]) {
  size_t n = strlen(nc);
  snprintf(out, 16, "******%s", n >= 4 ? nc + n - 4 : "");
}

static int new_session(pk_window_sim *s, const char *nc, const char *fa, const char *en, int level, char tok[64]) {
  sim_random_b64url(tok, 32);
  sqlite3_stmt *st;
  int rc = -1;
  if (sqlite3_prepare_v2(s->db, "INSERT INTO sessions(token,national_code,name_fa,name_en,level,expires_at)"
                                " VALUES(?,?,?,?,?,?)", -1, &st, NULL) != SQLITE_OK)
    return -1;
  sqlite3_bind_text(st, 1, tok, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, nc, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, fa, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, en, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 5, level);
  sqlite3_bind_int64(st, 6, (sqlite3_int64)sim_now(s) + s->opts.token_ttl_s);
  if (sqlite3_step(st) == SQLITE_DONE) rc = 0;
  sqlite3_finalize(st);
  return rc;
}

static enum MHD_Result session_answer(pk_window_sim *s, sim_req *r, const char *tok, const char *nc, int level,
                                      const char *fa, const char *en) {
  char m[16];
  sim_mask_nc(nc, m);
  return sim_send_json(s, r, 200,
                       json_pack("{s:s, s:s, s:i, s:i, s:{s:s, s:s, s:s}}", "token", tok, "token_type", "Bearer",
                                 "level", level, "expires_in", s->opts.token_ttl_s, "citizen",
                                 "national_code_masked", m, "name_fa", fa, "name_en", en),
                       0);
}

int sim_auth_bearer(pk_window_sim *s, sim_req *r, sim_session *out, enum MHD_Result *ret) {
  const char *h = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Authorization");
  if (!h || strncmp(h, "Bearer ", 7) || strlen(h + 7) >= sizeof out->token) {
    *ret = sim_problem(s, r, 401, "unauthorized", "ابتدا احراز هویت کنید.", "Authentication is required.", NULL);
    return -1;
  }
  memset(out, 0, sizeof *out);
  snprintf(out->token, sizeof out->token, "%s", h + 7);
  int found = 0, expired = 0;
  sqlite3_stmt *st;
  pthread_mutex_lock(&s->lock);
  if (sqlite3_prepare_v2(s->db, "SELECT national_code,name_fa,name_en,level,expires_at FROM sessions"
                                " WHERE token=? AND revoked=0", -1, &st, NULL) == SQLITE_OK) {
    sqlite3_bind_text(st, 1, out->token, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
      found = 1;
      snprintf(out->national_code, sizeof out->national_code, "%s", sqlite3_column_text(st, 0));
      snprintf(out->name_fa, sizeof out->name_fa, "%s", sqlite3_column_text(st, 1));
      snprintf(out->name_en, sizeof out->name_en, "%s", sqlite3_column_text(st, 2));
      out->level = sqlite3_column_int(st, 3);
      expired = sqlite3_column_int64(st, 4) <= (sqlite3_int64)sim_now(s);
    }
    sqlite3_finalize(st);
  }
  pthread_mutex_unlock(&s->lock);
  if (!found) {
    *ret = sim_problem(s, r, 401, "unauthorized", "نشست معتبر نیست؛ دوباره وارد شوید.",
                       "The session is not valid; sign in again.", NULL);
    return -1;
  }
  if (expired) {
    *ret = sim_problem(s, r, 401, "token_expired", "زمان نشست به پایان رسیده است؛ دوباره وارد شوید.",
                       "The session has expired; sign in again.", NULL);
    return -1;
  }
  return 0;
}

enum MHD_Result sim_h_challenge(pk_window_sim *s, sim_req *r) {
  if (!r->json) return bad_json(s, r);
  const char *kiosk = jstr(r, "kiosk_id");
  if (!kiosk || !*kiosk || strlen(kiosk) > 63)
    return sim_problem(s, r, 422, "validation_failed", "شناسه کیوسک نامعتبر است.", "kiosk_id is missing or invalid.",
                       "kiosk_id");
  if (s->mtls && strcmp(kiosk, r->kiosk_id))
    return sim_problem(s, r, 403, "kiosk_mismatch", "شناسه کیوسک با گواهی آن همخوانی ندارد.",
                       "kiosk_id does not match the client certificate.", "kiosk_id");
  char nonce[64];
  sim_random_b64url(nonce, 32);
  sqlite3_stmt *st;
  int ok = 0;
  pthread_mutex_lock(&s->lock);
  if (sqlite3_prepare_v2(s->db, "INSERT INTO challenges(nonce,kiosk_id,expires_at) VALUES(?,?,?)", -1, &st, NULL) ==
      SQLITE_OK) {
    sqlite3_bind_text(st, 1, nonce, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, kiosk, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)sim_now(s) + CHALLENGE_TTL);
    ok = sqlite3_step(st) == SQLITE_DONE;
    sqlite3_finalize(st);
  }
  pthread_mutex_unlock(&s->lock);
  if (!ok) return sim_problem(s, r, 500, "internal", "خطای داخلی سامانه.", "Internal error.", NULL);
  return sim_send_json(s, r, 200, json_pack("{s:s, s:i}", "nonce", nonce, "expires_in", CHALLENGE_TTL), 0);
}

/* Consumes the challenge; returns a problem code or NULL. */
static const char *take_challenge(pk_window_sim *s, const char *nonce, const char *kiosk) {
  const char *code = "challenge_unknown";
  sqlite3_stmt *st;
  pthread_mutex_lock(&s->lock);
  if (sqlite3_prepare_v2(s->db, "SELECT kiosk_id,expires_at,used FROM challenges WHERE nonce=?", -1, &st, NULL) ==
      SQLITE_OK) {
    sqlite3_bind_text(st, 1, nonce, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
      if (strcmp((const char *)sqlite3_column_text(st, 0), kiosk)) code = "challenge_kiosk_mismatch";
      else if (sqlite3_column_int(st, 2)) code = "challenge_used";
      else if (sqlite3_column_int64(st, 1) <= (sqlite3_int64)sim_now(s)) code = "challenge_expired";
      else code = NULL;
    }
    sqlite3_finalize(st);
  }
  if (sqlite3_prepare_v2(s->db, "UPDATE challenges SET used=1 WHERE nonce=?", -1, &st, NULL) == SQLITE_OK) {
    sqlite3_bind_text(st, 1, nonce, -1, SQLITE_STATIC);
    sqlite3_step(st);
    sqlite3_finalize(st);
  }
  pthread_mutex_unlock(&s->lock);
  return code;
}

enum MHD_Result sim_h_card(pk_window_sim *s, sim_req *r) {
  if (!r->json) return bad_json(s, r);
  const char *kiosk = jstr(r, "kiosk_id"), *nonce = jstr(r, "nonce"), *cert = jstr(r, "certificate"),
             *sig = jstr(r, "signature");
  if (!kiosk || !nonce || !cert || !sig || strlen(kiosk) > 63 || strlen(nonce) > 90)
    return sim_problem(s, r, 422, "validation_failed", "اطلاعات کارت ناقص است.",
                       "kiosk_id, nonce, certificate and signature are required.", NULL);
  if (s->mtls && strcmp(kiosk, r->kiosk_id))
    return sim_problem(s, r, 403, "kiosk_mismatch", "شناسه کیوسک با گواهی آن همخوانی ندارد.",
                       "kiosk_id does not match the client certificate.", "kiosk_id");
  if (!s->card_store)
    return sim_problem(s, r, 503, "card_auth_unavailable", "احراز هویت با کارت در دسترس نیست.",
                       "Card authentication is not configured.", NULL);
  const char *code = take_challenge(s, nonce, kiosk);
  if (code)
    return sim_problem(s, r, 401, code, "چالش احراز هویت نامعتبر یا منقضی است؛ دوباره تلاش کنید.",
                       "The authentication challenge is unknown, used or expired.", NULL);
  size_t der_len = 0, sig_len = 0, nl = 0;
  unsigned char *der = sim_b64_decode(cert, &der_len), *sg = sim_b64_decode(sig, &sig_len);
  unsigned char *nb = sim_b64_decode(nonce, &nl);
  /* The card's to-be-signed bytes, built by the card profile's own function (card.h). */
  unsigned char tbs[2 + 64 + 2 + 64];
  size_t tl = nb ? pk_card_challenge_tbs(nb, nl, kiosk, tbs, sizeof tbs) : 0;
  free(nb);
  char nc[16] = "", fa[128] = "", en[128] = "";
  const char *why = "card_certificate_invalid";
  int bad = !der || !sg || !tl || sim_card_verify(s, der, der_len, sg, sig_len, tbs, tl, nc, fa, en, &why) != 0;
  bool clerk_cert = !bad && pk_card_cert_has_policy(der, der_len, PK_CLERK_POLICY_OID);
  free(der);
  free(sg);
  if (bad) {
    const char *fam = !strcmp(why, "card_revoked") ? "کارت شما باطل شده است." :
                      !strcmp(why, "card_signature_invalid") ? "امضای کارت نامعتبر است." : "گواهی کارت معتبر نیست.";
    return sim_problem(s, r, 401, why, fam, "The card could not be verified.", NULL);
  }
  char tok[64];
  pthread_mutex_lock(&s->lock);
  int rc = new_session(s, nc, fa, en, 3, tok);
  char *sql = rc == 0 && clerk_cert ? sqlite3_mprintf("INSERT INTO clerk_cards VALUES(%Q)", tok) : NULL;
  if (sql && sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK) rc = -1;
  sqlite3_free(sql);
  pthread_mutex_unlock(&s->lock);
  if (rc) return sim_problem(s, r, 500, "internal", "خطای داخلی سامانه.", "Internal error.", NULL);
  return session_answer(s, r, tok, nc, 3, fa, en);
}

static int valid_mobile(const char *m) {
  if (!m || strlen(m) != 11 || strncmp(m, "09", 2)) return 0;
  for (int i = 0; i < 11; i++)
    if (m[i] < '0' || m[i] > '9') return 0;
  return 1;
}

static sqlite3_int64 scalar(pk_window_sim *s, const char *sql, const char *a, sqlite3_int64 b) {
  sqlite3_stmt *st;
  sqlite3_int64 v = -1;
  if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) return -1;
  sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, b);
  if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

enum MHD_Result sim_h_otp_request(pk_window_sim *s, sim_req *r) {
  if (!r->json) return bad_json(s, r);
  const char *nc = jstr(r, "national_code"), *mobile = jstr(r, "mobile");
  if (!sim_national_code_valid(nc))
    return sim_problem(s, r, 422, "validation_failed", "کد ملی نامعتبر است.", "The national code is not valid.",
                       "national_code");
  if (!valid_mobile(mobile))
    return sim_problem(s, r, 422, "validation_failed", "شماره همراه نامعتبر است.", "The mobile number is not valid.",
                       "mobile");
  time_t now = sim_now(s);
  enum { OK, MISMATCH, TOO_SOON, LIMIT, FAIL } verdict = OK;
  sqlite3_int64 wait = 0, sent = 0;
  char otp_id[64], code[8];
  pthread_mutex_lock(&s->lock);
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db, "SELECT mobile FROM citizens WHERE national_code=?", -1, &st, NULL) == SQLITE_OK) {
    sqlite3_bind_text(st, 1, nc, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(st, 0), mobile)) verdict = MISMATCH;
    sqlite3_finalize(st);
  }
  if (verdict == OK) {
    sent = scalar(s, "SELECT count(*) FROM otps WHERE national_code=? AND created_at>?", nc, now - 3600);
    sqlite3_int64 last = scalar(s, "SELECT coalesce(max(created_at),0) FROM otps WHERE national_code=? AND ?>=0", nc, 0);
    if (sent >= s->opts.otp_max_sends) {
      verdict = LIMIT;
      wait = 3600;
    } else if (last && now - last < s->opts.otp_resend_interval_s) {
      verdict = TOO_SOON;
      wait = s->opts.otp_resend_interval_s - (now - last);
    }
  }
  if (verdict == OK) {
    sim_random_b64url(otp_id, 16);
    unsigned v;
    RAND_bytes((unsigned char *)&v, sizeof v);
    snprintf(code, sizeof code, "%06u", v % 1000000u);
    char *e = NULL;
    char *sql = sqlite3_mprintf("INSERT OR IGNORE INTO citizens VALUES(%Q,%Q);"
                                "INSERT INTO otps(otp_id,national_code,mobile,code,created_at,expires_at)"
                                " VALUES(%Q,%Q,%Q,%Q,%lld,%lld);",
                                nc, mobile, otp_id, nc, mobile, code, (long long)now,
                                (long long)now + s->opts.otp_ttl_s);
    if (sqlite3_exec(s->db, sql, NULL, NULL, &e) != SQLITE_OK) verdict = FAIL;
    sqlite3_free(sql);
    sqlite3_free(e);
  }
  pthread_mutex_unlock(&s->lock);
  char m[16];
  sim_mask_nc(nc, m);
  switch (verdict) {
  case MISMATCH:
    return sim_problem(s, r, 403, "mobile_not_registered", "این شماره همراه به نام دارنده این کد ملی ثبت نشده است.",
                       "This mobile number is not registered to this national code.", "mobile");
  case TOO_SOON:
  case LIMIT: {
    char en[128];
    snprintf(en, sizeof en, "Too many codes requested; try again in %lld seconds.", (long long)wait);
    enum MHD_Result ret = sim_problem(s, r, 429, verdict == LIMIT ? "otp_rate_limited" : "otp_resend_too_soon",
                                      "درخواست کد بیش از حد مجاز است؛ کمی بعد دوباره تلاش کنید.", en, NULL);
    return ret;
  }
  case FAIL: return sim_problem(s, r, 500, "internal", "خطای داخلی سامانه.", "Internal error.", NULL);
  case OK: break;
  }
  /* The simulator's stand-in for the SMS gateway: the code goes to its log. */
  fprintf(stderr, "window-sim: OTP for %s (otp_id %s) is %s\n", m, otp_id, code);
  char mm[16];
  snprintf(mm, sizeof mm, "09*****%s", mobile + 7);
  return sim_send_json(s, r, 200,
                       json_pack("{s:s, s:i, s:i, s:i, s:s}", "otp_id", otp_id, "expires_in", s->opts.otp_ttl_s,
                                 "resend_after", s->opts.otp_resend_interval_s, "resends_left",
                                 (int)(s->opts.otp_max_sends - sent - 1), "mobile_masked", mm),
                       0);
}

enum MHD_Result sim_h_otp_verify(pk_window_sim *s, sim_req *r) {
  if (!r->json) return bad_json(s, r);
  const char *id = jstr(r, "otp_id"), *code = jstr(r, "code");
  if (!id || !code || strlen(id) > 63 || strlen(code) > 12)
    return sim_problem(s, r, 422, "validation_failed", "کد تایید را وارد کنید.", "otp_id and code are required.",
                       "code");
  const char *verdict = "otp_unknown";
  char nc[16] = "", tok[64];
  pthread_mutex_lock(&s->lock);
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db, "SELECT national_code,code,expires_at,attempts,used FROM otps WHERE otp_id=?", -1,
                         &st, NULL) == SQLITE_OK) {
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
      snprintf(nc, sizeof nc, "%s", sqlite3_column_text(st, 0));
      if (sqlite3_column_int(st, 4)) verdict = "otp_used";
      else if (sqlite3_column_int(st, 3) >= OTP_MAX_ATTEMPTS) verdict = "otp_locked";
      else if (sqlite3_column_int64(st, 2) <= (sqlite3_int64)sim_now(s)) verdict = "otp_expired";
      else if (strcmp((const char *)sqlite3_column_text(st, 1), code)) verdict = "otp_invalid";
      else verdict = NULL;
    }
    sqlite3_finalize(st);
  }
  char *sql = sqlite3_mprintf(verdict ? "UPDATE otps SET attempts=attempts+1 WHERE otp_id=%Q"
                                      : "UPDATE otps SET used=1 WHERE otp_id=%Q", id);
  sqlite3_exec(s->db, sql, NULL, NULL, NULL);
  sqlite3_free(sql);
  int rc = verdict ? 0 : new_session(s, nc, "", "", 2, tok);
  pthread_mutex_unlock(&s->lock);
  if (verdict) {
    const char *fa = !strcmp(verdict, "otp_invalid") ? "کد تایید نادرست است." :
                     !strcmp(verdict, "otp_expired") ? "کد تایید منقضی شده است؛ کد تازه بخواهید." :
                     !strcmp(verdict, "otp_locked") ? "تعداد تلاش‌ها بیش از حد مجاز است؛ کد تازه بخواهید." :
                     "کد تایید معتبر نیست؛ کد تازه بخواهید.";
    return sim_problem(s, r, 401, verdict, fa, "The verification code was not accepted.", "code");
  }
  if (rc) return sim_problem(s, r, 500, "internal", "خطای داخلی سامانه.", "Internal error.", NULL);
  return session_answer(s, r, tok, nc, 2, "", "");
}

enum MHD_Result sim_h_logout(pk_window_sim *s, sim_req *r) {
  sim_session ses;
  enum MHD_Result ret;
  if (sim_auth_bearer(s, r, &ses, &ret)) return ret;
  pthread_mutex_lock(&s->lock);
  char *sql = sqlite3_mprintf("UPDATE sessions SET revoked=1 WHERE token=%Q", ses.token);
  sqlite3_exec(s->db, sql, NULL, NULL, NULL);
  sqlite3_free(sql);
  pthread_mutex_unlock(&s->lock);
  return sim_send_raw(s, r, 204, NULL, "", 0, 1, NULL);
}

enum MHD_Result sim_h_test_otp(pk_window_sim *s, sim_req *r) {
  const char *id = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "otp_id");
  char code[8];
  if (!id || pk_window_sim_last_otp(s, id, code))
    return sim_problem(s, r, 404, "not_found", "کد یافت نشد.", "No such OTP.", "otp_id");
  return sim_send_json(s, r, 200, json_pack("{s:s, s:s}", "otp_id", id, "code", code), 0);
}

/* Level 1: what a person knows of their own registry entry. One code for an unknown person
 * and a wrong date, so that the answer tells nobody who is registered. */
enum MHD_Result sim_h_level1(pk_window_sim *s, sim_req *r) {
  if (!r->json) return bad_json(s, r);
  const char *nc = jstr(r, "national_code"), *birth = jstr(r, "birth_date");
  if (!sim_national_code_valid(nc))
    return sim_problem(s, r, 422, "validation_failed", "کد ملی نامعتبر است.", "The national code is not valid.",
                       "national_code");
  if (!birth || strlen(birth) != 10 || birth[4] != '-' || birth[7] != '-' || strspn(birth, "0123456789-") != 10)
    return sim_problem(s, r, 422, "validation_failed", "تاریخ تولد را به شکل ۱۳۷۰-۰۵-۱۲ وارد کنید.",
                       "birth_date must be a Jalali date YYYY-MM-DD.", "birth_date");
  const sim_person *p = sim_person_find(nc);
  bool match = p && !strcmp(p->birth_date, birth);
  char tok[64];
  time_t now = sim_now(s);
  pthread_mutex_lock(&s->lock);
  /* A birth date is one of some 36,500: a few wrong tries per code and hour, then none. */
  bool locked = scalar(s, "SELECT count(*) FROM level1_misses WHERE national_code=? AND at>?", nc, now - 3600) >=
                LEVEL1_MAX_MISSES;
  char *sql = !locked && !match ? sqlite3_mprintf("INSERT INTO level1_misses VALUES(%Q,%lld)", nc, (long long)now)
                                : NULL;
  if (sql) sqlite3_exec(s->db, sql, NULL, NULL, NULL);
  sqlite3_free(sql);
  int rc = !locked && match ? new_session(s, nc, "", "", 1, tok) : 0;
  pthread_mutex_unlock(&s->lock);
  if (locked)
    return sim_problem(s, r, 429, "level1_rate_limited", "تلاش‌های نادرست بیش از حد مجاز است؛ یک ساعت دیگر تلاش کنید.",
                       "Too many wrong tries for this national code; try again in an hour.", NULL);
  if (!match)
    return sim_problem(s, r, 401, "level1_mismatch", "کد ملی و تاریخ تولد با ثبت احوال همخوانی ندارد.",
                       "The national code and birth date do not match the civil registry.", NULL);
  if (rc) return sim_problem(s, r, 500, "internal", "خطای داخلی سامانه.", "Internal error.", NULL);
  return session_answer(s, r, tok, nc, 1, "", "");
}
