#!/usr/bin/env python3
"""The kiosk session for real: the ExecStart= line of packaging/systemd/pishkhan-kiosk.service
(cage -> foot with the packaged foot.ini -> the kiosk), with its Environment=, run under cage's
headless backend as an ordinary user, the build's pishkhan-demo standing in for pishkhan.
  - READY=1 reaches a NOTIFY_SOCKET through cage and foot once the first frame is drawn;
  - grim's screenshot is the Persian home screen: compared pixel by pixel with a reference that
    the same cage and foot draw from the home screen pishkhan-demo drew in tmux (whose text
    must hold the shaped title), so a blank, English or unshaped screen fails;
  - the screenshot is kept: BUILD/artifacts/kiosk-session.png.
  session.py SOURCE_DIR BUILD_DIR      exits 77 when cage, foot, grim or tmux is missing"""
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

from tap import done, fail, ok

SRC, BUILD = sys.argv[1], sys.argv[2]
UNIT = os.path.join(SRC, "packaging/systemd/pishkhan-kiosk.service")
# The home screen's title پیشخوان as a terminal must show it: shaped (initial, medial and
# final forms) and in visual order, right to left.
TITLE = "\ufee5\ufe8d\ufeee\ufea8\ufeb8\ufbff\ufb58"
ONLINE = "\ufec2\ufea7\ufeae\ufe91"


for tool in ("cage", "foot", "grim", "tmux", "setpriv"):
    if not shutil.which(tool):
        print("skip: %s missing (scripts/install-deps --deb)" % tool)
        sys.exit(77)


def unit_values(key):
    with open(UNIT) as f:
        return [line.split("=", 1)[1].strip() for line in f if line.startswith(key + "=")]


class Session:
    """The unit's command line under cage's headless backend, as an ordinary user."""

    def __init__(self, tmp, name, argv_edit, env_extra):
        self.run = os.path.join(tmp, name)
        os.mkdir(self.run, 0o700)
        os.chown(self.run, UID, GID)
        argv = shlex.split(unit_values("ExecStart")[0].replace("%t/pishkhan-kiosk", self.run))
        env = {"PATH": "/usr/bin:/bin", "HOME": tmp, "LANG": "C.UTF-8", "WLR_BACKENDS": "headless",
               "NOTIFY_SOCKET": os.path.join(tmp, "notify.sock")}
        for assignments in unit_values("Environment"):
            env.update(a.split("=", 1) for a in shlex.split(assignments))
        env.update(env_extra)
        self.log = open(os.path.join(tmp, name + ".log"), "wb")
        self.proc = subprocess.Popen(AS_USER + ["env", "-i"] + ["%s=%s" % kv for kv in env.items()]
                                     + argv_edit(argv), stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True, cwd=tmp)

    def screenshot(self, path, kind="ppm"):
        env = {"XDG_RUNTIME_DIR": self.run, "WAYLAND_DISPLAY": "wayland-0", "PATH": "/usr/bin:/bin"}
        with open(path, "wb") as out:
            subprocess.run(AS_USER + ["env", "-i"] + ["%s=%s" % kv for kv in env.items()]
                           + ["grim", "-t", kind, "-"], check=True, stdout=out, cwd=self.run)

    def wait_socket(self, seconds):
        end = time.monotonic() + seconds
        while not os.path.exists(os.path.join(self.run, "wayland-0")):
            if time.monotonic() > end or self.proc.poll() is not None:
                fail("cage did not start:\n" + self.tail())
            time.sleep(0.05)

    def tail(self, whole=False):
        if not self.log.closed:
            self.log.flush()
        with open(self.log.name, "rb") as f:
            text = f.read().decode("utf-8", "replace")
        return text if whole else text[-3000:]

    def close(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGHUP)  # the unit's KillSignal=
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


def pixels(path):
    """grim's PPM (P6, 8 bits) as rows of RGB bytes."""
    data = open(path, "rb").read()
    magic, size, depth, body = data.split(b"\n", 3)
    w, h = map(int, size.split())
    if magic != b"P6" or depth != b"255":
        fail("unexpected PPM header from grim")
    return w, h, [body[y * w * 3:(y + 1) * w * 3] for y in range(h)]


def settled(session, shot, seconds=20):
    """A screenshot of a screen that stays put (as in the reference: the status line may change
    once the catalog's first answer comes)."""
    end, last = time.monotonic() + seconds, None
    while time.monotonic() < end:
        session.screenshot(shot)
        now = open(shot, "rb").read()
        if now == last:
            return
        last = now
        time.sleep(0.7)
    fail("the screen did not settle within %d s" % seconds)


def notify_socket(tmp):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(os.path.join(tmp, "notify.sock"))
    os.chmod(os.path.join(tmp, "notify.sock"), 0o777)
    return s


def wait_ready(sock, session, seconds):
    sock.settimeout(0.2)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if session.proc.poll() is not None:
            fail("the session ended (exit %s):\n%s" % (session.proc.returncode, session.tail()))
        try:
            if b"READY=1" in sock.recv(4096):
                return
        except socket.timeout:
            pass
    fail("no READY=1 from the session within %d s:\n%s" % (seconds, session.tail()))


def reference_text(tmp, env, conf, cols, rows):
    """The home screen pishkhan-demo draws in tmux at the session's grid, with its attributes."""
    # As the session's user, with the same files: what it may read is what it shows.
    sockets, errlog = os.path.join(tmp, "tmux"), os.path.join(tmp, "tmux-kiosk.err")
    os.mkdir(sockets, 0o700)
    os.chown(sockets, UID, GID)
    open(errlog, "w").close()
    os.chown(errlog, UID, GID)
    # A clean environment: tmux runs its command with $SHELL, and the caller's may be one the
    # session's user cannot run.
    tm = AS_USER + ["env", "-i", "PATH=/usr/bin:/bin", "HOME=" + tmp, "SHELL=/bin/sh", "LANG=C.UTF-8",
                    "TMUX_TMPDIR=" + sockets, "tmux", "-L", "pk-session", "-f", "/dev/null"]
    cmd = " ".join(shlex.quote(a) for a in ["env"] + ["%s=%s" % kv for kv in env.items()]
                   + [DEMO, "--kiosk", "--config", conf])
    # The pane stays when the kiosk exits, so that a failure shows what it printed.
    subprocess.run(tm + ["new-session", "-d", "-x", str(cols), "-y", str(rows), "-c", tmp,
                         "sh", "-c", cmd + " 2>>%s; echo exit $?; sleep 60" % shlex.quote(errlog)],
                   check=True, cwd=tmp)
    try:
        end, last = time.monotonic() + 30, None
        while time.monotonic() < end:
            pane = subprocess.run(tm + ["capture-pane", "-p"], capture_output=True, text=True, cwd=tmp)
            plain = pane.stdout or pane.stderr
            # The title, the demo window's first answer on the status line (network: online,
            # برخط), and a screen that stays put.
            if TITLE in plain and ONLINE in plain and plain == last:
                return subprocess.run(tm + ["capture-pane", "-p", "-e"], capture_output=True, text=True).stdout
            last = plain
            time.sleep(0.7)
        err = open(errlog, errors="replace").read()[-3000:] if os.path.exists(errlog) else ""
        fail("pishkhan-demo in tmux drew no settled home screen, online:\n%s\nits stderr:\n%s" % (plain, err))
    finally:
        subprocess.run(tm + ["kill-server"], capture_output=True)


def differing(px, rpx):
    return sum(1 for a_row, b_row in zip(px, rpx) for a, b in zip(a_row, b_row) if abs(a - b) > 40) // 3


class Setup:
    """The session's user, and the files it reads: a copy of the build's demo keys (they are
    the build owner's only; the production kiosk's checks of its key files are not touched)."""

    def __init__(self, tmp):
        global UID, GID, AS_USER
        os.chmod(tmp, 0o755)
        UID, GID, AS_USER = os.getuid(), os.getgid(), []
        if UID == 0:  # cage refuses root: an ordinary user, as the unit's User= would be
            import pwd
            p = pwd.getpwnam("nobody")
            UID, GID = p.pw_uid, p.pw_gid
            AS_USER = ["setpriv", "--reuid=%d" % UID, "--regid=%d" % GID, "--clear-groups"]
        self.tmp = tmp
        # Everything the session's user reads or runs is copied here: the checkout may be
        # somewhere that user cannot enter (a CI's clone under /root, say).
        global DEMO
        DEMO = os.path.join(tmp, "bin", "pishkhan-demo")
        os.mkdir(os.path.dirname(DEMO))
        shutil.copy2(os.path.join(BUILD, "bin/pishkhan-demo"), DEMO)
        # Its network helper, found beside it as in a build tree.
        shutil.copy2(os.path.join(BUILD, "bin/pishkhan-net"), os.path.dirname(DEMO))
        shutil.copytree(os.path.join(BUILD, "locale"), os.path.join(tmp, "locale"))
        self.foot_ini = os.path.join(tmp, "foot.ini")
        shutil.copy(os.path.join(SRC, "packaging/foot.ini"), self.foot_ini)
        pki, data = os.path.join(tmp, "pki"), os.path.join(tmp, "data")
        shutil.copytree(os.path.join(BUILD, "pki"), pki)
        os.mkdir(data)
        for d in (pki, data, os.path.join(tmp, "locale"), os.path.dirname(DEMO)):
            for root, dirs, files in os.walk(d):
                for n in [root] + [os.path.join(root, f) for f in files]:
                    os.chown(n, UID, GID)
        self.conf = os.path.join(tmp, "pishkhan.conf")
        with open(os.path.join(SRC, "packaging/pishkhan.conf")) as f:
            open(self.conf, "w").write(f.read().replace("/var/lib/pishkhan", data))
        os.chmod(self.conf, 0o644)
        self.demo_env = {"PK_DEMO_PKI": pki, "PK_LOCALEDIR": os.path.join(tmp, "locale")}

    def terminal_of(self, argv):
        """cage and foot of the unit's command line, without the kiosk."""
        if "/usr/bin/pishkhan" not in argv:
            fail("the unit's ExecStart runs no /usr/bin/pishkhan: %s" % argv)
        return [a.replace("/usr/share/pishkhan/foot.ini", self.foot_ini) for a in argv[:argv.index("/usr/bin/pishkhan")]]

    def as_built(self, argv):
        """The whole command line, the build's pishkhan-demo and a config of its own in it."""
        rest = argv[argv.index("/usr/bin/pishkhan") + 1:]
        return self.terminal_of(argv) + [DEMO] + \
            [self.conf if a == "/etc/pishkhan/pishkhan.conf" else a for a in rest]


def terminal_size(st):
    """The grid foot gives under cage, asked of the terminal itself. foot starts small and
    grows when cage makes it full-screen: the size once it stays put."""
    size_file = os.path.join(st.tmp, "probe", "size")
    script = "f=%s; trap 'stty size > $f' WINCH; stty size > $f; while :; do sleep 0.1; done" % size_file
    probe = Session(st.tmp, "probe", lambda argv: st.terminal_of(argv) + ["sh", "-c", script], {})
    try:
        end, seen, since = time.monotonic() + 20, None, time.monotonic()
        while time.monotonic() - since < 1.5:
            if time.monotonic() > end:
                fail("the terminal did not say its size:\n" + probe.tail())
            now = open(size_file).read().strip() if os.path.exists(size_file) else None
            if now != seen:
                seen, since = now, time.monotonic()
            time.sleep(0.1)
    finally:
        probe.close()
    rows, cols = map(int, open(size_file).read().split())
    return cols, rows


def reference_shot(st):
    """The same cage and foot showing the home screen pishkhan-demo drew in tmux."""
    cols, rows = terminal_size(st)
    text = reference_text(st.tmp, dict(st.demo_env, TERM="xterm-256color", LC_ALL="C.UTF-8"), st.conf, cols, rows)
    first_row = re.sub("\x1b\\[[0-9;]*m", "", text).split("\n")[0]
    if TITLE not in first_row:
        fail("the reference home screen's first row lacks the shaped title: %s" % first_row)
    ref_file = os.path.join(st.tmp, "reference.txt")
    # Each row placed where it was (no newline may scroll), G1 as the line-drawing set that
    # tmux's shift-out expects, no cursor.
    placed = "".join("\x1b[%d;1H%s" % (i + 1, line) for i, line in enumerate(text.rstrip("\n").split("\n")))
    open(ref_file, "w").write("\x1b[0m\x1b)0\x1b[?25l\x1b[2J" + placed + "\x1b[0m")
    os.chmod(ref_file, 0o644)
    # Drawn again at each resize: foot starts small, then cage makes it full-screen.
    draw = "cat %s" % shlex.quote(ref_file)
    script = "trap '%s' WINCH; %s; while :; do sleep 0.1; done" % (draw, draw)
    ref = Session(st.tmp, "reference", lambda argv: st.terminal_of(argv) + ["sh", "-c", script], {})
    try:
        ref.wait_socket(20)
        shot = os.path.join(st.tmp, "reference.ppm")
        settled(ref, shot)
        return pixels(shot)
    finally:
        ref.close()


def kiosk_shot(st, ref):
    """The unit's command line; its screen once it is the reference's (the catalog's first
    answer changes the status line), or the last one after 30 s."""
    rw, rh, rpx = ref
    sock = notify_socket(st.tmp)
    kiosk = Session(st.tmp, "kiosk", st.as_built, st.demo_env)
    try:
        kiosk.wait_socket(20)
        start = time.monotonic()
        wait_ready(sock, kiosk, 30)
        ok("READY=1 through cage and foot, %.1f s after the compositor came up" % (time.monotonic() - start))
        shot, end = os.path.join(st.tmp, "kiosk.ppm"), time.monotonic() + 30
        while True:
            kiosk.screenshot(shot)
            w, h, px = pixels(shot)
            if (w, h) == (rw, rh) and differing(px, rpx) <= w * h // 400 or time.monotonic() > end:
                break
            time.sleep(0.3)
        kiosk.screenshot(os.path.join(st.tmp, "kiosk.png"), "png")
        return w, h, px
    finally:
        kiosk.close()


def main(tmp):
    st = Setup(tmp)
    ref = reference_shot(st)
    w, h, px = kiosk_shot(st, ref)
    background = max(set(px[h // 2][::3]), key=px[h // 2][::3].count)
    inked = sum(1 for row in px for v in row[::3] if abs(v - background) > 40)
    if inked < w * h // 100:
        fail("the kiosk's screen is blank (%d of %d pixels differ from the background)" % (inked, w * h))
    ok("the screen is not blank: %dx%d, %.1f%% of the pixels inked" % (w, h, 100.0 * inked / (w * h)))
    if (ref[0], ref[1]) != (w, h):
        fail("reference %dx%d, kiosk %dx%d" % (ref[0], ref[1], w, h))
    differ = differing(px, ref[2])
    print("pixels differing from the reference: %d of %d (%.2f%%)" % (differ, w * h, 100.0 * differ / (w * h)))
    # The tolerance: the clock's minute may turn between the two, and the last column.
    if differ > w * h // 400:
        fail("the kiosk's screen is not the Persian home screen pishkhan draws (%d pixels differ)" % differ)
    ok("the screenshot is the Persian home screen (shaped title in the top row), within 0.25% of the reference")
    art = os.path.join(BUILD, "artifacts")
    os.makedirs(art, exist_ok=True)
    shutil.copy(os.path.join(tmp, "kiosk.png"), os.path.join(art, "kiosk-session.png"))
    ok("kept as %s" % os.path.join(art, "kiosk-session.png"))


with tempfile.TemporaryDirectory() as tmp:
    try:
        main(tmp)
    finally:
        if os.environ.get("KEEP_WORK"):
            shutil.copytree(tmp, os.environ["KEEP_WORK"], dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("*.sock", "wayland-*", "pk-session"))
done()
