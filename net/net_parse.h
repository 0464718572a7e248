/* Response parsers of the window client (internal; also driven by the fuzzers and tests).
 * Each takes the raw body, validates every field (type, length, range, charset) and
 * returns 0, or -1 for a malformed answer; it never trusts the server. */
#ifndef PK_NET_PARSE_H
#define PK_NET_PARSE_H
#include <stddef.h>

#include "pishkhan/net.h"

/* Owns the strings and arrays that a result points into. */
typedef struct pk_net_pool {
  void **v;
  size_t n, cap;
} pk_net_pool;
void *pk_net_pool_add(pk_net_pool *p, void *ptr); /* takes ownership; NULL if ptr NULL or no memory */
void pk_net_pool_free(pk_net_pool *p);

/* problem+json: fills code, message_fa/en, field, retry_after_s. -1 if not a problem body. */
int pk_net_parse_problem(const char *body, size_t len, pk_net_result *st);
int pk_net_parse_challenge(const char *body, size_t len, pk_net_challenge *out);
/* The token goes to tok (tokcap >= 256), never into the result. */
int pk_net_parse_session(const char *body, size_t len, pk_net_session *out, char *tok, size_t tokcap);
int pk_net_parse_otp(const char *body, size_t len, pk_net_otp *out);
int pk_net_parse_receipt(const char *body, size_t len, pk_net_receipt *out, pk_net_pool *pool);
int pk_net_parse_req_status(const char *body, size_t len, pk_net_req_status *out);
int pk_net_parse_inbox(const char *body, size_t len, pk_net_inbox *out, pk_net_pool *pool);
int pk_net_parse_doc(const char *body, size_t len, pk_net_doc *out, pk_net_pool *pool);
int pk_net_parse_entities(const char *body, size_t len, pk_net_entities *out, pk_net_pool *pool);
int pk_net_parse_clerk(const char *body, size_t len, pk_net_clerk *out);
/* Absent fields are "", a present one of the wrong shape refuses the whole answer. */
int pk_net_parse_profile(const char *body, size_t len, pk_net_profile *out);
int pk_net_parse_invoice(const char *body, size_t len, pk_net_invoice *out);

/* {"status":"ok",...}: 0, else -1. */
int pk_net_parse_health(const char *body, size_t len);
/* Printable-ASCII PEM text holding at least one "-----BEGIN <label>-----" block: 0, else -1.
 * Only the shape: the caller parses and verifies what is inside. */
int pk_net_parse_pem(const char *body, size_t len, const char *label);

/* free and realloc that wipe what they give back (for libraries that keep personal data in
 * buffers they free as they are). */

/* Wipes a heap string (a json_dumps result: bodies carry personal data) and frees it. */
void pk_net_free_text(char *s);

/* Copies a sanitized display string into a fixed buffer. */
void pk_net_copy_display(char *dst, size_t cap, const char *src);

#endif
