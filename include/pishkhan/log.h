/* Logging: under systemd to the journal with fields (PK_KIOSK_ID, PK_EVENT, PK_REQUEST), so that
 * `journalctl PK_EVENT=submit` finds every request a fleet recorded; else to syslog, or stderr
 * with --log-stderr. Never pass a PIN; pass national codes only through pk_mask_national_code(). */
#ifndef PISHKHAN_LOG_H
#define PISHKHAN_LOG_H
#include <stdbool.h>
#include <stddef.h>

typedef enum { PK_LOG_ERR = 3, PK_LOG_WARN = 4, PK_LOG_INFO = 6, PK_LOG_DEBUG = 7 } pk_log_level;

void pk_log_open(const char *ident, int to_stderr, pk_log_level min_level);
void pk_log_close(void);
void pk_log(pk_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A line a fleet searches by: event is a short word ("submit", "queued", "delivered", "card",
 * "print"), request the queue reference or the window's tracking code (never anything else:
 * it goes into the journal's PK_REQUEST= field as given; NULL for none). */
void pk_log_event(pk_log_level level, const char *event, const char *request, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* PK_KIOSK_ID= of every journal entry from now on. */
void pk_log_set_kiosk_id(const char *id);
/* true when pk_log_open chose the journal. */
bool pk_log_to_journal(void);
#define pk_err(...) pk_log(PK_LOG_ERR, __VA_ARGS__)
#define pk_warn(...) pk_log(PK_LOG_WARN, __VA_ARGS__)
#define pk_info(...) pk_log(PK_LOG_INFO, __VA_ARGS__)
#define pk_debug(...) pk_log(PK_LOG_DEBUG, __VA_ARGS__)

/* "0012345678" -> "******5678" (digits only kept in the last 4 positions). out >= 11 bytes. */
void pk_mask_national_code(const char *code, char *out, size_t outsz);

/* A hook for tests: every formatted log line also goes here when set. */
typedef void (*pk_log_sink)(pk_log_level level, const char *line, void *ud);
void pk_log_set_sink(pk_log_sink sink, void *ud);

#endif
