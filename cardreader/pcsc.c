/* PC/SC transport on libpcsclite: connect shared, transactions around multi-APDU work,
 * and the PC/SC errors mapped to what the session must do (removed, reset, service gone). */
#include "card_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <winscard.h>

#include "pishkhan/log.h"


typedef struct {
  SCARDCONTEXT ctx;
  SCARDHANDLE h;
  DWORD proto;
  char reader[PK_READER_NAME_MAX];
  uint8_t atr[PK_ATR_MAX];
  size_t atr_len;
} pcsc_impl;

static int map_err(LONG rv) {
  switch (rv) {
  case SCARD_S_SUCCESS: return PK_TR_OK;
  case SCARD_W_REMOVED_CARD:
  case SCARD_E_NO_SMARTCARD:
  case SCARD_W_UNPOWERED_CARD:
  case SCARD_W_UNRESPONSIVE_CARD: return PK_TR_REMOVED;
  case SCARD_W_RESET_CARD: return PK_TR_RESET;
  case SCARD_E_NO_SERVICE:
  case SCARD_E_SERVICE_STOPPED:
  case SCARD_E_UNKNOWN_READER:
  case SCARD_E_READER_UNAVAILABLE:
  case SCARD_E_NO_READERS_AVAILABLE:
  case SCARD_E_INVALID_HANDLE: return PK_TR_NO_SERVICE;
  case SCARD_E_INSUFFICIENT_BUFFER: return PK_TR_OVERFLOW;
  default: return PK_TR_COMM;
  }
}

static void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

/* A transmission failure may be a card pulled out mid-APDU, which the reader driver
 * reports as a plain communication error before pcscd's presence poll (400 ms) notices;
 * on a loaded machine that poll runs late. Ask SCardStatus for up to 1.5 s so the caller
 * gets "removed" rather than "error". SCardStatus may itself fail with a communication
 * error in that window (pcscd has not yet looked): that is no answer, so it is asked again. */
static int classify_failure(pcsc_impl *p, LONG rv) {
  int rc = map_err(rv);
  if (rc != PK_TR_COMM) return rc;
  for (int i = 0; i < 15; i++) {
    DWORD state = 0, proto = 0, rlen = 0, alen = 0;
    LONG s = SCardStatus(p->h, NULL, &rlen, &state, &proto, NULL, &alen);
    if (s != SCARD_S_SUCCESS && map_err(s) != PK_TR_COMM) return map_err(s);
    if (s == SCARD_S_SUCCESS && !(state & SCARD_PRESENT)) return PK_TR_REMOVED;
    sleep_ms(100);
  }
  return PK_TR_COMM;
}

/* After someone else reset the card our handle must be reconnected before use. */
static void after_reset(pcsc_impl *p) {
  DWORD proto;
  if (SCardReconnect(p->h, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, SCARD_LEAVE_CARD, &proto) ==
      SCARD_S_SUCCESS)
    p->proto = proto;
}

static int pcsc_transmit(pk_transport *t, const uint8_t *apdu, size_t n, uint8_t *resp, size_t *resp_len) {
  pcsc_impl *p = pk_transport_impl(t);
  const SCARD_IO_REQUEST *pci = p->proto == SCARD_PROTOCOL_T1 ? SCARD_PCI_T1 : SCARD_PCI_T0;
  DWORD rl = (DWORD)*resp_len;
  LONG rv = SCardTransmit(p->h, pci, apdu, (DWORD)n, NULL, resp, &rl);
  if (rv == SCARD_S_SUCCESS) {
    *resp_len = rl;
    return PK_TR_OK;
  }
  *resp_len = 0;
  int rc = classify_failure(p, rv);
  if (rc == PK_TR_RESET) after_reset(p);
  pk_debug("pcsc: SCardTransmit: %s", pcsc_stringify_error(rv));
  return rc;
}

static int pcsc_begin(pk_transport *t) {
  pcsc_impl *p = pk_transport_impl(t);
  LONG rv = SCardBeginTransaction(p->h);
  if (rv == SCARD_W_RESET_CARD) after_reset(p);
  return map_err(rv);
}

static int pcsc_end(pk_transport *t) {
  pcsc_impl *p = pk_transport_impl(t);
  return map_err(SCardEndTransaction(p->h, SCARD_LEAVE_CARD));
}

static const uint8_t *pcsc_atr(pk_transport *t, size_t *len) {
  pcsc_impl *p = pk_transport_impl(t);
  *len = p->atr_len;
  return p->atr;
}

static int pcsc_control(pk_transport *t, unsigned long code, const uint8_t *in, size_t n, uint8_t *out,
                        size_t *out_len) {
  pcsc_impl *p = pk_transport_impl(t);
  DWORD got = 0;
  LONG rv = SCardControl(p->h, (DWORD)code, in, (DWORD)n, out, (DWORD)*out_len, &got);
  *out_len = rv == SCARD_S_SUCCESS ? got : 0;
  return rv == SCARD_E_UNSUPPORTED_FEATURE || rv == SCARD_E_NOT_TRANSACTED ? PK_TR_UNSUPPORTED : map_err(rv);
}

static void pcsc_free(pk_transport *t) {
  pcsc_impl *p = pk_transport_impl(t);
  /* Reset on the way out: a verified PIN must not outlive the citizen's session. */
  if (p->h) SCardDisconnect(p->h, SCARD_RESET_CARD);
  if (p->ctx) SCardReleaseContext(p->ctx);
  free(p);
}

static const pk_transport_ops pcsc_ops = {
  .transmit = pcsc_transmit, .begin = pcsc_begin, .end = pcsc_end, .free = pcsc_free,
  .atr = pcsc_atr, .control = pcsc_control,
};

/* The first reader that holds a card, into name. */
static LONG first_with_card(SCARDCONTEXT ctx, char *name, size_t namesz) {
  DWORD len = 0;
  LONG rv = SCardListReaders(ctx, NULL, NULL, &len);
  if (rv != SCARD_S_SUCCESS) return rv;
  char *list = malloc(len);
  if (!list) return SCARD_E_NO_MEMORY;
  rv = SCardListReaders(ctx, NULL, list, &len);
  LONG result = SCARD_E_NO_SMARTCARD;
  for (char *r = list; rv == SCARD_S_SUCCESS && *r; r += strlen(r) + 1) {
    SCARD_READERSTATE st = {.szReader = r, .dwCurrentState = SCARD_STATE_UNAWARE};
    if (SCardGetStatusChange(ctx, 0, &st, 1) == SCARD_S_SUCCESS && (st.dwEventState & SCARD_STATE_PRESENT) &&
        !(st.dwEventState & SCARD_STATE_MUTE)) {
      snprintf(name, namesz, "%s", r);
      result = SCARD_S_SUCCESS;
      break;
    }
  }
  free(list);
  return rv != SCARD_S_SUCCESS ? rv : result;
}

pk_transport *pk_transport_pcsc_open(const char *reader, long *scard_err) {
  long dummy;
  if (!scard_err) scard_err = &dummy;
  pcsc_impl *p = calloc(1, sizeof *p);
  if (!p) {
    *scard_err = SCARD_E_NO_MEMORY;
    return NULL;
  }
  LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &p->ctx);
  if (rv == SCARD_S_SUCCESS) {
    if (reader && *reader) snprintf(p->reader, sizeof p->reader, "%s", reader);
    else rv = first_with_card(p->ctx, p->reader, sizeof p->reader);
  }
  if (rv == SCARD_S_SUCCESS)
    rv = SCardConnect(p->ctx, p->reader, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &p->h, &p->proto);
  if (rv == SCARD_S_SUCCESS) {
    DWORD state, proto, alen = sizeof p->atr, rlen = 0;
    rv = SCardStatus(p->h, NULL, &rlen, &state, &proto, p->atr, &alen);
    p->atr_len = alen;
  }
  pk_transport *t = rv == SCARD_S_SUCCESS ? pk_transport_new(&pcsc_ops, p) : NULL;
  if (!t) {
    *scard_err = rv == SCARD_S_SUCCESS ? SCARD_E_NO_MEMORY : rv;
    if (p->h) SCardDisconnect(p->h, SCARD_LEAVE_CARD);
    if (p->ctx) SCardReleaseContext(p->ctx);
    free(p);
    return NULL;
  }
  *scard_err = SCARD_S_SUCCESS;
  return t;
}

const char *pk_transport_pcsc_reader(pk_transport *t) {
  if (!t || pk_transport_ops_of(t) != &pcsc_ops) return NULL;
  return ((pcsc_impl *)pk_transport_impl(t))->reader;
}
