"""An independent RFC 8785 serializer (Python's json module, keys sorted by UTF-16 code units) and
random test documents for it: strings from every plane, control characters, Persian, emoji."""
import json
import random
import sys


def jcs(v):
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ",".join(jcs(x) for x in v) + "]"
    if isinstance(v, dict):
        keys = sorted(v, key=lambda k: k.encode("utf-16-be"))
        return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + jcs(v[k]) for k in keys) + "}"
    raise ValueError("not in the subset")


POOL = ["a", "B", "z", "0", "_", " ", "\"", "\\", "/", "\b", "\f", "\n", "\r", "\t", "\x00", "\x01", "\x1f", "\x7f",
        "\u0080", "\u00f6", "\u06cc", "\u0627", "\u200c", "\u2028", "\u20ac", "\ue000", "\ufb33", "\uffff",
        "\U0001f600", "\U00010000", "\U0010ffff"]


def rstr(r, key=False):
    pool = [c for c in POOL if c != "\x00"] if key else POOL  # jansson refuses NUL in keys (pk_jcs does)
    return "".join(r.choice(pool) for _ in range(r.randint(0, 6)))


def rval(r, depth):
    k = r.randint(0, 7 if depth < 3 else 4)
    if k == 0:
        return None
    if k == 1:
        return r.choice([True, False])
    if k == 2:
        return r.randint(-(2**53 - 1), 2**53 - 1)
    if k in (3, 4):
        return rstr(r)
    if k == 5:
        return [rval(r, depth + 1) for _ in range(r.randint(0, 4))]
    return {rstr(r, True): rval(r, depth + 1) for _ in range(r.randint(0, 5))}


if __name__ == "__main__":
    cases, expected = sys.argv[1], sys.argv[2]
    r = random.Random(8785)
    with open(cases, "w", encoding="utf-8") as c, open(expected, "w", encoding="utf-8") as e:
        for _ in range(500):
            doc = rval(r, 0)
            # Spelled unlike the canonical form: indented, escaped to ASCII, keys in insertion order.
            c.write(json.dumps(doc, ensure_ascii=True).replace("\n", "") + "\n")
            e.write(jcs(doc) + "\n")
