"""The local gateway checks officers' JWTs against the Cognito pool (in moto) as API Gateway
does: a token of the pool's app client passes; missing, expired, another client's or another
pool's tokens get 401; the public routes need none."""

from __future__ import annotations

import pytest

from infra.local.auth import DEMO_PASSWORD
from tests.support import http

pytestmark = pytest.mark.e2e


def me(cloud, token: str | None, scheme: str = "Bearer ") -> int:
    headers = {"authorization": f"{scheme}{token}"} if token is not None else {}
    return http("GET", f"{cloud.gateway_url}/v1/officer/me", headers=headers).status


def pool_token(cloud, expires_in: int = 3600, groups: list[str] | None = None) -> str:
    """An id token as the officer pool issues it, signed with the key moto's pools sign with
    (moto ships it; the emulator runs in its own process, so the token is made here)."""
    import gzip
    import json
    import time
    import uuid
    from pathlib import Path

    import jwt
    import moto.cognitoidp

    private = json.loads(
        gzip.decompress(
            (
                Path(moto.cognitoidp.__file__).parent / "resources" / "jwks-private.json.gz"
            ).read_bytes()
        )
    )
    key = jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(private))
    now = int(time.time())
    claims = {
        "iss": f"https://cognito-idp.{cloud.region}.amazonaws.com/{cloud.resources['OfficerUserPool']}",
        "sub": str(uuid.uuid4()),
        "aud": cloud.gateway.authorizer.client_id,
        "token_use": "id",
        "iat": now,
        "auth_time": now,
        "exp": now + expires_in,
        "cognito:username": "koordinator",
    }
    if groups is not None:
        claims["cognito:groups"] = groups
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": private["kid"]})


def test_an_id_or_access_token_of_the_pools_client_passes(cloud):
    authorizer = cloud.gateway.authorizer
    assert me(cloud, authorizer.token("koordinator")) == 200
    assert me(cloud, authorizer.token("koordinator", kind="AccessToken")) == 200


def test_a_missing_or_garbage_token_is_401(cloud):
    assert me(cloud, None) == 401
    assert me(cloud, "") == 401
    assert me(cloud, "not-a-jwt") == 401
    assert me(cloud, "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.") == 401  # alg "none"


def test_an_expired_token_signed_by_the_pool_is_401(cloud):
    expired = pool_token(cloud, expires_in=-60, groups=["coordinator", "diskominfo"])
    assert me(cloud, expired) == 401
    fresh = pool_token(cloud, groups=["coordinator", "diskominfo"])
    assert me(cloud, fresh) == 200


def test_a_token_for_another_app_client_of_the_pool_is_401(cloud):
    authorizer = cloud.gateway.authorizer
    cognito = cloud.client("cognito-idp")
    other = cognito.create_user_pool_client(
        UserPoolId=authorizer.pool_id,
        ClientName="another-app",
        ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"],
    )
    token = cognito.admin_initiate_auth(
        UserPoolId=authorizer.pool_id,
        ClientId=other["UserPoolClient"]["ClientId"],
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "koordinator", "PASSWORD": DEMO_PASSWORD},
    )["AuthenticationResult"]["IdToken"]
    assert me(cloud, token) == 401


def test_a_token_from_another_user_pool_is_401(cloud):
    cognito = cloud.client("cognito-idp")
    pool = cognito.create_user_pool(PoolName="somebody-elses-pool")["UserPool"]["Id"]
    client = cognito.create_user_pool_client(
        UserPoolId=pool, ClientName="x", ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(UserPoolId=pool, Username="koordinator", MessageAction="SUPPRESS")
    cognito.admin_set_user_password(
        UserPoolId=pool, Username="koordinator", Password=DEMO_PASSWORD, Permanent=True
    )
    cognito.create_group(UserPoolId=pool, GroupName="coordinator")
    cognito.admin_add_user_to_group(
        UserPoolId=pool, Username="koordinator", GroupName="coordinator"
    )
    token = cognito.admin_initiate_auth(
        UserPoolId=pool,
        ClientId=client,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "koordinator", "PASSWORD": DEMO_PASSWORD},
    )["AuthenticationResult"]["IdToken"]
    assert me(cloud, token) == 401


def test_a_valid_token_without_an_officer_role_is_403(cloud):
    token = pool_token(cloud, groups=["diskominfo"])
    answer = http(
        "GET", f"{cloud.gateway_url}/v1/officer/me", headers={"authorization": f"Bearer {token}"}
    )
    assert answer.status == 403 and answer.json["error"]["code"] == "account_not_configured"


def test_public_routes_need_no_token(cloud):
    assert http("GET", f"{cloud.gateway_url}/openapi.json").status == 200
    assert http("GET", f"{cloud.gateway_url}/v1/complaints/AAAAA-BBBBB").status == 404
