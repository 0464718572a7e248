/* UI language and gettext catalogs, without any fa_IR locale and without touching the
 * environment after start-up (worker threads read it: dgettext, getenv in libraries).
 * Each language is its own text domain ("pishkhan-fa", "pishkhan-en"), bound once;
 * switching the screen language only picks the other domain, so a receipt thread's
 * Persian lookups never race a switch. To make gettext's search path fixed, start-up
 * moves LC_MESSAGES to "C.UTF-8" (built into glibc >= 2.35; Debian 12 has 2.36; gettext
 * translates nothing in "C") and drops $LANGUAGE, and the build installs both domains
 * under locale/C/. Messages come out in UTF-8 whatever LC_CTYPE is. */
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

#define PK_DOMAIN_FA "pishkhan-fa"
#define PK_DOMAIN_EN "pishkhan-en"
#ifndef PK_LOCALEDIR
#define PK_LOCALEDIR "/usr/share/locale"
#endif

static atomic_int g_lang = PK_LANG_FA;

const char *pk_i18n_localedir(void) {
  const char *env = getenv("PK_LOCALEDIR");
  return env && *env ? env : PK_LOCALEDIR;
}

static atomic_bool g_inited;

static void bind_domain(const char *domain, const char *dir) {
  bindtextdomain(domain, dir);
  bind_textdomain_codeset(domain, "UTF-8");
}

void pk_i18n_init(const char *localedir) {
  setlocale(LC_MESSAGES, "C.UTF-8");
  unsetenv("LANGUAGE");
  const char *dir = localedir ? localedir : pk_i18n_localedir();
  bind_domain(PK_DOMAIN_FA, dir);
  bind_domain(PK_DOMAIN_EN, dir);
  atomic_store(&g_inited, true);
}

static pthread_once_t fa_once = PTHREAD_ONCE_INIT;
static void init_if_needed(void) {
  if (!atomic_load(&g_inited)) pk_i18n_init(NULL);
}

/* Printed receipts are Persian whatever the screen says. */
const char *pk_tr_fa(const char *msgid) {
  if (!msgid || !*msgid) return "";
  pthread_once(&fa_once, init_if_needed); /* a program that prints receipts without the UI */
  return dgettext(PK_DOMAIN_FA, msgid);
}

void pk_i18n_set_lang(pk_lang lang) { atomic_store(&g_lang, lang == PK_LANG_EN ? PK_LANG_EN : PK_LANG_FA); }

static const char *screen_domain(void) { return pk_i18n_lang() == PK_LANG_EN ? PK_DOMAIN_EN : PK_DOMAIN_FA; }

pk_lang pk_i18n_lang(void) { return (pk_lang)atomic_load(&g_lang); }

bool pk__lang_rtl(void) { return pk_i18n_lang() == PK_LANG_FA; }

pk_lang pk_lang_from_code(const char *code) {
  return code && !strncmp(code, "en", 2) ? PK_LANG_EN : PK_LANG_FA;
}

const char *pk_tr(const char *msgid) {
  if (!msgid || !*msgid) return ""; /* "" would return the catalog header */
  return dgettext(screen_domain(), msgid);
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
