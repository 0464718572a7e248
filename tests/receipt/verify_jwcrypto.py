#!/usr/bin/python3
"""Independent check of a receipt token with python3-jwcrypto (not our C code).
usage: verify_jwcrypto.py TOKEN JWKS_FILE EXPECTED_TRACKING_CODE [CLAIM=VALUE...] -> exit 0 when valid
and every CLAIM equals VALUE (integers compared as integers; nc defaults to the sample's 5678)."""
import json
import sys

from jwcrypto import jwk, jws

token, jwks_path, tc = sys.argv[1].strip(), sys.argv[2], sys.argv[3]
want = dict(a.split("=", 1) for a in sys.argv[4:])
keys = jwk.JWKSet.from_json(open(jwks_path).read())
obj = jws.JWS()
obj.deserialize(token)
kid = obj.jose_header["kid"]
assert obj.jose_header["alg"] == "ES256", obj.jose_header
key = keys.get_key(kid)
assert key is not None, "kid %s not in JWKS" % kid
obj.verify(key, alg="ES256")  # raises InvalidJWSSignature on a forged token
claims = json.loads(obj.payload)
assert claims["tc"] == tc, claims
nc = want.pop("nc", "5678")
assert claims["nc"] == nc and "0012345678" not in token
for k, v in want.items():
    got = claims.get(k)
    assert (got == int(v)) if isinstance(got, int) else (got == v), "%s: %r, expected %s" % (k, got, v)
print("jwcrypto: valid ES256 signature by %s for %s%s" % (kid, claims["tc"],
      "".join(" %s=%s" % (k, claims[k]) for k in want)))
