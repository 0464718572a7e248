/* QR receipts: the model, its signed token (JWS ES256 compact), the QR matrix,
 * rendering (PNG, ESC/POS raster, PDF) and printing. See docs/receipt.md.
 *
 * The token is what proves the receipt: a printed receipt carries it in its QR.
 * A failed print never loses a receipt: callers keep the jws string and reprint from it. */
#ifndef PISHKHAN_RECEIPT_H
#define PISHKHAN_RECEIPT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>


/* Error codes returned (negated) by the functions below; 0 is success. */
enum {
  PK_RECEIPT_OK = 0,
  PK_RECEIPT_EINVAL = 1,   /* malformed token or receipt */
  PK_RECEIPT_EKEY = 2,     /* key file unreadable / not P-256, kid unknown, bad JWKS */
  PK_RECEIPT_ESIG = 3,     /* signature does not verify */
  PK_RECEIPT_ETOOBIG = 4,  /* does not fit PK_RECEIPT_QR_MAX_VERSION at level M even after shortening */
  PK_RECEIPT_EIO = 5,      /* printer / file / socket */
  PK_RECEIPT_ENOMEM = 6,
  PK_RECEIPT_EPOLICY = 7,  /* signature valid but the claims break a rule (device said "submitted") */
  PK_RECEIPT_EUNCONFIRMED = 8, /* the job was sent; the printer did not confirm it printed it */
};

/* The largest QR we allow: the largest both paper widths print with modules of 4 dots
 * (0.5 mm at 203 dpi) or more: 58 mm paper (384 dots) holds 85 + 8 quiet modules of 4 dots,
 * version 17; at level M it holds 504 bytes in byte mode (docs/receipt.md). */
#define PK_RECEIPT_QR_MAX_VERSION 17
#define PK_RECEIPT_QR_MAX_BYTES 504
/* A receipt with an office to drop stays at version 15 (412 bytes), a smaller symbol. */
#define PK_RECEIPT_QR_TYPICAL_BYTES 412

#define PK_RECEIPT_TEXT 256

typedef enum { PK_RECEIPT_SUBMITTED = 0, PK_RECEIPT_QUEUED = 1 } pk_receipt_status;
typedef enum { PK_SIGNER_WINDOW = 0, PK_SIGNER_DEVICE = 1 } pk_receipt_signer;

typedef struct pk_receipt {
  char tracking_code[48];
  char service_id[48];
  char service_title[PK_RECEIPT_TEXT]; /* UTF-8; may be shortened to fit the QR */
  char agency[PK_RECEIPT_TEXT];
  int64_t issued_at;                   /* unix time (UTC); Jalali/Gregorian forms are derived */
  char kiosk_id[64];
  char office[PK_RECEIPT_TEXT];        /* printed; in the QR only when it fits */
  pk_receipt_status status;
  int64_t amount_rials;                /* 0 = no amount */
  char national_code_last4[5];         /* never the full code: see pk_receipt_set_national_code */
  pk_receipt_signer signer;
  char kid[64];                        /* key id of the signature (from the JWS header) */
  char on_behalf_of[12];               /* legal ID of the company acted for, "" = none (claim obo) */
  char assisted_by[40];                /* the assisting clerk's opaque id, "" = none (claim ast) */
  char on_behalf_name[PK_RECEIPT_TEXT]; /* the company's name: printed beside its ID, never in the token */
  char invoice_id[32];                 /* the invoice that paid the fee, "" = none (claim inv) */
  char payment_ref[16];                /* the bank's reference (RRN) of that payment, "" = none (claim pr);
                                          letters and digits, and only with an amount */
} pk_receipt;

/* Keeps only the last 4 digits (any digit set accepted) of a national code. */
void pk_receipt_set_national_code(pk_receipt *r, const char *national_code);

/* ---- token ---------------------------------------------------------------------- */

/* Signs r as JWS ES256 compact with the P-256 private key in key_pem_path, writing
 * r->signer into the claims and kid into the protected header. Long texts are
 * shortened (office dropped, then agency and title cut with "…") so the token fits
 * PK_RECEIPT_QR_MAX_BYTES. *jws_out is malloc'd. Returns 0 or -PK_RECEIPT_E*. */
int pk_receipt_sign(const pk_receipt *r, const char *key_pem_path, const char *kid, char **jws_out);
/* The same with a key already loaded (an OpenSSL EVP_PKEY, EC P-256): the simulator's window key. */
struct evp_pkey_st;
int pk_receipt_sign_key(const pk_receipt *r, struct evp_pkey_st *key, const char *kid, char **jws_out);
/* A compact JWS (ES256, "typ":"JWT") over any JSON payload; malloc'd, NULL on failure. */
char *pk_jws_sign_es256(struct evp_pkey_st *key, const char *kid, const char *payload_json);
/* Same, as the kiosk's own device key, for receipts of requests queued offline:
 * forces signer = device and status = queued. */
int pk_receipt_sign_device(const pk_receipt *r, const char *device_key_pem_path, const char *kid,
                           char **jws_out);
/* Decodes header and claims WITHOUT checking the signature (untrusted input).
 * Returns 0, or -PK_RECEIPT_EINVAL. */
int pk_receipt_parse(const char *jws, pk_receipt *out);
/* Parses, finds kid in the JWKS (EC P-256 keys), checks the ES256 signature and the
 * claim rules. why gets a short English reason on failure (may be NULL).
 * Returns 0 when valid, else -PK_RECEIPT_E*. out is filled whenever the token parsed. */
int pk_receipt_verify(const char *jws, const char *jwks_json, pk_receipt *out, char *why, size_t whysz);
/* The claims JSON that pk_receipt_sign would sign (malloc'd), for the window simulator
 * or any other signer that must produce the same format. NULL on error. */
char *pk_receipt_claims_json(const pk_receipt *r);

/* ---- QR ------------------------------------------------------------------------- */

typedef struct pk_qr {
  int version;
  int size;              /* modules per side, without quiet zone */
  unsigned char *dark;   /* size*size, row-major, 1 = dark module */
} pk_qr;

/* Encodes text in byte mode at level M. Returns 0, or -PK_RECEIPT_ETOOBIG / -EINVAL. */
int pk_qr_matrix(const char *text, pk_qr *out);
/* The same with the fewest modules for the text (alphanumeric mode where it can): a payment
 * link drawn on a terminal screen, where every module is a character cell. */
int pk_qr_matrix_compact(const char *text, pk_qr *out);
void pk_qr_free(pk_qr *qr);

/* ---- rendering (one layout, three outputs) --------------------------------------- */

/* PNG at the printer's resolution (203 dpi: 384 dots for 58 mm, 576 for 80 mm). */
int pk_receipt_render_png(const pk_receipt *r, const char *jws, int paper_mm, const char *path);
int pk_receipt_render_png_mem(const pk_receipt *r, const char *jws, int paper_mm, unsigned char **buf,
                              size_t *len);
/* A complete ESC/POS job: init, GS v 0 raster bands, feed, partial cut. */
int pk_receipt_render_escpos(const pk_receipt *r, const char *jws, int paper_mm, unsigned char **buf,
                             size_t *len);
/* A one-page PDF as wide as the paper (vector text and QR). paper_mm 58, 80, or 210 (A4). */
int pk_receipt_render_pdf(const pk_receipt *r, const char *jws, int paper_mm, unsigned char **buf,
                          size_t *len);

/* A text report as an A4 PDF: each line a paragraph (Persian right to left); the first line
 * and each after an empty one is a title. 0 or -PK_RECEIPT_ENOMEM. */
int pk_report_render_pdf(const char *title, const char *text, unsigned char **buf, size_t *len);

/* Releases the font caches (Pango, Cairo, fontconfig) at program exit, after the
 * last render; for leak-checked programs. No render may follow. */
void pk_receipt_shutdown(void);

/* ---- printers --------------------------------------------------------------------- */

typedef enum {
  PK_PRINTER_UNKNOWN = 0,
  PK_PRINTER_READY,
  PK_PRINTER_PAPER_OUT,
  PK_PRINTER_PAPER_LOW,
  PK_PRINTER_OFFLINE,
  PK_PRINTER_NONE,       /* printer = none in the config */
} pk_printer_state_t;

const char *pk_printer_state_name(pk_printer_state_t s);

/* The receipt printer, as the module needs it (core fills it from [receipt] settings). */
typedef struct pk_printer_opts {
  char kind[32];          /* none | png | escpos-tcp | escpos-dev | cups */
  char dest[256];         /* PNG folder, host:port, device path, or CUPS queue */
  int paper_mm;           /* 58 or 80 */
  long baud;              /* serial ESC/POS; 0 = 9600 */
  char cups_server[256];  /* "" = the default scheduler */
  bool cups_roll;         /* the CUPS queue prints on a roll of paper_mm, not A4 */
  int confirm_ms;         /* ESC/POS: how long the printer may take to confirm a job (0 = 10 s) */
} pk_printer_opts;

/* Asks the printer (short timeouts, never more than ~1.5 s).
 * detail (may be NULL) gets a short English explanation. */
pk_printer_state_t pk_printer_state(const pk_printer_opts *o, char *detail, size_t detailsz);
/* Renders and sends the receipt to the printer. The receipt is not lost on failure: the
 * caller still holds jws and can call again (reprint). ESC/POS: 0 only when the printer,
 * asked after the job (GS r 1, answered once the job before it is processed), says its paper
 * did not run out; -PK_RECEIPT_EUNCONFIRMED when the job went out but no answer came. */
int pk_print_receipt(const pk_printer_opts *o, const pk_receipt *r, const char *jws, char *err, size_t errsz);

/* ---- verification tool ------------------------------------------------------------ */

/* `pishkhan receipt verify [--jwks FILE] [--device-jwks FILE] [--config FILE] INPUT`
 * argv[0] is "verify" (or the program name followed by "verify"). INPUT is the QR text,
 * "-" for stdin, or a PNG/PDF of a receipt. Prints in Persian; returns 0 only when the
 * signature is valid. */
/* Where the keys are when no --jwks or --device-jwks is given: the application reads them
 * from the settings (--config FILE, or NULL for the defaults) into malloc'd paths (NULL when
 * not set). Returns 0, or -1 with an English message in err. */
typedef int (*pk_receipt_keys_fn)(const char *config_path, char **jwks, char **device_jwks, char *err,
                                  size_t errsz);
int pk_receipt_verify_cli(int argc, char **argv, pk_receipt_keys_fn keys);

/* Decodes the first QR code found in a PNG or PDF file into *text (malloc'd). */
int pk_receipt_decode_file(const char *path, char **text, char *err, size_t errsz);

#endif
