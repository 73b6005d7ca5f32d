"""The local JWT authorizer checks tokens the way API Gateway does: signature (RS256, a key of
the pool's JWKS), issuer, audience / client id, token_use and expiry, and passes claims on as
strings. Keys are made here, so no emulator or network is needed."""

from __future__ import annotations

import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from infra.local.auth import (
    JwtConfig,
    LocalJwtAuthorizer,
    TokenRejected,
    gateway_claims,
    verify_token,
)

ISSUER = "https://cognito-idp.ap-southeast-3.amazonaws.com/ap-southeast-3_Pool1"
CLIENT = "client-abc"
CONFIG = JwtConfig(ISSUER, (CLIENT,))


def keypair(kid: str):
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key()))
    return private, {**public, "kid": kid, "alg": "RS256", "use": "sig"}


PRIVATE, PUBLIC = keypair("k1")
OTHER_PRIVATE, OTHER_PUBLIC = keypair("k2")
JWKS = {"keys": [PUBLIC]}


def token(claims_update=None, key=PRIVATE, kid="k1", algorithm="RS256", drop=()):
    now = int(time.time())
    claims = {
        "sub": "sub-1",
        "iss": ISSUER,
        "aud": CLIENT,
        "token_use": "id",
        "cognito:username": "koordinator",
        "cognito:groups": ["coordinator", "diskominfo"],
        "iat": now,
        "exp": now + 3600,
        **(claims_update or {}),
    }
    for name in drop:
        claims.pop(name)
    return jwt.encode(claims, key, algorithm=algorithm, headers={"kid": kid})


def test_a_valid_id_token_passes_with_its_claims():
    assert verify_token(token(), JWKS, CONFIG)["cognito:username"] == "koordinator"


def test_an_access_token_is_checked_on_its_client_id():
    access = token({"token_use": "access", "client_id": CLIENT}, drop=("aud",))
    assert verify_token(access, JWKS, CONFIG)["token_use"] == "access"
    with pytest.raises(TokenRejected, match="audience"):
        verify_token(
            token({"token_use": "access", "client_id": "another"}, drop=("aud",)), JWKS, CONFIG
        )


@pytest.mark.parametrize(
    "bad, reason",
    [
        (lambda: token({"exp": int(time.time()) - 1}), "expired"),
        (lambda: token({"aud": "another-client"}), "audience"),
        (
            lambda: token(
                {"iss": "https://cognito-idp.ap-southeast-3.amazonaws.com/ap-southeast-3_Other"}
            ),
            "issuer",
        ),
        (lambda: token({"token_use": "refresh"}), "token_use"),
        (lambda: token({"nbf": int(time.time()) + 600}), "not valid yet"),
        (lambda: token(drop=("exp",)), "invalid token"),
        (lambda: token(key=OTHER_PRIVATE, kid="k2"), "not in the user pool"),
        (lambda: token(key=OTHER_PRIVATE, kid="k1"), "invalid token"),  # forged with the pool's kid
        (lambda: token(key="a-shared-secret-that-is-32-bytes-long!", algorithm="HS256"), "RS256"),
        (lambda: "not.a.jwt", "not a JWT"),
    ],
    ids=[
        "expired",
        "wrong-audience",
        "wrong-pool",
        "refresh-token",
        "not-yet-valid",
        "no-exp",
        "unknown-key",
        "forged-signature",
        "hs256",
        "garbage",
    ],
)
def test_tokens_api_gateway_would_refuse_are_refused(bad, reason):
    with pytest.raises(TokenRejected, match=reason):
        verify_token(bad(), JWKS, CONFIG)


def test_claims_reach_the_function_as_api_gateway_passes_them():
    assert gateway_claims(
        {"cognito:groups": ["unit_admin", "dlh"], "exp": 5, "email_verified": True}
    ) == {
        "cognito:groups": "[unit_admin dlh]",
        "exp": "5",
        "email_verified": "true",
    }


def authorizer() -> LocalJwtAuthorizer:
    made = LocalJwtAuthorizer({"OfficerJwt": CONFIG}, {ISSUER: "http://unused"})
    made._jwks[ISSUER] = JWKS  # what the pool's JWKS URL would answer
    return made


def event(headers):
    return {"headers": headers, "requestContext": {}}


def test_authorize_puts_the_claims_into_the_request_context():
    request = event({"authorization": f"Bearer {token()}"})
    assert authorizer().authorize("OfficerJwt", request) is None
    assert (
        request["requestContext"]["authorizer"]["jwt"]["claims"]["cognito:groups"]
        == "[coordinator diskominfo]"
    )
    assert request["requestContext"]["authorizer"]["jwt"]["scopes"] is None


def test_authorize_answers_401_for_a_missing_or_bad_token():
    assert authorizer().authorize("OfficerJwt", event({}))[0] == 401
    assert authorizer().authorize("OfficerJwt", event({"authorization": "Bearer "}))[0] == 401
    status, message = authorizer().authorize(
        "OfficerJwt", event({"authorization": f"Bearer {token({'exp': 1})}"})
    )
    assert status == 401 and "expired" in message
    # API Gateway also takes the token without the Bearer prefix
    assert authorizer().authorize("OfficerJwt", event({"authorization": token()})) is None
