/* The kiosk's local copy of the window's catalog (agencies and service cards).
 * Stored in SQLite (written by pk_net_catalog_sync in one transaction) and held in
 * memory for browsing and search. All strings are sanitized before they are stored. */
#ifndef PISHKHAN_CATALOG_H
#define PISHKHAN_CATALOG_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct pk_catalog pk_catalog;

typedef enum {
  PK_FIELD_TEXT = 0,
  PK_FIELD_DIGITS,
  PK_FIELD_NATIONAL_CODE,
  PK_FIELD_MOBILE,
  PK_FIELD_POSTAL_CODE,
  PK_FIELD_JALALI_DATE,
  PK_FIELD_CHOICE,
  PK_FIELD_AMOUNT,
} pk_field_type;

/* "text", "digits", "national_code", "mobile", "postal_code", "jalali_date", "choice", "amount" */
const char *pk_field_type_name(pk_field_type t);
int pk_field_type_parse(const char *s, pk_field_type *out); /* 0 or -1 */

/* What a field means, when it is something the state already knows of the citizen signed in
 * (the contract's "prefill"): the kiosk fills it from the card or the window and does not ask. */
typedef enum {
  PK_PREFILL_NONE = 0,
  PK_PREFILL_NATIONAL_CODE,
  PK_PREFILL_FULL_NAME,
  PK_PREFILL_BIRTH_DATE,
  PK_PREFILL_MOBILE,      /* the mobile registered with the window */
  PK_PREFILL_POSTAL_CODE, /* the postal code on file at the window */
  PK_PREFILL_COUNT
} pk_prefill;
/* "national_code", "full_name", "birth_date", "mobile", "postal_code"; PK_PREFILL_NONE for
 * anything else (a meaning this kiosk does not know is simply asked). */
pk_prefill pk_prefill_parse(const char *s);
const char *pk_prefill_name(pk_prefill p);

typedef struct pk_field_choice {
  const char *value, *label_fa, *label_en;
} pk_field_choice;

typedef struct pk_form_field {
  const char *name;            /* key in the submitted fields object */
  pk_field_type type;
  const char *label_fa, *label_en;
  const char *hint_fa, *hint_en; /* may be "" */
  bool required;
  int min_len, max_len;        /* text/digits: characters; 0 = no limit */
  int64_t min, max;            /* amount: rials; 0/0 = no limit */
  size_t nchoices;
  const pk_field_choice *choices;
  pk_prefill prefill;          /* what the field means, if the state knows it */
} pk_form_field;

enum { PK_CHANNEL_KIOSK = 1, PK_CHANNEL_WEB = 2, PK_CHANNEL_COUNTER = 4, PK_CHANNEL_APP = 8 };

typedef struct pk_agency {
  const char *id;              /* e.g. "tamin" */
  const char *name_fa, *name_en;
  size_t nservices;
} pk_agency;

typedef struct pk_service {
  const char *id;              /* e.g. "tax-0001" */
  const char *agency_id;
  const char *title_fa, *title_en, *desc_fa, *desc_en;
  int auth_level;              /* 1..3 */
  bool smart, proactive, offline_capable;
  unsigned channels;           /* PK_CHANNEL_* */
  int64_t fee_rials;
  size_t ndocuments;
  const char *const *documents_fa; /* required documents; empty for smart services */
  const char *const *documents_en; /* the same, in English ("" when the window sent none) */
} pk_service;

/* Opens (creating) the store at path (":memory:" works) and loads it. NULL + *err on failure. */
pk_catalog *pk_catalog_open(const char *path, char **err);
void pk_catalog_close(pk_catalog *cat);

long pk_catalog_version(const pk_catalog *cat);   /* 0 = never synced */
const char *pk_catalog_etag(const pk_catalog *cat); /* "" = never synced */

/* Sorted by Persian name. Pointers stay valid until the next sync or close. */
size_t pk_catalog_agencies(const pk_catalog *cat, const pk_agency **out);
const pk_agency *pk_catalog_agency(const pk_catalog *cat, const char *agency_id);
/* Services of an agency, sorted by Persian title; returns the count, fills up to max. */
size_t pk_catalog_services_of(const pk_catalog *cat, const char *agency_id,
                              const pk_service **out, size_t max);
size_t pk_catalog_service_count(const pk_catalog *cat);
const pk_service *pk_catalog_service(const pk_catalog *cat, const char *service_id);
/* The service's form, parsed on first use and cached. NULL with *n = 0 if it has none. */
const pk_form_field *pk_catalog_form(pk_catalog *cat, const pk_service *svc, size_t *n);

/* Substring search over normalized Persian and English titles (Arabic yeh/kaf, digits,
 * ZWNJ and diacritics folded). Title-prefix matches come first. Returns the count filled. */
size_t pk_catalog_search(const pk_catalog *cat, const char *query, const pk_service **results, size_t max);

/* Used by the sync: replace everything in one transaction from the window's catalog JSON
 * (the body of GET /catalog). Returns 0, or -1 with a message in err (store unchanged). */
int pk_catalog_replace_json(pk_catalog *cat, const char *body, size_t len, const char *etag,
                            char *err, size_t errsz);

/* Folds text for search (exposed for tests): NFC-ish Persian folding, ASCII lower case. malloc'd. */
char *pk_catalog_fold(const char *s);

#endif
