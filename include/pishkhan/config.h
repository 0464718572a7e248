/* Configuration: compiled-in defaults, overridden by an INI file (inih), then by the CLI.
 * Every value a module needs has a typed field here; unknown keys are kept so that
 * a module can read its own (pk_config_get) without this header changing. */
#ifndef PISHKHAN_CONFIG_H
#define PISHKHAN_CONFIG_H
#include <stdbool.h>
#include <stddef.h>

#define PK_CFG_STR 256

typedef enum { PK_BIDI_APP = 0, PK_BIDI_TERMINAL = 1 } pk_bidi_mode;
typedef enum { PK_THEME_DEFAULT = 0, PK_THEME_HIGH_CONTRAST, PK_THEME_MONO } pk_theme;
/* auto: queue when the window cannot be reached; always: a field office with no link; never: online only. */
typedef enum { PK_OFFLINE_AUTO = 0, PK_OFFLINE_ALWAYS, PK_OFFLINE_NEVER } pk_offline_mode;

/* kiosk: citizens serve themselves; counter: a clerk signs in with their card and serves citizens. */
typedef enum { PK_FACE_KIOSK = 0, PK_FACE_COUNTER } pk_face;

typedef struct pk_config_extra {
  char *section, *key, *value;
  struct pk_config_extra *next;
} pk_config_extra;

typedef struct pk_config {
  /* [kiosk] */
  char kiosk_id[64];
  char office[PK_CFG_STR];
  char lang[8];              /* "fa" or "en" */
  pk_bidi_mode bidi;
  int idle_timeout_s;        /* 60 */
  int idle_warning_s;        /* 10: countdown shown before the wipe */
  pk_theme theme;
  bool kiosk_mode;
  char data_dir[PK_CFG_STR]; /* local store (catalog cache, receipts of the session) */
  /* [card] */
  char reader_pattern[PK_CFG_STR]; /* empty: first reader that holds a card */
  char issuer_ca[PK_CFG_STR];      /* PEM bundle of card issuer CAs */
  char crl[PK_CFG_STR];
  /* [window] */
  char url[PK_CFG_STR];            /* https://host:port/api/v1 */
  char ca_bundle[PK_CFG_STR];
  char client_cert[PK_CFG_STR];
  char client_key[PK_CFG_STR];
  char pinned_pubkey[PK_CFG_STR];  /* curl's "sha256//..." form, empty = no pinning */
  char proxy[PK_CFG_STR];
  int connect_timeout_ms;
  int total_timeout_ms;
  int max_retries;
  /* [receipt] */
  char jwks[PK_CFG_STR];           /* the window's published keys, for offline checks */
  char device_key[PK_CFG_STR];     /* kiosk's own key for offline-queued receipts */
  char printer[32];                /* none | png | escpos-tcp | escpos-dev | cups */
  char printer_dest[PK_CFG_STR];   /* host:port, /dev/usb/lp0, CUPS queue name, or a directory for png */
  int paper_mm;                    /* 58 or 80 */
  char text_sha256[65];            /* SHA-256 (hex) of the settings text last loaded: the audit log's */
  int print_confirm_ms;            /* ESC/POS: how long the printer may take to confirm a job */
  /* [offline] */
  pk_offline_mode offline_mode;
  int crl_max_age_h;               /* 72: older, the clerk is warned */
  int crl_hard_limit_h;            /* 168: older, offline card sign-in is refused */
  int queue_max_rows;              /* 500 */
  int queue_max_age_days;          /* 7 */
  int queue_parallel;              /* 2 deliveries at once */
  /* [payment] */
  char pay_terminal[32];           /* none | pos-tcp | pos-serial */
  char pay_terminal_dest[PK_CFG_STR]; /* host:port for pos-tcp, the serial device for pos-serial */
  char pay_terminal_id[17];        /* the terminal's id (ISO 8583 field 41) */
  int pay_sale_timeout_ms;         /* the citizen's card, PIN and the bank's answer */
  /* [counter] */
  pk_face face;
  char clerk_reader[PK_CFG_STR];   /* reader name pattern of the clerk's card; "" = the one reader */
  char citizen_reader[PK_CFG_STR]; /* the citizen's; "" or the same as the clerk's: one reader */
  char citizen_keypad[PK_CFG_STR]; /* the citizen-facing keypad (evdev device, tty or FIFO); "" = none */
  int desk_lock_s;                 /* 300: the desk untouched this long locks (the clerk walked away) */
  int shift_max_h;                 /* 12: a shift open this long ends (report written) */
  char pinned[PK_CFG_STR];         /* service ids 7, 8, 9 open first on the citizen's dashboard */
  /* [metrics] */
  char metrics_dir[PK_CFG_STR];    /* node_exporter's textfile folder; "" = no metrics file */
  /* [log] */
  int log_level;                   /* syslog level */
  bool log_stderr;

  pk_config_extra *extra;
} pk_config;

void pk_config_defaults(pk_config *cfg);
/* Returns 0, or -1 with a message in err (English; the CLI puts a Persian sentence first):
 * the key, its line and what the key allows. A directory, an unreadable file, a line too long
 * for inih or a value outside a key's allowed set is refused; values before it stay set. */
int pk_config_load(pk_config *cfg, const char *path, char *err, size_t errsz);
/* The same from text in memory (tests, fuzzing). */
int pk_config_load_string(pk_config *cfg, const char *text, char *err, size_t errsz);
/* Value of an unknown key, or NULL. */
const char *pk_config_get(const pk_config *cfg, const char *section, const char *key);
void pk_config_free(pk_config *cfg);

/* The compiled-in key table, for pishkhan.conf(5) (tools/confdoc): each key, what it allows in
 * the words of the error messages, and its default value as the file would write it. */
typedef struct pk_config_key_info {
  const char *section, *name;
  char allowed[192];
  char value[PK_CFG_STR];
} pk_config_key_info;
size_t pk_config_key_count(void);
void pk_config_key_describe(size_t i, pk_config_key_info *out); /* i < pk_config_key_count() */

#endif
