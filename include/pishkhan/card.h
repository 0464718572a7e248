/* The smart card stack: an APDU transport (PC/SC or in-process), the national ID card
 * reference profile (docs/card-profile.md) on top of it, and the reader monitor thread.
 *
 * Threading: a pk_transport and a pk_card belong to one thread at a time (a card worker);
 * the monitor runs its own thread and only hands pk_event values to a sink. */
#ifndef PISHKHAN_CARD_H
#define PISHKHAN_CARD_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pishkhan/event.h"
#include "pishkhan/secret.h"

/* ---- Transport ------------------------------------------------------------------- */

typedef struct pk_transport pk_transport;

/* Transport result codes (0 = the card answered; the answer may still be an error SW). */
enum {
  PK_TR_OK = 0,
  PK_TR_REMOVED = -1,    /* the card was removed (or swapped): SCARD_W_REMOVED_CARD */
  PK_TR_RESET = -2,      /* the card was reset by someone else: SCARD_W_RESET_CARD */
  PK_TR_COMM = -3,       /* transmission failed, malformed answer */
  PK_TR_NO_SERVICE = -4, /* pcscd went away, or the reader did: SCARD_E_NO_SERVICE / UNKNOWN_READER */
  PK_TR_OVERFLOW = -5,   /* the answer does not fit the caller's buffer */
  PK_TR_ARG = -6,        /* bad arguments (APDU too long, ...) */
  PK_TR_UNSUPPORTED = -7,
};

typedef struct pk_transport_ops {
  /* Raw exchange of one command APDU; *resp_len is the capacity in, the length out. */
  int (*transmit)(pk_transport *t, const uint8_t *apdu, size_t n, uint8_t *resp, size_t *resp_len);
  int (*begin)(pk_transport *t); /* exclusive access for a multi-APDU operation (may be NULL) */
  int (*end)(pk_transport *t);
  void (*free)(pk_transport *t);
  /* Optional: the card's ATR, and SCardControl for part 10 features (NULL when absent). */
  const uint8_t *(*atr)(pk_transport *t, size_t *len);
  int (*control)(pk_transport *t, unsigned long code, const uint8_t *in, size_t n, uint8_t *out,
                 size_t *out_len);
} pk_transport_ops;

/* For transport implementations: wraps ops + impl; pk_transport_free calls ops->free. */
pk_transport *pk_transport_new(const pk_transport_ops *ops, void *impl);
void *pk_transport_impl(pk_transport *t);
void pk_transport_free(pk_transport *t);

/* Raw transmit, counted in the statistics. Returns PK_TR_*. */
int pk_transport_transmit(pk_transport *t, const uint8_t *apdu, size_t n, uint8_t *resp, size_t *resp_len);
int pk_transport_begin(pk_transport *t);
int pk_transport_end(pk_transport *t);
const uint8_t *pk_transport_atr(pk_transport *t, size_t *len);
int pk_transport_control(pk_transport *t, unsigned long code, const uint8_t *in, size_t n, uint8_t *out,
                         size_t *out_len);

typedef struct pk_transport_stats {
  unsigned long apdus;       /* raw command APDUs sent */
  unsigned long bytes_out;   /* command bytes */
  unsigned long bytes_in;    /* response bytes including SW */
} pk_transport_stats;
void pk_transport_get_stats(const pk_transport *t, pk_transport_stats *st);

/* Capability used by the APDU layer: extended Lc/Le. Set from the ATR by pk_card_open
 * (card capabilities, historical bytes), or forced by a caller. */
void pk_transport_set_extended(pk_transport *t, bool on);
bool pk_transport_extended(const pk_transport *t);

/* One command in ISO 7816-4 terms. le: the most response bytes wanted (0 = none expected;
 * 256 = short "00"; up to 65536 = extended "0000"). */
typedef struct pk_apdu {
  uint8_t cla, ins, p1, p2;
  const uint8_t *data;
  size_t lc;
  size_t le;
} pk_apdu;

/* The APDU layer above raw transmit: encodes short or extended length, chains commands
 * whose data do not fit (CLA bit 0x10), follows 61xx with GET RESPONSE and re-issues
 * on 6Cxx. The response data (without SW) land in resp (capacity cap). The raw command
 * buffer is wiped before return (it may hold a PIN). Returns PK_TR_*. */
int pk_apdu_exchange(pk_transport *t, const pk_apdu *c, uint8_t *resp, size_t cap, size_t *resp_len,
                     uint16_t *sw);
/* Encode c as short or extended; returns the length, or 0 if it does not fit out. */
size_t pk_apdu_encode(const pk_apdu *c, bool extended, uint8_t *out, size_t outsz);

/* PC/SC transport on libpcsclite. reader: exact reader name, or NULL for the first reader
 * that holds a card. On failure returns NULL with the SCARD_* code in *scard_err. */
pk_transport *pk_transport_pcsc_open(const char *reader, long *scard_err);
/* The reader name the PC/SC transport is connected to (NULL for other transports). */
const char *pk_transport_pcsc_reader(pk_transport *t);

/* ---- Card profile (the national ID card reference profile) ------------------------- */

/* The profile's PIN: 4 to 8 digits (docs/card-profile.md). The PIN screen enforces the same
 * rule, so a PIN the card cannot take is refused where it is typed. */
enum { PK_CARD_PIN_MIN = 4, PK_CARD_PIN_MAX = 8 };

typedef enum pk_card_status {
  PK_CARD_OK = 0,
  PK_CARD_REMOVED,        /* the card went away during the operation */
  PK_CARD_NO_READER,      /* no reader / PC/SC service unavailable */
  PK_CARD_UNKNOWN,        /* not a national ID card (ATR or application not found) */
  PK_CARD_COMM,           /* communication error or an unexpected status word */
  PK_CARD_BAD_DATA,       /* the card's data could not be parsed (malformed TLV, bad field) */
  PK_CARD_TAMPERED,       /* EF.ID does not match the issuer's signature (EF.SOD) */
  PK_CARD_UNTRUSTED,      /* SOD or certificate not issued by a configured issuer CA */
  PK_CARD_EXPIRED,        /* the card or its certificate is past its expiry date */
  PK_CARD_REVOKED,        /* the citizen's certificate is on the revocation list */
  PK_CARD_TRUST_CONFIG,   /* issuer CA bundle or CRL missing/unreadable (kiosk configuration) */
  PK_CARD_PIN_WRONG,      /* tries_left says how many remain */
  PK_CARD_PIN_BLOCKED,
  PK_CARD_PIN_FORMAT,     /* the PIN must be 4 to 8 digits */
  PK_CARD_PIN_REQUIRED,   /* an operation needs a verified PIN first */
  PK_CARD_PIN_CANCELLED,  /* cancelled on the pinpad */
  PK_CARD_PIN_TIMEOUT,    /* nothing typed on the pinpad in time */
  PK_CARD_NOT_SUPPORTED,  /* e.g. no pinpad on this reader */
  PK_CARD_BAD_SIGNATURE,  /* the card's signature does not verify with its certificate */
  PK_CARD_ARG,            /* caller error (buffer too small, bad nonce size) */
  PK_CARD_STATUS_COUNT
} pk_card_status;

/* Short stable name for logs ("tampered"). */
const char *pk_card_status_name(pk_card_status st);

typedef struct pk_card pk_card;

typedef struct pk_card_trust {
  const char *issuer_ca; /* PEM bundle of issuer CA certificates */
  const char *crl;       /* PEM CRL(s) of the issuer; required */
  /* Optional: "today" for expiry checks as seconds since the epoch (0 = now). Tests only. */
  long long now;
} pk_card_trust;

typedef enum { PK_ROLE_CITIZEN = 1, PK_ROLE_CLERK = 2 } pk_card_role;
/* A clerk's card: role 02 in EF.ID and this certificate policy (docs/card-profile.md). */
#define PK_CLERK_POLICY_OID "2.25.266951041847437516875538484495676810098"
/* The certificate (DER) names the policy oid (dotted) among its certificatePolicies. */
bool pk_card_cert_has_policy(const uint8_t *der, size_t len, const char *oid);

#define PK_NAME_MAX 128
typedef struct pk_identity {
  char national_code[11]; /* 10 digits; never log it whole (pk_mask_national_code) */
  char given_fa[PK_NAME_MAX], family_fa[PK_NAME_MAX];
  char given_en[PK_NAME_MAX], family_en[PK_NAME_MAX];
  char father_fa[PK_NAME_MAX];
  char birth_date[16]; /* Jalali "1370/05/12" */
  char serial[32];
  char issued[16];     /* Jalali */
  char expires[16];    /* Jalali */
  pk_card_role role;
} pk_identity;

void pk_identity_wipe(pk_identity *id);

/* Select the application by AID. The transport is borrowed (free it after pk_card_close).
 * trust strings are copied. Returns NULL with *st set on failure. */
pk_card *pk_card_open(pk_transport *t, const pk_card_trust *trust, pk_card_status *st);
/* Reads EF.ID, EF.SOD and EF.CERT once per session, verifies the SOD (issuer signature and
 * hashes), the certificate chain, expiry (card and certificate) and revocation (CRL),
 * and binds the certificate to the national code. */
pk_card_status pk_card_read_identity(pk_card *c, pk_identity *out);
/* Tries left before the PIN blocks, without consuming one (VERIFY with no data).
 * Returns PK_CARD_OK (tries_left >= 1; -1 if already verified), PK_CARD_PIN_BLOCKED, ... */
pk_card_status pk_card_pin_tries(pk_card *c, int *tries_left);
/* pin: ASCII digits, 4..8. The APDU buffer is wiped after use; pin is not modified. */
pk_card_status pk_card_verify_pin(pk_card *c, pk_secret *pin, int *tries_left);
/* True when the reader offers FEATURE_VERIFY_PIN_DIRECT (PC/SC part 10). */
bool pk_card_has_pinpad(pk_card *c);
/* PIN typed on the reader's pinpad (blocks until typed, cancelled or timed out). */
pk_card_status pk_card_verify_pin_pinpad(pk_card *c, int *tries_left);
/* Signs the challenge: the card signs (ECDSA P-256, SHA-256) the bytes
 *   80 len(nonce) nonce 81 len(kiosk_id) kiosk_id
 * (see pk_card_challenge_tbs). nonce: 16..64 bytes; kiosk_id: 1..64 bytes.
 * sig receives a DER (X9.62) ECDSA signature, *siglen capacity in (>= 72), length out.
 * The signature is checked against the card's certificate before it is returned. */
pk_card_status pk_card_sign_challenge(pk_card *c, const uint8_t *nonce, size_t n, const char *kiosk_id,
                                      uint8_t *sig, size_t *siglen);
/* The citizen's consent to a request queued offline: PSO: COMPUTE DIGITAL SIGNATURE over a
 * SHA-256 digest the host made (of the request's canonical JSON). The card signs the digest as
 * given, so the signature is an ordinary ES256 signature over the request. Needs the PIN
 * verified in this session; sig as for pk_card_sign_challenge, checked against EF.CERT. */
pk_card_status pk_card_sign_digest(pk_card *c, const uint8_t digest[32], uint8_t *sig, size_t *siglen);
/* The to-be-signed bytes for a challenge (for the verifier side). Returns length or 0. */
size_t pk_card_challenge_tbs(const uint8_t *nonce, size_t n, const char *kiosk_id, uint8_t *out,
                             size_t outsz);
/* The citizen's X.509 authentication certificate (DER), valid until pk_card_close. */
pk_card_status pk_card_certificate(pk_card *c, const uint8_t **der, size_t *len);
/* Wipes every cached file and the session state. Does not free the transport. */
void pk_card_close(pk_card *c);

/* When the (first) CRL in a PEM file was issued (thisUpdate, unix seconds), or -1: how far
 * the kiosk can trust its revocation knowledge offline. */
long long pk_card_crl_issued(const char *crl_path);
/* A CRL fetched from the window, accepted only if signed by an issuer CA in the bundle at
 * issuer_ca_path: its thisUpdate, or -1 (unparsable, unsigned, another issuer). */
long long pk_card_crl_accept(const uint8_t *pem, size_t len, const char *issuer_ca_path);

/* ---- Monitor ----------------------------------------------------------------------- */

typedef struct pk_card_monitor pk_card_monitor;
/* A reader's name against a [card] reader-style pattern: a glob when it holds * ? or [, else a
 * part of the name; "" matches every reader. */
bool pk_reader_matches(const char *pattern, const char *name);
/* Starts a thread that sends PK_EV_READER_ADDED/REMOVED, PK_EV_CARD_INSERTED/REMOVED and
 * PK_EV_READER_ERROR (then recovers when pcscd is back) to sink, on that thread (the kiosk
 * passes pk_loop_sink and its loop). reader_pattern: fnmatch(3) pattern or substring of
 * reader names to watch (NULL or "" = all readers). */
pk_card_monitor *pk_card_monitor_start(pk_event_sink sink, void *sink_ud, const char *reader_pattern);
void pk_card_monitor_stop(pk_card_monitor *m);

#endif
