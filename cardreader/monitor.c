/* The reader monitor: one thread blocked in SCardGetStatusChange on every watched reader
 * plus the PnP pseudo-reader; it only hands pk_event values to its sink (the main loop). pcscd
 * going away gives PK_EV_READER_ERROR (and removal of every card it knew), then the
 * thread retries until the service is back. Stop is prompt: SCardCancel + a condvar. */
#include "card_internal.h"

#include <fnmatch.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <winscard.h>

#include "pishkhan/log.h"

#define PNP "\\\\?PnP?\\Notification"
#define MAX_READERS 16

typedef struct {
  char name[PK_READER_NAME_MAX];
  DWORD state;   /* last dwEventState, CHANGED cleared */
  bool present;  /* a card was announced */
} reader_t;

struct pk_card_monitor {
  pk_event_sink sink;
  void *sink_ud;
  char *pattern;
  pthread_t th;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  bool stop;
  bool have_ctx;
  SCARDCONTEXT ctx;
  reader_t readers[MAX_READERS];
  int nreaders;
  bool service_down; /* READER_ERROR already posted */
  bool need_refresh;
  bool done; /* the thread is leaving */
  DWORD pnp_state;
};

bool pk_reader_matches(const char *pattern, const char *name) {
  if (!pattern || !*pattern) return true;
  if (strpbrk(pattern, "*?[")) return fnmatch(pattern, name, 0) == 0;
  return strstr(name, pattern) != NULL;
}

static bool wanted(const pk_card_monitor *m, const char *name) { return pk_reader_matches(m->pattern, name); }

static void post(pk_card_monitor *m, pk_event_type type, const char *reader, const uint8_t *atr, size_t atr_len,
                 long code) {
  pk_event ev = {.type = type, .code = code};
  if (reader) snprintf(ev.reader, sizeof ev.reader, "%s", reader);
  if (atr && atr_len <= PK_ATR_MAX) {
    memcpy(ev.atr, atr, atr_len);
    ev.atr_len = atr_len;
  }
  m->sink(&ev, m->sink_ud);
}

static bool stopping(pk_card_monitor *m) {
  pthread_mutex_lock(&m->mu);
  bool s = m->stop;
  pthread_mutex_unlock(&m->mu);
  return s;
}

/* Sleeps ms unless stopped first. */
static void nap(pk_card_monitor *m, long ms) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  ts.tv_sec += ms / 1000;
  ts.tv_nsec += (ms % 1000) * 1000000L;
  if (ts.tv_nsec >= 1000000000L) ts.tv_sec++, ts.tv_nsec -= 1000000000L;
  pthread_mutex_lock(&m->mu);
  if (!m->stop) pthread_cond_timedwait(&m->cv, &m->mu, &ts);
  pthread_mutex_unlock(&m->mu);
}

static void forget_reader(pk_card_monitor *m, int i) {
  if (m->readers[i].present) post(m, PK_EV_CARD_REMOVED, m->readers[i].name, NULL, 0, 0);
  post(m, PK_EV_READER_REMOVED, m->readers[i].name, NULL, 0, 0);
  m->readers[i] = m->readers[--m->nreaders];
}

static void drop_context(pk_card_monitor *m) {
  pthread_mutex_lock(&m->mu);
  if (m->have_ctx) SCardReleaseContext(m->ctx);
  m->have_ctx = false;
  pthread_mutex_unlock(&m->mu);
}

static void service_lost(pk_card_monitor *m, LONG rv) {
  pk_warn("card monitor: PC/SC service lost: %s", pcsc_stringify_error(rv));
  while (m->nreaders) forget_reader(m, m->nreaders - 1);
  if (!m->service_down) post(m, PK_EV_READER_ERROR, NULL, NULL, 0, rv);
  m->service_down = true;
  drop_context(m);
}

/* Brings the reader table in line with SCardListReaders. */
static LONG refresh_readers(pk_card_monitor *m) {
  DWORD len = 0;
  LONG rv = SCardListReaders(m->ctx, NULL, NULL, &len);
  char *list = NULL;
  if (rv == SCARD_S_SUCCESS && (list = calloc(1, len + 1)) == NULL) rv = SCARD_E_NO_MEMORY;
  if (rv == SCARD_S_SUCCESS) rv = SCardListReaders(m->ctx, NULL, list, &len);
  if (rv == SCARD_E_NO_READERS_AVAILABLE) rv = SCARD_S_SUCCESS; /* an empty list */
  if (rv != SCARD_S_SUCCESS) {
    free(list);
    return rv;
  }
  for (int i = m->nreaders - 1; i >= 0; i--) {
    bool still = false;
    for (char *r = list; r && *r; r += strlen(r) + 1) still = still || strcmp(r, m->readers[i].name) == 0;
    if (!still) forget_reader(m, i);
  }
  for (char *r = list; r && *r; r += strlen(r) + 1) {
    bool known = false;
    for (int i = 0; i < m->nreaders; i++) known = known || strcmp(r, m->readers[i].name) == 0;
    if (known || !wanted(m, r) || m->nreaders >= MAX_READERS || strlen(r) >= PK_READER_NAME_MAX) continue;
    reader_t *nr = &m->readers[m->nreaders++];
    memset(nr, 0, sizeof *nr);
    snprintf(nr->name, sizeof nr->name, "%s", r);
    nr->state = SCARD_STATE_UNAWARE;
    post(m, PK_EV_READER_ADDED, r, NULL, 0, 0);
  }
  free(list);
  return SCARD_S_SUCCESS;
}

static void apply_states(pk_card_monitor *m, SCARD_READERSTATE *st, int n) {
  for (int i = 0; i < n && i < m->nreaders; i++) {
    reader_t *r = &m->readers[i];
    DWORD ev = st[i].dwEventState;
    r->state = ev & ~SCARD_STATE_CHANGED;
    bool present = (ev & SCARD_STATE_PRESENT) && !(ev & SCARD_STATE_MUTE);
    if (present && !r->present) post(m, PK_EV_CARD_INSERTED, r->name, st[i].rgbAtr, st[i].cbAtr, 0);
    if (!present && r->present) post(m, PK_EV_CARD_REMOVED, r->name, NULL, 0, 0);
    r->present = present;
  }
}

/* One wait on every reader + PnP. Returns the PC/SC result. */
static LONG wait_once(pk_card_monitor *m) {
  SCARD_READERSTATE st[MAX_READERS + 1];
  memset(st, 0, sizeof st);
  int n = m->nreaders;
  for (int i = 0; i < n; i++) {
    st[i].szReader = m->readers[i].name;
    st[i].dwCurrentState = m->readers[i].state;
  }
  st[n].szReader = PNP;
  /* The PnP reader-count lives in the high word: ask with what we saw last time. */
  st[n].dwCurrentState = m->pnp_state;
  /* SCardCancel only interrupts a wait already in progress: stop() repeats it until the
   * thread is out; the finite timeout is only a safety net. */
  LONG rv = SCardGetStatusChange(m->ctx, 1000, st, (DWORD)n + 1);
  if (rv == SCARD_S_SUCCESS) {
    m->pnp_state = st[n].dwEventState & ~SCARD_STATE_CHANGED;
    apply_states(m, st, n);
    for (int i = 0; i < n; i++)
      if (st[i].dwEventState & (SCARD_STATE_UNKNOWN | SCARD_STATE_IGNORE)) rv = SCARD_E_UNKNOWN_READER;
    if (st[n].dwEventState & SCARD_STATE_CHANGED) rv = SCARD_E_UNKNOWN_READER; /* reader list changed */
  }
  return rv;
}

static bool establish(pk_card_monitor *m) {
  SCARDCONTEXT ctx;
  LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx);
  if (rv != SCARD_S_SUCCESS) {
    if (!m->service_down) post(m, PK_EV_READER_ERROR, NULL, NULL, 0, rv);
    m->service_down = true;
    return false;
  }
  pthread_mutex_lock(&m->mu);
  m->ctx = ctx;
  m->have_ctx = !m->stop;
  m->need_refresh = true;
  m->pnp_state = SCARD_STATE_UNAWARE;
  pthread_mutex_unlock(&m->mu);
  if (!m->have_ctx) SCardReleaseContext(ctx);
  return m->have_ctx;
}

static void *monitor_main(void *arg) {
  pk_card_monitor *m = arg;
  while (!stopping(m)) {
    if (!m->have_ctx && !establish(m)) {
      nap(m, 500);
      continue;
    }
    LONG rv = m->need_refresh ? refresh_readers(m) : SCARD_S_SUCCESS;
    if (rv == SCARD_S_SUCCESS) {
      if (m->service_down) pk_info("card monitor: PC/SC service is back");
      m->service_down = false;
      m->need_refresh = false;
      rv = wait_once(m);
    }
    if (rv == SCARD_E_UNKNOWN_READER) m->need_refresh = true;
    if (rv == SCARD_S_SUCCESS || rv == SCARD_E_TIMEOUT || rv == SCARD_E_UNKNOWN_READER) continue;
    if (rv == SCARD_E_CANCELLED && stopping(m)) break;
    if (rv == SCARD_E_NO_SERVICE || rv == SCARD_E_SERVICE_STOPPED || rv == SCARD_E_INVALID_HANDLE ||
        rv == SCARD_F_COMM_ERROR || rv == SCARD_E_NO_READERS_AVAILABLE || rv == SCARD_E_READER_UNAVAILABLE) {
      service_lost(m, rv);
      nap(m, 300);
      continue;
    }
    pk_debug("card monitor: %s", pcsc_stringify_error(rv));
    nap(m, 200); /* never spin on an unexpected error */
  }
  drop_context(m);
  pthread_mutex_lock(&m->mu);
  m->done = true;
  pthread_cond_broadcast(&m->cv);
  pthread_mutex_unlock(&m->mu);
  return NULL;
}

pk_card_monitor *pk_card_monitor_start(pk_event_sink sink, void *sink_ud, const char *reader_pattern) {
  if (!sink) return NULL;
  pk_card_monitor *m = calloc(1, sizeof *m);
  if (!m) return NULL;
  m->sink = sink;
  m->sink_ud = sink_ud;
  m->pattern = strdup(reader_pattern ? reader_pattern : "");
  pthread_mutex_init(&m->mu, NULL);
  pthread_cond_init(&m->cv, NULL);
  if (!m->pattern || pthread_create(&m->th, NULL, monitor_main, m) != 0) {
    free(m->pattern);
    pthread_mutex_destroy(&m->mu);
    pthread_cond_destroy(&m->cv);
    free(m);
    return NULL;
  }
  return m;
}

void pk_card_monitor_stop(pk_card_monitor *m) {
  if (!m) return;
  pthread_mutex_lock(&m->mu);
  m->stop = true;
  pthread_cond_broadcast(&m->cv);
  while (!m->done) {
    if (m->have_ctx) SCardCancel(m->ctx);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += 20 * 1000000L;
    if (ts.tv_nsec >= 1000000000L) ts.tv_sec++, ts.tv_nsec -= 1000000000L;
    pthread_cond_timedwait(&m->cv, &m->mu, &ts);
  }
  pthread_mutex_unlock(&m->mu);
  pthread_join(m->th, NULL);
  free(m->pattern);
  pthread_mutex_destroy(&m->mu);
  pthread_cond_destroy(&m->cv);
  free(m);
}
