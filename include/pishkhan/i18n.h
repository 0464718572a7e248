/* Persian text engine: terminal line layout (bidi + shaping), display sanitizing,
 * message catalogs, digits, Jalali calendar, search normalization, validators.
 *
 * Every function returning char * returns a malloc'd NUL-terminated UTF-8 string
 * (free() it), or NULL only when memory runs out. NULL input is treated as "". */
#ifndef PISHKHAN_I18N_H
#define PISHKHAN_I18N_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- Language and catalogs (gettext domains "pishkhan-fa", "pishkhan-en") ---- */
typedef enum { PK_LANG_FA = 0, PK_LANG_EN = 1 } pk_lang;

/* Binds the catalogs. localedir NULL: pk_i18n_localedir(). Call after setlocale(LC_ALL, ""),
 * at start-up before other threads: it sets LC_MESSAGES and unsets $LANGUAGE.
 * Works without any fa_IR locale installed (see i18n/lang.c for how). */
void pk_i18n_init(const char *localedir);
/* At exit, after the last use of any pk_ text function: releases ICU's caches. */
void pk_i18n_shutdown(void);
/* Switches the UI language at runtime (kiosk button); affects pk_tr, pk_visual, digits.
 * Thread-safe: touches neither the environment nor the locale. */
void pk_i18n_set_lang(pk_lang lang);
pk_lang pk_i18n_lang(void);
/* Parses "fa"/"en" (config value); unknown -> PK_LANG_FA. */
pk_lang pk_lang_from_code(const char *code);
/* $PK_LOCALEDIR if set, else the build tree's locale dir (compiled in). */
const char *pk_i18n_localedir(void);
/* Translation of an English msgid in the current language (static storage, never NULL). */
const char *pk_tr(const char *msgid);
/* Translation in Persian whatever the UI language (printed receipts); thread-safe. */
const char *pk_tr_fa(const char *msgid);

#ifndef PK_NO_GETTEXT_MACROS
#define _(s) pk_tr(s)
#define N_(s) (s)
/* A long all-digit code (a 16-digit tracking code) in groups of four, the way it is read over a
 * phone: "1457 1435 8248 7267", when it has at least `from` digits; others come back as they
 * are. malloc'd; NULL only when out of memory. */
char *pk_code_groups(const char *code, size_t from);

#endif

/* ---- Terminal layout ---- */
typedef enum { PK_DIR_LANG = 0, PK_DIR_LTR = 1, PK_DIR_RTL = 2 } pk_dir;

/* bidi = app (default): pk_visual reorders and shapes. bidi = terminal: logical text is
 * passed through (truncated/padded only) for terminals that reorder and shape themselves. */
void pk_i18n_set_bidi_terminal(bool terminal);

/* One line of logical UTF-8 -> the cells to write, left to right. Paragraph direction
 * from the UI language (RTL for fa). width > 0: truncated with '…' at the end side of
 * the text and padded (right-aligned in RTL, left-aligned in LTR) to exactly width cells;
 * width 0: neither. Isolates, marks and ZWNJ never reach the result. */
char *pk_visual(const char *utf8, int width);
char *pk_visual_dir(const char *utf8, int width, pk_dir dir);
/* Code points in UTF-8 text (what a length limit of a form field or a claim counts). */
size_t pk_utf8_count(const char *utf8);
/* Width in terminal cells of the text once shaped (lam-alef counts one cell). */
int pk_text_width(const char *utf8);
/* Cells of one code point: 0 for marks/format chars, 2 for wide, else 1. */
int pk_char_width(uint32_t cp);
/* Wraps a logical paragraph ('\n' forces a break) into lines of at most width cells,
 * breaking at UAX #14 opportunities in logical order. *lines_out gets the LOGICAL lines
 * (pk_wrap_logical) or the VISUAL lines, each pk_visual'd to width (pk_wrap).
 * Returns the line count (>= 1 on success), -1 on error. Free with pk_lines_free. */
int pk_wrap_logical(const char *utf8, int width, char ***lines_out);
int pk_wrap(const char *utf8, int width, char ***lines_out);
void pk_lines_free(char **lines, int n);
/* LRI + text + PDI: a value that must read left to right as one unit. */
char *pk_isolate_ltr(const char *utf8);

/* ---- Display sanitizer: every string from the server, the card or a file ---- */
/* Invalid UTF-8 -> U+FFFD; C0/C1 controls and ESC/CSI/OSC/DCS/... sequences removed
 * (TAB, LF, CR, VT, FF become a space); bidi controls U+202A-202E, U+2066-2069,
 * U+200E, U+200F, U+061C removed; U+2028/2029 become a space. Result at most max_bytes
 * bytes (cut at a character boundary); max_bytes 0 = no cap. */
char *pk_sanitize(const char *utf8, size_t max_bytes);

/* ---- Digits ---- */
/* ASCII digits -> Persian ۰-۹ when the UI language is fa; a copy otherwise. */
char *pk_digits_localize(const char *utf8);
char *pk_digits_to_persian(const char *utf8);
/* A sign beginning a number ("پلیس +۱۰") in an LTR isolate, so that it stays before the
 * digits: UAX #9 alone puts it after them in right-to-left text («۱۰+»). For names. */
char *pk_isolate_signed(const char *utf8);
/* Persian and Arabic-Indic digits -> ASCII. */
char *pk_digits_to_ascii(const char *utf8);

/* ---- Jalali (Solar Hijri) calendar, through ICU's Persian calendar ---- */
/* 0 on success, -1 on an invalid date (month lengths and leap years checked). */
int pk_jalali_from_gregorian(int gy, int gm, int gd, int *jy, int *jm, int *jd);
int pk_gregorian_from_jalali(int jy, int jm, int jd, int *gy, int *gm, int *gd);
bool pk_jalali_is_leap(int jy);
int pk_jalali_month_days(int jy, int jm);       /* 0 if jm is not 1..12 */
bool pk_jalali_valid(int jy, int jm, int jd);
int pk_jalali_weekday(int jy, int jm, int jd);  /* 0 = Saturday (شنبه) .. 6 = Friday, -1 invalid */
/* Local calendar day of t (TZ of the process). 0 on success. */
int pk_jalali_from_time(long long unix_seconds, int *jy, int *jm, int *jd);

typedef enum {
  PK_JDATE_NUMERIC = 0, /* ۱۴۰۳/۰۲/۰۱ */
  PK_JDATE_LONG = 1,    /* ۱ اردیبهشت ۱۴۰۳ */
  PK_JDATE_WEEKDAY = 2, /* شنبه ۱ اردیبهشت ۱۴۰۳ */
} pk_jdate_style;
/* Digits follow the UI language. NULL on an invalid date. */
char *pk_jalali_format(int jy, int jm, int jd, pk_jdate_style style);
/* The same in Persian whatever the UI language (printed receipts). */
char *pk_jalali_format_fa(int jy, int jm, int jd, pk_jdate_style style);

typedef enum {
  PK_DATE_OK = 0,
  PK_DATE_EFORMAT = -1, /* not year/month/day */
  PK_DATE_EYEAR = -2,   /* year outside 1..9377 (a four-digit year is expected) */
  PK_DATE_EMONTH = -3,  /* month not 1..12 */
  PK_DATE_EDAY = -4,    /* no such day in that month and year (e.g. 30 Esfand of a common year) */
} pk_date_err;
/* Parses a typed Jalali date in any digit set: "1403/2/1", "۱۴۰۳-۰۲-۰۱", "١٤٠٣.٠٢.٠١",
 * "1 اردیبهشت 1403". Returns PK_DATE_OK or an error; pk_date_error_message explains it. */
pk_date_err pk_jalali_parse(const char *utf8, int *jy, int *jm, int *jd);
const char *pk_date_error_message(pk_date_err err);

/* ---- Search normalization (pk_catalog_search folds with it), collation ---- */
/* Search key: NFKD (folds presentation forms), marks/tatweel/format chars removed,
 * Arabic yeh/alef maksura -> ی, Arabic kaf -> ک, teh marbuta/heh with hamza/ae -> ه,
 * alef with hamza/madda -> ا, every digit set -> ASCII, ZWNJ and runs of spaces -> one
 * space (trimmed), Latin case-folded, NFC at the end. */
char *pk_normalize_fa(const char *utf8);
/* Persian alphabetical order (ICU collator "fa"): <0, 0, >0 like strcmp. */
int pk_collate_fa(const char *a, const char *b);

/* ---- Validators: accept any digit set; pk_validate_* return NULL when valid, else a
 * message in the UI language saying what to fix. ---- */
bool pk_national_code_valid(const char *utf8);
const char *pk_validate_national_code(const char *utf8);
/* The check itself, for codes already in their stored form (the card's EF.ID): exactly
 * 10 ASCII digits, check digit right, not all the same digit (such codes are not issued,
 * though 1111111111 passes the check digit). */
bool pk_national_code_digits_valid(const char *ascii);
/* 09xxxxxxxxx, +989xxxxxxxxx, 00989xxxxxxxxx (spaces/hyphens allowed) -> "09xxxxxxxxx",
 * or NULL when not a mobile number. */
char *pk_mobile_canonical(const char *utf8);
bool pk_mobile_valid(const char *utf8);
const char *pk_validate_mobile(const char *utf8);
bool pk_postal_code_valid(const char *utf8);
const char *pk_validate_postal_code(const char *utf8);
/* IR + 24 digits, ISO 7064 mod 97-10 ("IR" may be omitted; spaces allowed). */
bool pk_sheba_valid(const char *utf8);
const char *pk_validate_sheba(const char *utf8);

/* ---- Amounts (ICU number formatting and Persian spell-out rules) ---- */
/* 1200000 -> "۱٬۲۰۰٬۰۰۰" (fa: Persian digits and thousands separator) or "1,200,000". */
char *pk_amount_format(long long amount);
/* The same in Persian whatever the UI language (printed receipts). */
char *pk_amount_words_rials_fa(long long amount);
char *pk_amount_format_fa(long long amount);

#endif
