"""ok/fail lines and the closing count that ctest's readers know, for the Python tests here."""
import sys

passed = 0


def ok(what):
    global passed
    passed += 1
    print("ok - " + what, flush=True)


def fail(what):
    print("FAIL: " + what, flush=True)
    sys.exit(1)


def done():
    print("%d passed, 0 failed" % passed)
