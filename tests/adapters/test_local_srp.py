"""The local emulator checks Cognito SRP sign-ins (USER_SRP_AUTH) the way Cognito does.

The client side below is the arithmetic of amazon-cognito-identity-js (the console's library),
written out in Python: a right password signs in, a wrong one gets NotAuthorizedException.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import UTC, datetime

import boto3
import pytest
from botocore.exceptions import ClientError

from infra.local.srp import INFO, G, K, N, hex_hash, pad_hex, password_x

PASSWORD = "Aduan-Lokal-2026"


@pytest.fixture
def pool(moto_endpoint):
    cognito = boto3.client(
        "cognito-idp",
        endpoint_url=moto_endpoint,
        region_name="ap-southeast-3",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    pool_id = cognito.create_user_pool(PoolName=f"srp-{secrets.token_hex(4)}")["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="console",
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(UserPoolId=pool_id, Username="petugas", MessageAction="SUPPRESS")
    cognito.admin_set_user_password(
        UserPoolId=pool_id, Username="petugas", Password=PASSWORD, Permanent=True
    )
    return cognito, pool_id, client_id


def srp_sign_in(cognito, pool_id: str, client_id: str, username: str, password: str) -> dict:
    a = secrets.randbelow(N - 1) + 1
    big_a = pow(G, a, N)
    challenge = cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_SRP_AUTH",
        AuthParameters={"USERNAME": username, "SRP_A": format(big_a, "x")},
    )
    params = challenge["ChallengeParameters"]
    user_id, salt, big_b = (
        params["USER_ID_FOR_SRP"],
        int(params["SALT"], 16),
        int(params["SRP_B"], 16),
    )
    pool_name = pool_id.split("_", 1)[1]
    u = int(hex_hash(pad_hex(big_a) + pad_hex(big_b)), 16)
    x = password_x(pool_name, user_id, password, salt)
    shared = pow((big_b - K * pow(G, x, N)) % N, a + u * x, N)
    prk = hmac.new(
        bytes.fromhex(pad_hex(u)), bytes.fromhex(pad_hex(shared)), hashlib.sha256
    ).digest()
    key = hmac.new(prk, INFO, hashlib.sha256).digest()[:16]
    timestamp = datetime.now(UTC).strftime("%a %b %-d %H:%M:%S UTC %Y")
    message = (
        pool_name.encode()
        + user_id.encode()
        + base64.b64decode(params["SECRET_BLOCK"])
        + timestamp.encode()
    )
    signature = base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()
    return cognito.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="PASSWORD_VERIFIER",
        Session=challenge["Session"],
        ChallengeResponses={
            "USERNAME": user_id,
            "PASSWORD_CLAIM_SECRET_BLOCK": params["SECRET_BLOCK"],
            "PASSWORD_CLAIM_SIGNATURE": signature,
            "TIMESTAMP": timestamp,
        },
    )


def test_the_right_password_signs_in(pool):
    cognito, pool_id, client_id = pool
    answer = srp_sign_in(cognito, pool_id, client_id, "petugas", PASSWORD)
    assert answer["AuthenticationResult"]["IdToken"].count(".") == 2


def test_a_wrong_password_is_refused(pool):
    cognito, pool_id, client_id = pool
    with pytest.raises(ClientError) as refused:
        srp_sign_in(cognito, pool_id, client_id, "petugas", "Aduan-Lokal-2025")
    assert refused.value.response["Error"]["Code"] == "NotAuthorizedException"


def test_a_replayed_proof_is_refused(pool):
    cognito, pool_id, client_id = pool
    srp_sign_in(cognito, pool_id, client_id, "petugas", PASSWORD)
    challenge = cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_SRP_AUTH",
        AuthParameters={"USERNAME": "petugas", "SRP_A": format(pow(G, 5, N), "x")},
    )
    with pytest.raises(ClientError) as refused:
        cognito.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="PASSWORD_VERIFIER",
            Session=challenge["Session"],
            ChallengeResponses={
                "USERNAME": "petugas",
                "PASSWORD_CLAIM_SECRET_BLOCK": challenge["ChallengeParameters"]["SECRET_BLOCK"],
                "PASSWORD_CLAIM_SIGNATURE": "AAAA",
                "TIMESTAMP": "Wed Dec 2 05:00:00 UTC 2026",
            },
        )
    assert refused.value.response["Error"]["Code"] == "NotAuthorizedException"
