#!/usr/bin/python3
"""Independent check of a receipt token with python3-jwcrypto (not our C code).
usage: verify_jwcrypto.py TOKEN JWKS_FILE EXPECTED_TRACKING_CODE -> exit 0 when valid."""
import json
import sys

from jwcrypto import jwk, jws

token, jwks_path, tc = sys.argv[1].strip(), sys.argv[2], sys.argv[3]
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
assert claims["nc"] == "5678" and "0012345678" not in token
print("jwcrypto: valid ES256 signature by %s for %s" % (kid, claims["tc"]))
