/* UI language and gettext catalogs.
 * Runtime switch without fa_IR: glibc's gettext ignores $LANGUAGE only when LC_MESSAGES is
 * exactly "C"/"POSIX"; "C.UTF-8" is built into glibc >= 2.35 (Debian 12 has 2.36), so we move
 * LC_MESSAGES there when it is C, and select the catalog with $LANGUAGE ("fa" or "en"),
 * telling gettext to drop its cache as the gettext manual describes. Messages come out in
 * UTF-8 whatever LC_CTYPE is (bind_textdomain_codeset). No locale has to be generated. */
#include "internal.h"
#include "pishkhan/i18n.h"
#include <libintl.h>
#include <locale.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <pthread.h>
#include <stdlib.h>
#include <unicode/uclean.h>
#include <string.h>

#define PK_DOMAIN "pishkhan"
#ifndef PK_LOCALEDIR
#define PK_LOCALEDIR "/usr/share/locale"
#endif

extern int _nl_msg_cat_cntr; /* glibc/gettext: bumping it invalidates translation caches */

static atomic_int g_lang = PK_LANG_FA;

const char *pk_i18n_localedir(void) {
  const char *env = getenv("PK_LOCALEDIR");
  return env && *env ? env : PK_LOCALEDIR;
}

static bool is_c_locale(const char *name) {
  return !name || !strcmp(name, "C") || !strcmp(name, "POSIX");
}

/* Printed receipts are Persian whatever the screen says. The build installs the Persian
 * catalog a second time, as domain "pishkhan-fa" under every language, so that a lookup
 * in that domain is Persian without switching LANGUAGE (which other threads read). */
#define PK_DOMAIN_FA "pishkhan-fa"
static atomic_bool g_inited;

void pk_i18n_init(const char *localedir) {
  if (is_c_locale(setlocale(LC_MESSAGES, NULL))) setlocale(LC_MESSAGES, "C.UTF-8");
  const char *dir = localedir ? localedir : pk_i18n_localedir();
  bindtextdomain(PK_DOMAIN, dir);
  bind_textdomain_codeset(PK_DOMAIN, "UTF-8");
  bindtextdomain(PK_DOMAIN_FA, dir);
  bind_textdomain_codeset(PK_DOMAIN_FA, "UTF-8");
  pk_i18n_set_lang(pk_i18n_lang());
  atomic_store(&g_inited, true);
}

static pthread_once_t fa_once = PTHREAD_ONCE_INIT;
static void init_if_needed(void) {
  if (!atomic_load(&g_inited)) pk_i18n_init(NULL);
}

const char *pk_tr_fa(const char *msgid) {
  if (!msgid || !*msgid) return "";
  pthread_once(&fa_once, init_if_needed); /* a program that prints receipts without the UI */
  return dgettext(PK_DOMAIN_FA, msgid);
}

void pk_i18n_set_lang(pk_lang lang) {
  if (lang != PK_LANG_EN) lang = PK_LANG_FA;
  atomic_store(&g_lang, lang);
  /* glibc's setenv keeps old strings alive, so a concurrent getenv stays safe. */
  setenv("LANGUAGE", lang == PK_LANG_FA ? "fa" : "en", 1);
  ++_nl_msg_cat_cntr;
}

pk_lang pk_i18n_lang(void) { return (pk_lang)atomic_load(&g_lang); }

bool pk__lang_rtl(void) { return pk_i18n_lang() == PK_LANG_FA; }

pk_lang pk_lang_from_code(const char *code) {
  return code && !strncmp(code, "en", 2) ? PK_LANG_EN : PK_LANG_FA;
}

const char *pk_tr(const char *msgid) {
  if (!msgid || !*msgid) return ""; /* "" would return the catalog header */
  return dgettext(PK_DOMAIN, msgid);
}

const char *pk_trn(const char *msgid, const char *msgid_plural, unsigned long n) {
  if (!msgid || !*msgid) return "";
  return dngettext(PK_DOMAIN, msgid, msgid_plural, n);
}

/* At exit: ICU keeps caches (collation data, converters) until u_cleanup, which leak
 * checkers would report. No other thread may use ICU after this. */
void pk_i18n_shutdown(void) {
  pk_i18n_thread_release();
  u_cleanup();
}

/* ICU objects cached per thread (calendars, collator) are closed when their thread
 * ends, through a key destructor, so worker threads leave nothing behind. */
static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

void pk_i18n_thread_release(void) {
  pk_jalali_release();
  pk_collate_release();
}

static void release_at_exit(void *unused) { pk_i18n_thread_release(); }
static void make_key(void) { pthread_key_create(&cache_key, release_at_exit); }

void pk_i18n_thread_cached(void) {
  pthread_once(&cache_once, make_key);
  pthread_setspecific(cache_key, (void *)1);
}
