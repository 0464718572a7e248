/* pishkhan-vcard: the virtual national ID card behind vpcd (vsmartcard's IFD handler), so
 * that real pcscd and libpcsclite see it exactly like a card in a hardware reader.
 *
 * vpcd protocol (virtualsmartcard/src/vpcd/vpcd.c): TCP, vpcd listens (default port
 * 35963) and the virtual card connects; every message both ways is a 2-byte big-endian
 * length and a payload. A 1-byte payload from vpcd is a control: 00 power off, 01 power
 * on, 02 reset (no answer), 04 get ATR (answer: the ATR). Anything else is a command
 * APDU, answered with the response APDU. The card is "present" while connected.
 *
 * Insert/remove: SIGUSR1 removes, SIGUSR2 inserts; --control FIFO takes lines "remove",
 * "insert", "reinsert", "quit"; --remove-after-apdus N removes after N APDUs. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pishkhan/vcard.h"

typedef struct {
  const char *persona, *pki, *host, *port, *control;
  long remove_after;
  long reinsert_after_ms;
  unsigned quirks;
  bool verbose;
} opts;

static int sig_pipe[2] = {-1, -1};

static void on_signal(int sig) {
  uint8_t b = (uint8_t)sig;
  int saved = errno;
  if (write(sig_pipe[1], &b, 1) < 0) { /* nothing to do in a handler */ }
  errno = saved;
}

static void say(const opts *o, const char *what) {
  if (o->verbose) fprintf(stderr, "pishkhan-vcard[%s]: %s\n", o->persona, what);
}

static int dial(const opts *o) {
  struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV}, *res;
  if (getaddrinfo(o->host, o->port, &hints, &res) != 0) return -1;
  int fd = -1;
  for (struct addrinfo *a = res; a && fd < 0; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen) < 0) {
      close(fd);
      fd = -1;
    }
    int one = 1;
    if (fd >= 0) setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  freeaddrinfo(res);
  return fd;
}

/* vpcd writes the length and the payload separately, so its Nagle waits for our ACK of
 * the length: ask for immediate ACKs (Linux resets TCP_QUICKACK, hence every read). */
static int read_all(int fd, uint8_t *b, size_t n) {
  while (n) {
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
    ssize_t r = recv(fd, b, n, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return -1;
    b += r;
    n -= (size_t)r;
  }
  return 0;
}

/* Length and payload in one write: split writes meet Nagle + delayed ACK (40 ms each). */
static int send_msg(int fd, const uint8_t *b, size_t n) {
  static uint8_t buf[2 + 65535];
  if (n > 0xFFFF) return -1;
  buf[0] = (uint8_t)(n >> 8);
  buf[1] = (uint8_t)n;
  memcpy(buf + 2, b, n);
  const uint8_t *p = buf;
  size_t left = n + 2;
  while (left) {
    ssize_t r = send(fd, p, left, MSG_NOSIGNAL);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return -1;
    p += r;
    left -= (size_t)r;
  }
  return 0;
}

typedef struct {
  const opts *o;
  pk_vcard *card;
  int fd;          /* -1 while removed or not yet connected */
  bool inserted;   /* wanted state */
  long apdus;
  uint8_t *in, *out;
  long long reinsert_at_ms;
} vstate;

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void remove_card(vstate *s) {
  if (s->fd >= 0) close(s->fd);
  s->fd = -1;
  s->inserted = false;
  pk_vcard_set_present(s->card, false);
  say(s->o, "removed");
}

static void insert_card(vstate *s) {
  s->inserted = true;
  pk_vcard_set_present(s->card, true);
  say(s->o, "inserted");
}

/* One message from vpcd. Returns -1 when the connection is gone. */
static int serve_one(vstate *s) {
  uint8_t hdr[2];
  if (read_all(s->fd, hdr, 2) < 0) return -1;
  size_t n = (size_t)hdr[0] << 8 | hdr[1];
  if (read_all(s->fd, s->in, n) < 0) return -1;
  if (n == 1) {
    size_t al;
    const uint8_t *atr;
    switch (s->in[0]) {
    case 0x00: case 0x01: case 0x02: pk_vcard_reset(s->card); return 0;
    case 0x04: atr = pk_vcard_atr(s->card, &al); return send_msg(s->fd, atr, al);
    default: break; /* a 1-byte APDU: malformed, let the card say 6700 */
    }
  }
  size_t rl = 65538;
  if (pk_vcard_apdu(s->card, s->in, n, s->out, &rl) < 0) return -1;
  int rc = send_msg(s->fd, s->out, rl);
  s->apdus++;
  if (s->o->remove_after > 0 && s->apdus == s->o->remove_after) {
    remove_card(s);
    if (s->o->reinsert_after_ms >= 0) s->reinsert_at_ms = now_ms() + s->o->reinsert_after_ms;
    return 0;
  }
  return rc;
}

static void control_line(vstate *s, const char *line, bool *quit) {
  if (strcmp(line, "remove") == 0) remove_card(s);
  else if (strcmp(line, "insert") == 0) insert_card(s);
  else if (strcmp(line, "reinsert") == 0) { remove_card(s); insert_card(s); }
  else if (strcmp(line, "quit") == 0) *quit = true;
}

static void read_control(vstate *s, int cfd, bool *quit) {
  char buf[256];
  ssize_t r = read(cfd, buf, sizeof buf - 1);
  if (r <= 0) return;
  buf[r] = 0;
  for (char *save = NULL, *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) control_line(s, l, quit);
}

static int run(const opts *o, pk_vcard *card) {
  vstate s = {.o = o, .card = card, .fd = -1, .inserted = true, .reinsert_at_ms = -1};
  s.in = malloc(65536);
  s.out = malloc(65538);
  int cfd = -1;
  if (o->control) {
    /* O_RDWR keeps the FIFO open when writers come and go. */
    if (mkfifo(o->control, 0600) < 0 && errno != EEXIST) perror(o->control);
    cfd = open(o->control, O_RDWR | O_NONBLOCK | O_CLOEXEC);
  }
  bool quit = false, announced = false;
  while (!quit && s.in && s.out) {
    if (s.inserted && s.fd < 0) {
      s.fd = dial(o);
      if (s.fd >= 0) say(o, "connected to vpcd");
      if (s.fd >= 0 && !announced) {
        printf("ready\n");
        fflush(stdout);
        announced = true;
      }
    }
    if (s.reinsert_at_ms >= 0 && now_ms() >= s.reinsert_at_ms) {
      s.reinsert_at_ms = -1;
      insert_card(&s);
      continue;
    }
    struct pollfd p[3] = {{.fd = sig_pipe[0], .events = POLLIN}, {.fd = cfd, .events = POLLIN}, {.fd = s.fd, .events = POLLIN}};
    int r = poll(p, 3, s.fd < 0 ? 100 : 500);
    if (r < 0 && errno != EINTR) break;
    if (r <= 0) continue;
    if (p[0].revents & POLLIN) {
      uint8_t sig;
      if (read(sig_pipe[0], &sig, 1) == 1) {
        if (sig == SIGUSR1) remove_card(&s);
        else if (sig == SIGUSR2) insert_card(&s);
        else quit = true;
      }
    }
    if (cfd >= 0 && (p[1].revents & POLLIN)) read_control(&s, cfd, &quit);
    if (s.fd >= 0 && (p[2].revents & (POLLIN | POLLHUP | POLLERR)) && serve_one(&s) < 0) {
      /* vpcd went away (pcscd stopped): reconnect while the card stays inserted */
      close(s.fd);
      s.fd = -1;
      say(o, "vpcd connection lost");
    }
  }
  if (s.fd >= 0) close(s.fd);
  if (cfd >= 0) close(cfd);
  free(s.in);
  free(s.out);
  return 0;
}

static unsigned parse_quirks(const char *s) {
  unsigned q = 0;
  if (strstr(s, "t0")) q |= PK_VCARD_QUIRK_T0;
  if (strstr(s, "6cxx")) q |= PK_VCARD_QUIRK_6CXX;
  if (strstr(s, "noext")) q |= PK_VCARD_QUIRK_NO_EXT;
  return q;
}

static void usage(FILE *f) {
  fprintf(f, "usage: pishkhan-vcard [--persona NAME] [--pki DIR] [--host H] [--port P] [--control FIFO]\n"
             "                      [--remove-after-apdus N [--reinsert-after-ms MS]] [--quirks t0,6cxx,noext] [-v]\n"
             "personas:");
  for (size_t i = 0; i < pk_vcard_persona_count(); i++) fprintf(f, " %s", pk_vcard_persona_name(i));
  fprintf(f, "\n");
}

int main(int argc, char **argv) {
  opts o = {.persona = "citizen", .pki = PK_TEST_PKI_DIR "/card", .host = "127.0.0.1", .port = "35963",
            .reinsert_after_ms = -1};
  static const struct option lo[] = {
    {"persona", 1, 0, 'p'}, {"pki", 1, 0, 'k'}, {"host", 1, 0, 'H'}, {"port", 1, 0, 'P'},
    {"control", 1, 0, 'c'}, {"remove-after-apdus", 1, 0, 'r'}, {"reinsert-after-ms", 1, 0, 'R'},
    {"quirks", 1, 0, 'q'}, {"verbose", 0, 0, 'v'}, {"help", 0, 0, 'h'}, {0, 0, 0, 0}};
  int ch;
  while ((ch = getopt_long(argc, argv, "p:k:H:P:c:r:R:q:vh", lo, NULL)) != -1) {
    switch (ch) {
    case 'p': o.persona = optarg; break;
    case 'k': o.pki = optarg; break;
    case 'H': o.host = optarg; break;
    case 'P': o.port = optarg; break;
    case 'c': o.control = optarg; break;
    case 'r': o.remove_after = strtol(optarg, NULL, 10); break;
    case 'R': o.reinsert_after_ms = strtol(optarg, NULL, 10); break;
    case 'q': o.quirks = parse_quirks(optarg); break;
    case 'v': o.verbose = true; break;
    case 'h': usage(stdout); return 0;
    default: usage(stderr); return 2;
    }
  }
  char *err = NULL;
  pk_vcard *card = pk_vcard_new(o.persona, o.pki, &err);
  if (!card) {
    fprintf(stderr, "pishkhan-vcard: %s\n", err ? err : "cannot create the card");
    free(err);
    usage(stderr);
    return 1;
  }
  pk_vcard_set_quirks(card, o.quirks);
  if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0) return 1;
  struct sigaction sa = {.sa_handler = on_signal};
  sigemptyset(&sa.sa_mask);
  sigaction(SIGUSR1, &sa, NULL);
  sigaction(SIGUSR2, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  int rc = run(&o, card);
  pk_vcard_free(card);
  close(sig_pipe[0]);
  close(sig_pipe[1]);
  return rc;
}
