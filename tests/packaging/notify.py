#!/usr/bin/env python3
"""The kiosk's sd_notify, seen from the supervisor's side: a unix datagram socket this test
binds stands in for systemd's NOTIFY_SOCKET.
  - READY=1 comes once the first frame (shaped Persian) is on the terminal;
  - WATCHDOG=1 keeps coming at half of WATCHDOG_USEC, and stops when the loop hangs
    (pishkhan-demo's PK_TEST_HANG_AFTER_S) although the process is still there;
  - STOPPING=1 comes when systemd stops the kiosk (SIGTERM);
  - WATCHDOG_PID naming another process (what a grandchild of the unit's main process
    inherits) turns the pings off: why pishkhan-kiosk.service unsets it;
  - the production kiosk holds no hang hook.
  notify.py BIN_DIR"""
import fcntl
import os
import re
import select
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import termios
import time

from tap import done, fail, ok

BIN = sys.argv[1]
WATCHDOG_MS = 600
HANG_S = 8  # after start: time for a loaded machine to come up, then 2 s or more of pings
SHAPED = re.compile("[\ufe70-\ufeff]")


class Kiosk:
    """pishkhan-demo on a pty of its own, its NOTIFY_SOCKET bound here."""

    def __init__(self, tmp, env_extra):
        self.sock_path = os.path.join(tmp, "notify-%d.sock" % len(os.listdir(tmp)))
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.sock_path)
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        env = dict(os.environ, TERM="xterm-256color", LC_ALL="C.UTF-8", NOTIFY_SOCKET=self.sock_path)
        env.pop("WATCHDOG_PID", None)
        env.update(env_extra)
        self.log = open(os.path.join(tmp, "stderr.log"), "ab")
        self.proc = subprocess.Popen([os.path.join(BIN, "pishkhan-demo"), "--log-stderr"], stdin=slave,
                                     stdout=slave, stderr=self.log, env=env, start_new_session=True)
        os.close(slave)
        self.screen = ""

    def drain(self):
        """Everything the kiosk has written to its terminal so far."""
        while select.select([self.master], [], [], 0)[0]:
            try:
                self.screen += os.read(self.master, 65536).decode("utf-8", "replace")
            except OSError:
                break

    def messages(self, seconds):
        """(time, message) received within seconds; the terminal is drained before each is taken."""
        got, end = [], time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            ready = select.select([self.sock, self.master], [], [], left)[0]
            if self.master in ready:
                self.drain()
            if self.sock in ready:
                self.drain()  # written before the datagram was sent, so already in the pty
                msg = self.sock.recv(4096).decode()
                got.append((time.monotonic(), msg, SHAPED.search(self.screen) is not None))
        return got

    def wait_for(self, msg, seconds):
        for m in self.messages_until(msg, seconds):
            if m[1] == msg:
                return m
        fail("no %s within %d s; the kiosk's stderr:\n%s" % (msg, seconds, self.stderr()))

    def messages_until(self, msg, seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            for m in self.messages(min(0.2, end - time.monotonic())):
                yield m
                if m[1] == msg:
                    return

    def stderr(self):
        self.log.flush()
        with open(self.log.name, "rb") as f:
            return f.read().decode("utf-8", "replace")[-2000:]

    def close(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        os.close(self.master)
        self.sock.close()
        self.log.close()


def pings(msgs):
    return [t for t, m, _ in msgs if m == "WATCHDOG=1"]


def ready_then_watchdog_then_hang(tmp):
    k = Kiosk(tmp, {"WATCHDOG_USEC": str(WATCHDOG_MS * 1000), "PK_TEST_HANG_AFTER_S": str(HANG_S)})
    try:
        start = time.monotonic()
        _, _, frame_first = k.wait_for("READY=1", 20)
        if not frame_first:
            fail("READY=1 came before the first frame was on the terminal")
        ok("READY=1 after the first frame (shaped Persian on the terminal), %.0f ms after exec"
           % ((time.monotonic() - start) * 1000))
        # Until the hang, a ping at least every half interval, give or take.
        if time.monotonic() - start > HANG_S - 2.5:
            fail("READY=1 came too late to watch the pings before the hang")
        alive = pings(k.messages(start + HANG_S - 0.5 - time.monotonic()))
        gaps = [b - a for a, b in zip(alive, alive[1:])]
        if len(alive) < 3 or max(gaps) > WATCHDOG_MS / 1000:
            fail("WATCHDOG=1 not every %d ms: %d pings, gaps %s" % (WATCHDOG_MS // 2, len(alive), gaps))
        ok("WATCHDOG=1 every %.0f ms (largest gap %.0f ms, interval %d ms)"
           % (1000 * sum(gaps) / len(gaps), 1000 * max(gaps), WATCHDOG_MS))
        # The loop hangs: the pings stop for good, while the process lives on.
        after = pings(k.messages(start + HANG_S + 0.5 - time.monotonic()))
        quiet = pings(k.messages(3 * WATCHDOG_MS / 1000))
        if quiet:
            fail("WATCHDOG=1 still sent %.1f s after the loop hung" % (quiet[-1] - start - HANG_S))
        if k.proc.poll() is not None:
            fail("the kiosk exited instead of hanging (exit %s)" % k.proc.returncode)
        last = (after or alive)[-1]
        ok("hung loop: no WATCHDOG=1 for %.1f s (> %d ms) while the process lives: systemd would kill it"
           % (time.monotonic() - last, WATCHDOG_MS))
    finally:
        k.close()


def stopping_on_sigterm(tmp):
    k = Kiosk(tmp, {})
    try:
        k.wait_for("READY=1", 20)
        if pings(k.messages(0.5)):
            fail("WATCHDOG=1 sent without WATCHDOG_USEC")
        k.proc.send_signal(signal.SIGTERM)
        k.wait_for("STOPPING=1", 10)
        if k.proc.wait(10) != 0:
            fail("the kiosk exited %d on SIGTERM" % k.proc.returncode)
        ok("STOPPING=1 on SIGTERM, exit 0; no WATCHDOG=1 unless asked for")
    finally:
        k.close()


def grandchild_watchdog_pid(tmp):
    k = Kiosk(tmp, {"WATCHDOG_USEC": str(WATCHDOG_MS * 1000), "WATCHDOG_PID": str(os.getpid())})
    try:
        k.wait_for("READY=1", 20)
        if pings(k.messages(2 * WATCHDOG_MS / 1000)):
            fail("WATCHDOG=1 sent although WATCHDOG_PID names another process")
        ok("WATCHDOG_PID of another process (the unit's main process, cage): no pings, so the unit unsets it")
    finally:
        k.close()


def no_hook_in_production():
    with open(os.path.join(BIN, "pishkhan"), "rb") as f:
        if b"PK_TEST_HANG_AFTER_S" in f.read():
            fail("the production kiosk holds the hang hook")
    ok("the production kiosk holds no hang hook (pishkhan-demo only)")


with tempfile.TemporaryDirectory() as tmp:
    no_hook_in_production()
    ready_then_watchdog_then_hang(tmp)
    stopping_on_sigterm(tmp)
    grandchild_watchdog_pid(tmp)
done()
