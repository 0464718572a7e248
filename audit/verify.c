/* Verifying the audit log: the chain line by line, every checkpoint's signature, and the side
 * copy of the last checkpoint. The first thing out of place is named by seq and line. */
#include <fcntl.h>
#include <jose/jose.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "pishkhan/b64url.h"

typedef struct {
  const char *p;
  size_t n;
} span;

typedef struct {
  json_t *e;       /* parsed entry, or NULL */
  uint64_t seq;
  uint8_t prev[32];
  uint8_t own[32]; /* H(prev as recorded || line): what the next entry's prev must be */
} parsed;

typedef struct {
  const char *buf;
  size_t len, off;
  const json_t *jwks;
  pk_audit_report *rep;
  au_hasher *hash;
} walker;

static bool next_line(walker *w, span *s) {
  if (w->off >= w->len) return false;
  const char *nl = memchr(w->buf + w->off, '\n', w->len - w->off);
  if (!nl) return false;
  s->p = w->buf + w->off;
  s->n = (size_t)(nl - s->p);
  w->off += s->n + 1;
  return true;
}

static void parse(au_hasher *h, const span *s, parsed *out) {
  memset(out, 0, sizeof *out);
  out->e = pk_audit_parse_line(s->p, s->n);
  if (!out->e) return;
  out->seq = (uint64_t)json_integer_value(json_object_get(out->e, "seq"));
  au_unhex(json_string_value(json_object_get(out->e, "prev")), out->prev);
  au_chain(h, out->prev, s->p, s->n, out->own);
}

static const json_t *sig_key(const json_t *jwks, const char *kid) {
  const json_t *keys = json_object_get(jwks, "keys");
  for (size_t i = 0; kid && i < json_array_size(keys); i++) {
    const json_t *k = json_array_get(keys, i);
    const char *id = json_string_value(json_object_get(k, "kid"));
    if (id && !strcmp(id, kid)) return k;
  }
  return NULL;
}

static json_t *b64_json(const char *p, size_t n, char **raw, size_t *rawlen) {
  unsigned char *d = NULL;
  size_t dn = 0;
  json_error_t je;
  json_t *j = pk_b64url_decode(p, n, &d, &dn) == 0 ? json_loadb((const char *)d, dn, JSON_REJECT_DUPLICATES, &je) : NULL;
  if (raw) *raw = (char *)d, *rawlen = dn;
  else free(d);
  return j;
}

/* The JWS signs exactly this entry without its jws member, under an ES256 key of the JWKS. */
static bool jws_ok(const json_t *e, const json_t *jwks, char *why, size_t whysz) {
  const char *jws = json_string_value(json_object_get(e, "jws"));
  const char *d1 = jws ? strchr(jws, '.') : NULL, *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
  if (!d2 || strchr(d2 + 1, '.')) return au_err(why, whysz, "the checkpoint's jws is not a compact JWS"), false;
  char *payload = NULL, *want = au_checkpoint_payload(e);
  size_t plen = 0;
  json_t *hdr = b64_json(jws, (size_t)(d1 - jws), NULL, NULL), *pj = b64_json(d1 + 1, (size_t)(d2 - d1 - 1), &payload, &plen);
  bool same = pj && want && strlen(want) == plen && !memcmp(want, payload, plen);
  const char *alg = json_string_value(json_object_get(hdr, "alg"));
  const json_t *key = jwks ? sig_key(jwks, json_string_value(json_object_get(hdr, "kid"))) : NULL;
  bool ok = same && alg && !strcmp(alg, "ES256") && !json_object_get(hdr, "crit");
  if (ok && jwks) {
    json_t *flat = json_pack("{s:s%,s:s%,s:s}", "protected", jws, (size_t)(d1 - jws), "payload", d1 + 1,
                             (size_t)(d2 - d1 - 1), "signature", d2 + 1);
    ok = key && flat && jose_jws_ver(NULL, flat, NULL, key, false);
    json_decref(flat);
    if (!ok) au_err(why, whysz, key ? "the checkpoint's signature does not verify" : "the checkpoint's kid is not in the JWKS");
  } else if (!ok) {
    au_err(why, whysz, same ? "the checkpoint's header is not ES256" : "the checkpoint signs other content than its line");
  }
  json_decref(hdr), json_decref(pj), free(payload), free(want);
  return ok;
}

static bool is_checkpoint(const json_t *e) {
  const char *k = json_string_value(json_object_get(e, "kind"));
  return k && !strcmp(k, "checkpoint");
}

static bool checkpoint_ok(const parsed *c, const json_t *jwks, char *why, size_t whysz) {
  char prev[65];
  au_hex(c->prev, prev);
  const char *head = json_string_value(json_object_get(c->e, "head"));
  json_t *size = json_object_get(c->e, "size");
  if (!head || strcmp(head, prev) || !json_is_integer(size) || (uint64_t)json_integer_value(size) != c->seq - 1)
    return au_err(why, whysz, "the checkpoint's size or head is not that of the entries before it"), false;
  return jws_ok(c->e, jwks, why, whysz);
}

static int verdict(walker *w, pk_audit_verdict v, uint64_t seq, uint64_t line, const char *detail) {
  w->rep->verdict = v, w->rep->seq = seq, w->rep->line = line;
  if (detail) snprintf(w->rep->detail, sizeof w->rep->detail, "%s", detail);
  return 1;
}

/* Entry e at line e has the wrong seq: which edit puts it there. */
static int misplaced(walker *w, const parsed *cur, const parsed *nxt, const uint8_t before[32], uint64_t e) {
  if (cur->seq == e + 1 && nxt->e && nxt->seq == e) return verdict(w, PK_AUDIT_V_REORDERED, e, e, "entries swapped");
  if (cur->seq == e + 1 && memcmp(cur->prev, before, 32)) return verdict(w, PK_AUDIT_V_REMOVED, e, e, "entry missing");
  if (cur->seq < e) return verdict(w, PK_AUDIT_V_INSERTED, e, e, "an entry that does not belong here");
  return verdict(w, PK_AUDIT_V_CHANGED, e, e, "the entry's seq was changed");
}

/* The chain breaks between line e-1 and e: the one whose own hash the rest confirms is intact. */
static int broken_link(walker *w, const parsed *cur, const parsed *nxt, uint64_t e) {
  char why[120];
  bool cur_intact = (nxt->e && !memcmp(nxt->prev, cur->own, 32)) ||
                    (is_checkpoint(cur->e) && w->jwks && checkpoint_ok(cur, w->jwks, why, sizeof why));
  if (cur_intact && e > 1) return verdict(w, PK_AUDIT_V_CHANGED, e - 1, e - 1, "the entry's bytes were changed");
  return verdict(w, PK_AUDIT_V_CHANGED, e, e, "the entry's bytes were changed");
}

/* A checkpoint's canonical line starts with its first key, "head", which no other kind has. */
static bool checkpoint_line(const span *s) { return s->n > 8 && !memcmp(s->p, "{\"head\":\"", 9); }

/* Whether the line's seq is e and its prev is before_hex, without parsing it: in a flat
 * canonical entry each key appears once and the quotes inside strings are escaped, so the
 * patterns cannot match elsewhere. Only for lines before a checkpoint, whose signature over
 * the chain vouches for every byte. */
static bool quick(const span *s, uint64_t e, const char before_hex[65]) {
  const char *end = s->p + s->n, *p = memmem(s->p, s->n, "\"prev\":\"", 8);
  if (!p || end - p < 8 + 64 + 1 || memcmp(p + 8, before_hex, 64) || p[8 + 64] != '"') return false;
  const char *q = memmem(p, (size_t)(end - p), "\"seq\":", 6); /* keys are sorted: seq after prev */
  uint64_t seq = 0;
  for (q = q ? q + 6 : end; q < end && *q >= '0' && *q <= '9' && seq < UINT64_MAX / 10 - 9; q++) seq = seq * 10 + (uint64_t)(*q - '0');
  return seq == e && q < end && (*q == ',' || *q == '}');
}

/* Where the lines start that no checkpoint covers: they get the full parse. */
static size_t unsigned_from(const walker *w) {
  for (size_t end = w->len; end > 0;) {
    const char *nl = end > 1 ? memrchr(w->buf, '\n', end - 1) : NULL;
    size_t start = nl ? (size_t)(nl + 1 - w->buf) : 0;
    if (checkpoint_line(&(span){w->buf + start, end - start})) return start;
    end = start;
  }
  return 0;
}

/* The full check of one line (cur, with nxt the line after it): 0, or 1 with the verdict. */
static int check(walker *w, const span *cs, const span *ns, parsed *cur, const uint8_t before[32], uint64_t e) {
  parsed nxt = {0};
  char why[120];
  int rc = 0;
  parse(w->hash, cs, cur);
  if (ns->p) parse(w->hash, ns, &nxt);
  if (!cur->e) rc = verdict(w, PK_AUDIT_V_CHANGED, e, e, "not a canonical audit entry");
  else if (cur->seq != e) rc = misplaced(w, cur, &nxt, before, e);
  else if (memcmp(cur->prev, before, 32)) rc = broken_link(w, cur, &nxt, e);
  else if (is_checkpoint(cur->e) && !checkpoint_ok(cur, w->jwks, why, sizeof why)) rc = verdict(w, PK_AUDIT_V_CHECKPOINT, e, e, why);
  json_decref(nxt.e);
  return rc;
}

static int walk(walker *w) {
  span cs = {0}, ns = {0};
  uint8_t before[32] = {0};
  size_t full_from = unsigned_from(w);
  bool more = next_line(w, &ns);
  int rc = 0;
  for (uint64_t e = 1; more && !rc; e++) {
    cs = ns;
    if (!(more = next_line(w, &ns))) ns = (span){0};
    parsed cur = {0};
    char before_hex[65];
    au_hex(before, before_hex);
    bool fast = (size_t)(cs.p - w->buf) < full_from && !checkpoint_line(&cs) && quick(&cs, e, before_hex);
    if (fast) au_chain(w->hash, before, cs.p, cs.n, cur.own);
    else rc = check(w, &cs, &ns, &cur, before, e);
    if (!rc) {
      bool cp = !fast && is_checkpoint(cur.e);
      memcpy(before, cur.own, 32);
      w->rep->entries = e;
      w->rep->checkpoints += cp;
      w->rep->unsigned_tail = cp ? 0 : w->rep->unsigned_tail + 1;
    }
    json_decref(cur.e);
  }
  au_hex(before, w->rep->head_hex);
  return rc;
}

/* The side copy of the last checkpoint must be a line of the log, at its seq. */
static int side_copy(walker *w, const char *path) {
  char side[4200], why[120];
  snprintf(side, sizeof side, "%s.checkpoint", path);
  FILE *f = fopen(side, "re");
  if (!f) return 0;
  char *line = NULL;
  size_t cap = 0;
  ssize_t n = getline(&line, &cap, f);
  fclose(f);
  parsed c = {0};
  if (n > 0 && line[n - 1] == '\n') parse(w->hash, &(span){line, (size_t)n - 1}, &c);
  int rc = 0;
  if (!c.e || !is_checkpoint(c.e) || !checkpoint_ok(&c, w->jwks, why, sizeof why))
    rc = verdict(w, PK_AUDIT_V_CHECKPOINT, c.seq, 0, "the side copy of the last checkpoint does not verify");
  else if (c.seq > w->rep->entries)
    rc = verdict(w, PK_AUDIT_V_TRUNCATED, w->rep->entries + 1, w->rep->entries + 1, "entries cut off the end");
  else {
    walker again = *w;
    span s = {0};
    again.off = 0;
    for (uint64_t i = 0; i < c.seq; i++) next_line(&again, &s);
    if (s.n != (size_t)n - 1 || memcmp(s.p, line, s.n))
      rc = verdict(w, PK_AUDIT_V_CHECKPOINT, c.seq, c.seq, "the checkpoint differs from its side copy");
  }
  json_decref(c.e);
  free(line);
  return rc;
}

int pk_audit_verify(const char *path, const char *jwks_json, pk_audit_report *rep) {
  memset(rep, 0, sizeof *rep);
  int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
  struct stat st;
  if (fd < 0 || fstat(fd, &st)) {
    if (fd >= 0) close(fd);
    rep->verdict = PK_AUDIT_V_IO;
    snprintf(rep->detail, sizeof rep->detail, "the log cannot be read");
    return -1;
  }
  size_t len = (size_t)st.st_size;
  char *buf = len ? mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0) : NULL;
  close(fd);
  if (buf == MAP_FAILED) return rep->verdict = PK_AUDIT_V_IO, -1;
  if (buf) madvise(buf, len, MADV_SEQUENTIAL);
  json_error_t je;
  json_t *jwks = jwks_json ? json_loads(jwks_json, 0, &je) : NULL;
  walker w = {buf, len, 0, jwks, rep, au_hasher_new()};
  int rc = jwks_json && !jwks ? verdict(&w, PK_AUDIT_V_IO, 0, 0, "the JWKS is not JSON") : walk(&w);
  if (!rc && w.off < len) rc = verdict(&w, PK_AUDIT_V_TORN, rep->entries + 1, rep->entries + 1, "the last line is incomplete");
  if (!rc) rc = side_copy(&w, path);
  if (!rc && !jwks_json) snprintf(rep->detail, sizeof rep->detail, "chain intact; signatures not checked (no JWKS)");
  json_decref(jwks);
  au_hasher_free(w.hash);
  if (buf) munmap(buf, len);
  return rc;
}
