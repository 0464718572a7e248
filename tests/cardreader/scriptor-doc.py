#!/usr/bin/env python3
"""A third-party PC/SC client (scriptor, pcsc-tools) sends the APDUs documented in
docs/card-profile.md section 8 to pishkhan-vcard through pcscd + vpcd and must get the
documented answers. Run under pcsc-ns.sh (private /run/pcscd and loopback).
Usage: scriptor-doc.py SOURCE_DIR BINARY_DIR"""
import os
import re
import subprocess
import sys
import tempfile
import time

src, build = sys.argv[1], sys.argv[2]
PORT = "35963"
READER = "Pishkhan Test Reader 00 00"


def doc_session():
    text = open(os.path.join(src, "docs/card-profile.md"), encoding="utf-8").read()
    block = text.split("<!-- scriptor-begin -->")[1].split("<!-- scriptor-end -->")[0]
    steps, cmd = [], None
    for line in block.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or line.startswith("```"):
            continue
        if line.startswith(">"):
            exp = line[1:].split()
            steps.append((cmd, exp[0] == "*", [int(b, 16) for b in exp if b != "*"]))
            cmd = None
        else:
            cmd = line
    return steps


def wait_for(pred, timeout):
    end = time.time() + timeout
    while time.time() < end:
        if pred():
            return True
        time.sleep(0.1)
    return False


def card_present():
    out = subprocess.run(["opensc-tool", "-l"], capture_output=True, text=True).stdout
    return any(READER in l and " Yes " in l for l in out.splitlines())


def parse_scriptor(out):
    """[(command bytes, response bytes)] from scriptor's '> ..' / '< .. : text' lines."""
    pairs, resp, cur = [], None, None
    for line in out.splitlines():
        if line.startswith("> "):
            cur = line[2:].strip()
            resp = None
        elif line.startswith("< "):
            resp = []
            line = line[2:]
        if resp is not None and cur is not None:
            hexpart = line.split(":")[0]
            resp += [int(b, 16) for b in re.findall(r"\b[0-9A-Fa-f]{2}\b", hexpart)]
            if ":" in line:
                pairs.append((cur, resp))
                cur, resp = None, None
    return pairs


def main():
    steps = doc_session()
    assert len(steps) >= 10, "the documented session is missing"
    tmp = tempfile.mkdtemp(prefix="pk-scriptor-")
    conf = os.path.join(tmp, "reader.conf")
    with open(conf, "w") as f:
        f.write('FRIENDLYNAME "Pishkhan Test Reader"\nDEVICENAME /dev/null:%s\n'
                "LIBPATH /usr/lib/pcsc/drivers/serial/libifdvpcd.so\nCHANNELID %s\n" % (PORT, PORT))
    log = open(os.path.join(tmp, "log"), "w")
    pcscd = subprocess.Popen(["pcscd", "-f", "-c", conf], stdout=log, stderr=log)
    vcard = None
    try:
        vcard = subprocess.Popen([os.path.join(build, "bin/pishkhan-vcard"), "--persona", "citizen",
                                  "--port", PORT], stdout=log, stderr=log)
        if not wait_for(card_present, 10):
            print("FAIL: the virtual card never appeared in the reader", file=sys.stderr)
            return 1
        script = "\n".join(c for c, _, _ in steps) + "\n"
        out = subprocess.run(["scriptor", "-r", READER], input=script, capture_output=True, text=True,
                             timeout=60).stdout
        pairs = parse_scriptor(out)
        if len(pairs) != len(steps):
            print(out)
            print("FAIL: %d answers for %d commands" % (len(pairs), len(steps)), file=sys.stderr)
            return 1
        bad = 0
        for (cmd, anydata, exp), (sent, resp) in zip(steps, pairs):
            ok = resp[-2:] == exp[-2:] and (anydata and len(resp) > 2 or not anydata and resp == exp)
            print("%s  %s\n   -> %s" % ("ok  " if ok else "FAIL", cmd, " ".join("%02X" % b for b in resp[-8:])))
            bad += not ok
        return 1 if bad else 0
    finally:
        for p in (vcard, pcscd):
            if p:
                p.terminate()
                p.wait(5)


sys.exit(main())
