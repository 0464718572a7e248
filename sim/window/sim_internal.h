/* Internals of the national window simulator (not installed). */
#ifndef PK_SIM_INTERNAL_H
#define PK_SIM_INTERNAL_H
#include <jansson.h>
#include <microhttpd.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "pishkhan/windowsim.h"

/* ---- catalog material (catalog_data.c) ---- */
typedef enum {
  SIM_FORM_BASIC, SIM_FORM_TAX, SIM_FORM_VEHICLE, SIM_FORM_PAYMENT, SIM_FORM_BANK, SIM_FORM_FAMILY,
  SIM_FORM_STUDENT, SIM_FORM_CUSTOMS, SIM_FORM_JUDICIAL, SIM_FORM_IDCARD, SIM_FORM_LICENSE,
  SIM_FORM_PROPERTY, SIM_FORM_COMPANY, SIM_FORM_ADDRESS,
} sim_form_kind;

typedef struct { const char *id, *fa, *en; } sim_agency_def;
typedef struct { const char *agency, *fa, *en; int level; sim_form_kind form; int proactive; } sim_flagship_def;
typedef struct { const char *agency; char kind; const char *fa, *en; sim_form_kind form; } sim_subject_def;
typedef struct { const char *fa, *en; } sim_verb_def;

extern const sim_agency_def sim_agencies[];
extern const size_t sim_nagencies;
extern const sim_flagship_def sim_flagships[];
extern const size_t sim_nflagships;
extern const sim_subject_def sim_subjects[];
extern const size_t sim_nsubjects;
extern const sim_verb_def sim_verbs_d[], sim_verbs_r[], sim_verbs_q[], sim_verbs_l[];
extern const size_t sim_nverbs;
extern const sim_verb_def sim_qualifiers[];
extern const size_t sim_nqualifiers;
extern const sim_verb_def sim_documents[];
extern const size_t sim_ndocuments;
extern const sim_verb_def sim_provinces[]; /* {id, fa} */
extern const size_t sim_nprovinces;

/* ---- generated catalog (catalog_gen.c) ---- */
typedef struct sim_catalog {
  long version;
  char etag[48];
  char *body;            /* GET /catalog answer */
  size_t body_len;
  unsigned char *gz;     /* the same, gzip-compressed */
  size_t gz_len;
  json_t *by_id;         /* service id -> service object (borrowed from root) */
  json_t *root;
} sim_catalog;

/* Deterministic for (seed, nservices). Returns 0 or -1. */
int sim_catalog_build(sim_catalog *c, unsigned seed, int nservices, long version);
void sim_catalog_free(sim_catalog *c);
/* Validates a submitted fields object against the service form. 0 = ok; else fills the
 * offending field name and a reason code. */
int sim_form_validate(const json_t *service, const json_t *fields, const char **bad_field,
                      const char **reason);
int sim_national_code_valid(const char *s);

/* ---- the server ---- */
typedef struct sim_sessions sim_sessions;

struct pk_window_sim {
  struct MHD_Daemon *daemon;           /* NULL while unreachable */
  pthread_mutex_t daemon_lock;          /* guards daemon (pk_window_sim_set_reachable) */
  int port;
  pk_window_sim_opts opts;
  char *tls_cert, *tls_key, *client_ca; /* PEM contents (MHD keeps pointers) */
  pthread_mutex_t lock;                 /* guards db, faults, rng */
  sqlite3 *db;
  sim_catalog cat;
  pk_window_sim_faults faults;
  uint64_t rng;
  X509_STORE *card_store;               /* issuer CA */
  X509_CRL *card_crl;                   /* its revocations, judged by date (card.c) */
  char *card_ca_pem, *card_crl_pem;     /* the same as files, published for offline checks */
  EVP_PKEY *receipt_key;
  char receipt_kid[64];
  EVP_PKEY *enc_key;                    /* sealed requests are encrypted to it (ECDH-ES+A256KW) */
  char enc_kid[16];
  json_t *enc_jwk;                      /* the same as a private JWK, for libjose */
  char *jwks;                           /* JSON text */
  int mtls;
  char **inflight;                      /* idempotency keys of submits being handled (under lock) */
  size_t ninflight, capinflight;
  _Atomic long faulted_answers;        /* answers made then lost to an injected fault (tests) */
  _Atomic long clock_offset_s;          /* tests: how far the window's clock was moved on (no lock:
                                           read under s->lock too) */
};

/* The window's clock for sessions, challenges and one-time codes. */
time_t sim_now(pk_window_sim *s);

/* Random helpers (under s->lock or thread-local use). */
uint64_t sim_rand(pk_window_sim *s);
double sim_rand01(pk_window_sim *s);
void sim_random_b64url(char *out, size_t nbytes); /* OpenSSL RAND; out >= 4*nbytes/3+2 */

/* A whole file as a NUL-terminated string (malloc'd), or NULL. */
char *sim_slurp(const char *path);

/* ---- responses (http.c) ---- */
typedef struct sim_req {
  struct MHD_Connection *conn;
  const char *method, *url;
  char *body;
  size_t body_len;
  int too_big;
  json_t *json;            /* parsed body when JSON */
  char kiosk_id[64];       /* from the client certificate CN (mTLS) or "" */
} sim_req;

enum MHD_Result sim_send_json(pk_window_sim *s, sim_req *r, unsigned status, json_t *body, int gz_ok);
enum MHD_Result sim_send_raw(pk_window_sim *s, sim_req *r, unsigned status, const char *ctype,
                             const void *data, size_t len, int copy, const char *etag);
enum MHD_Result sim_send_gz(pk_window_sim *s, sim_req *r, unsigned status, const char *ctype, const void *data,
                            size_t len, const char *etag);
enum MHD_Result sim_problem(pk_window_sim *s, sim_req *r, unsigned status, const char *code,
                            const char *fa, const char *en, const char *field);

/* ---- db.c ---- */
int sim_db_open(pk_window_sim *s, const char *path, char **err);
void sim_db_close(pk_window_sim *s);

/* ---- handlers ---- */
enum MHD_Result sim_route(pk_window_sim *s, sim_req *r);
enum MHD_Result sim_h_challenge(pk_window_sim *s, sim_req *r);
enum MHD_Result sim_h_card(pk_window_sim *s, sim_req *r);
enum MHD_Result sim_h_otp_request(pk_window_sim *s, sim_req *r);
enum MHD_Result sim_h_otp_verify(pk_window_sim *s, sim_req *r);
enum MHD_Result sim_h_logout(pk_window_sim *s, sim_req *r);
enum MHD_Result sim_h_test_otp(pk_window_sim *s, sim_req *r);
enum MHD_Result sim_h_submit(pk_window_sim *s, sim_req *r);
enum MHD_Result sim_h_lookup(pk_window_sim *s, sim_req *r);
enum MHD_Result sim_h_sealed(pk_window_sim *s, sim_req *r);
/* Every stored request, for tests that count them: {"requests":[...]} */
json_t *sim_requests_json(pk_window_sim *s);
enum MHD_Result sim_h_status(pk_window_sim *s, sim_req *r, const char *code);
enum MHD_Result sim_h_inbox(pk_window_sim *s, sim_req *r);
enum MHD_Result sim_h_inquiry(pk_window_sim *s, sim_req *r);

/* Session of the bearer token: 0 and fills nc/level, or sends a problem and returns -1
 * (then *ret holds the MHD result). */
typedef struct sim_session {
  char token[64];
  char national_code[16];
  char name_fa[128], name_en[128];
  int level;
} sim_session;
int sim_auth_bearer(pk_window_sim *s, sim_req *r, sim_session *out, enum MHD_Result *ret);
/* "******" and the last four digits: what may be shown or logged of a national code. */
void sim_mask_nc(const char *nc, char out[16]);

/* ---- registry.c: the window's registers (static demo data) ---- */
/* birth: Jalali YYYY-MM-DD; mobile and postal code on file ("" when none) */
typedef struct sim_person { const char *nc, *name_fa, *birth_date, *mobile, *postal_code; } sim_person;
typedef struct sim_signatory { const char *nc, *legal_id, *name_fa; } sim_signatory;
typedef struct sim_clerk {
  const char *nc, *clerk_id, *office_id, *office_name;
  const char *const *permissions; /* NULL-terminated */
} sim_clerk;
const sim_person *sim_person_find(const char *nc);
const sim_signatory *sim_signatory_at(size_t i); /* NULL past the end */
const sim_signatory *sim_signatory_find(const char *nc, const char *legal_id);
const sim_clerk *sim_clerk_by_nc(const char *nc);
const sim_clerk *sim_clerk_by_id(const char *clerk_id);

/* ---- counter.c: clerks, signatories, level 1 ---- */
enum MHD_Result sim_h_level1(pk_window_sim *s, sim_req *r);
enum MHD_Result sim_h_entities(pk_window_sim *s, sim_req *r);
enum MHD_Result sim_h_profile(pk_window_sim *s, sim_req *r);
enum MHD_Result sim_h_clerk_me(pk_window_sim *s, sim_req *r);
/* Checks a submit's on_behalf_of and assisted_by (each optional): MHD_YES and *ok = true, or
 * the problem sent. */
enum MHD_Result sim_check_counter(pk_window_sim *s, sim_req *r, const char *nc, const char *obo, const char *ast,
                                  bool *ok);

/* ---- invoices.c: fees paid through invoices ---- */
#define DIGITS "0123456789"
#define IDCH "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
/* status: unpaid, paid, cancelled (never paid, no longer payable), refunded (paid, unused,
 * given back); method (once paid): card, phone, cash. */
typedef struct sim_invoice {
  char id[32], sid[48], nc[16], key[72], status[12], bank_ref[16], used_by[72], method[8], link[16];
  long long amount, until, paid_at, link_until;
} sim_invoice;
bool sim_ok_text(const char *s, size_t min, size_t max, const char *allowed);
/* Under s->lock. where: "id=?" or "national_code=? AND service_id=? AND idem_key=?" (a, b, c). */
bool sim_invoice_load(pk_window_sim *s, const char *where, const char *a, const char *b, const char *c, sim_invoice *v);
json_t *sim_invoice_json(pk_window_sim *s, const sim_invoice *v);
enum MHD_Result sim_internal_error(pk_window_sim *s, sim_req *r);
/* The kiosk's certificate with no citizen's session (reconciliation, start-up settling). */
bool sim_kiosk_alone(const pk_window_sim *s, sim_req *r);
enum MHD_Result sim_h_invoice_create(pk_window_sim *s, sim_req *r);
enum MHD_Result sim_h_invoice_pay(pk_window_sim *s, sim_req *r, const char *id);
enum MHD_Result sim_h_invoice_get(pk_window_sim *s, sim_req *r, const char *id);
enum MHD_Result sim_h_provider(pk_window_sim *s, sim_req *r);
/* A submit's invoice (may be NULL): refuses a missing one for a fee service when fees are
 * enforced, and an unknown, unpaid, foreign or other service's one. MHD_YES and *ok = true
 * when it may go on. */
enum MHD_Result sim_check_invoice(pk_window_sim *s, sim_req *r, const char *nc, json_t *svc, const char *inv,
                                  bool *ok);
/* Under s->lock: binds a paid invoice to the request key; false if another request has it. */
bool sim_invoice_claim(pk_window_sim *s, const char *inv, const char *key);
/* Under s->lock: a paid invoice's amount and bank reference (bank_ref >= 16 bytes); false if unpaid. */
bool sim_invoice_paid(pk_window_sim *s, const char *inv, long long *amount, char *bank_ref);

/* ---- invoice_ways.c: the citizen's phone, cash at the counter, cancel and refund ---- */
static inline bool sim_invoice_closed(const sim_invoice *v) {
  return !strcmp(v->status, "cancelled") || !strcmp(v->status, "refunded");
}
typedef struct { char url[96]; } sim_url;
sim_url sim_pay_url(pk_window_sim *s, const char *token);
enum MHD_Result sim_h_invoice_link(pk_window_sim *s, sim_req *r, const char *id);
enum MHD_Result sim_h_invoice_cash(pk_window_sim *s, sim_req *r, const char *id);
enum MHD_Result sim_h_invoice_cancel(pk_window_sim *s, sim_req *r, const char *id);
enum MHD_Result sim_h_test_phone_pay(pk_window_sim *s, sim_req *r);

/* ---- requests.c: storing a request once per idempotency key ---- */
typedef struct sim_new_request {
  const char *key, *nc, *sid, *kiosk_id, *channel; /* channel: "online" | "offline" */
  json_t *svc, *fields;
  int level;
  long long created_at;                          /* when the citizen made it (0: now) */
  bool stale;                                    /* too old to be taken now: only a replay is answered */
  const char *on_behalf_of, *assisted_by, *invoice_id; /* legal ID, clerk id, invoice id; NULL: none */
} sim_new_request;
int sim_idem_key_valid(const char *k);
/* Refuses an unknown service, a level below the service's, or invalid fields (sends the
 * problem, *svc = NULL); else *svc is the service. */
enum MHD_Result sim_check_service(pk_window_sim *s, sim_req *r, const char *sid, json_t *fields, int level,
                                  json_t **svc);
/* Stores q unless its key is known, and answers: 201 new, 200 replay, 422 key reused (or
 * request_too_old for a stale request never stored). */
enum MHD_Result sim_store_and_answer(pk_window_sim *s, sim_req *r, const sim_new_request *q);

/* ---- http.c: keys of submits in flight (under s->lock) ---- */
int sim_inflight_has(pk_window_sim *s, const char *key);

/* ---- jws.c ---- */
/* Loads (NULL: makes) the receipt and encryption keys and builds the JWKS. */
int sim_jws_init(pk_window_sim *s, const char *key_path, const char *enc_path, char **err);
void sim_jws_free(pk_window_sim *s);
char *sim_jws_sign(pk_window_sim *s, json_t *payload); /* compact JWS, malloc'd */

/* ---- seal.c ---- */
int sim_seal_init(pk_window_sim *s);
void sim_seal_free(pk_window_sim *s);

/* ---- card.c ---- */
int sim_card_init(pk_window_sim *s, const char *ca, const char *crl, char **err);
void sim_card_free(pk_window_sim *s);
/* Verifies chain + CRL + signature over the tbs. 0 or -1 with a problem code. */
int sim_card_verify(pk_window_sim *s, const unsigned char *der, size_t der_len, const unsigned char *sig,
                    size_t sig_len, const unsigned char *tbs, size_t tbs_len, char nc[16], char name_fa[128],
                    char name_en[128], const char **code);

/* The same as of `at`: chain valid then, not revoked at or before it (a consent signed before
 * a revocation stands). */
int sim_card_verify_at(pk_window_sim *s, const unsigned char *der, size_t der_len, const unsigned char *sig,
                       size_t sig_len, const unsigned char *tbs, size_t tbs_len, time_t at, char nc[16],
                       char name_fa[128], char name_en[128], const char **code);

/* base64 helpers (OpenSSL EVP); return malloc'd buffers or NULL. */
unsigned char *sim_b64_decode(const char *in, size_t *outlen); /* standard or url alphabet */

#endif
