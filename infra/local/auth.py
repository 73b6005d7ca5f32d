"""The local HTTP API's JWT authorizer: the officers' Cognito user pool, checked like API Gateway.

moto's CloudFormation skips AWS::Cognito::*, so `LocalJwtAuthorizer.from_template` creates the
template's user pool, app client and role groups in the emulator itself, adds the unit and bidang
groups and the demo officers (`DEMO_OFFICERS`, documented in docs/officers.md), and reads the
HttpApi's JWT authorizers (issuer and audience, with their !Sub / !Ref resolved to what it
created). `authorize` then does what API Gateway's JWT authorizer does: take the bearer token from
the Authorization header, check its RS256 signature against the pool's JWKS
(`<endpoint>/<pool id>/.well-known/jwks.json`, served by moto), its issuer, its audience (`aud` of
an ID token, or `client_id` of an access token), `token_use` and expiry, and pass the claims on in
`requestContext.authorizer.jwt` the way API Gateway does (strings; an array as "[a b]").

Get a token for a demo officer (with `make run` up):
    .venv/bin/python -m infra.local.auth token koordinator
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
import urllib.request
from dataclasses import dataclass
from typing import Any

from infra.local import template as tpl

DEMO_PASSWORD = "Aduan-Lokal-2026"  # dev only: the local pool exists on this machine alone
KEL = "kel-klojen-oro-oro-dowo"


@dataclass(frozen=True)
class DemoOfficer:
    username: str
    role: str
    groups: tuple[str, ...]
    email: str


def _officer(username: str, role: str, *groups: str) -> DemoOfficer:
    return DemoOfficer(username, role, (role, *groups), f"{username}@malangkota.example.go.id")


# One of each role, and enough units and bidang to show that nobody reaches another unit's work.
DEMO_OFFICERS: tuple[DemoOfficer, ...] = (
    _officer("koordinator", "coordinator", "diskominfo"),
    _officer("admin.dpuprpkp", "unit_admin", "dpuprpkp"),
    _officer("binamarga.dpuprpkp", "bidang", "dpuprpkp", "dpuprpkp.bina-marga"),
    _officer("admin.dlh", "unit_admin", "dlh"),
    _officer("admin.oro-oro-dowo", "unit_admin", KEL),
    _officer(
        "pelayanan.oro-oro-dowo", "bidang", KEL, f"{KEL}.pemberdayaan-masyarakat-dan-pelayanan"
    ),
    _officer("pemerintahan.oro-oro-dowo", "bidang", KEL, f"{KEL}.pemerintahan-dan-ketenteraman"),
)

# Locally tokens are fetched with a password (tests, curl); in AWS the console uses SRP.
LOCAL_AUTH_FLOWS = ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_USER_PASSWORD_AUTH"]


class TokenRejected(Exception):
    """Why API Gateway would answer 401."""


@dataclass(frozen=True)
class JwtConfig:
    issuer: str
    audience: tuple[str, ...]
    identity_source: str = "$request.header.Authorization"


def verify_token(
    token: str, jwks: dict[str, Any], config: JwtConfig, now: float | None = None
) -> dict[str, Any]:
    """The token's claims if API Gateway's JWT authorizer would accept it; else TokenRejected."""
    import jwt

    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as error:
        raise TokenRejected(f"not a JWT: {error}") from error
    if header.get("alg") != "RS256":
        raise TokenRejected(f"algorithm {header.get('alg')!r} is not RS256")
    key = next((k for k in jwks.get("keys", []) if k.get("kid") == header.get("kid")), None)
    if key is None:
        raise TokenRejected("signed by a key not in the user pool's JWKS")
    try:
        claims = jwt.decode(
            token,
            jwt.PyJWK(key, algorithm="RS256").key,
            algorithms=["RS256"],
            options={
                "verify_aud": False,
                "verify_exp": False,
                "verify_iat": False,
                "verify_nbf": False,
                "require": ["exp", "iss"],
            },
        )
    except jwt.PyJWTError as error:
        raise TokenRejected(f"invalid token: {error}") from error
    moment = time.time() if now is None else now
    if claims["exp"] <= moment:
        raise TokenRejected("token expired")
    if "nbf" in claims and claims["nbf"] > moment:
        raise TokenRejected("token not valid yet")
    if claims["iss"] != config.issuer:
        raise TokenRejected("issuer is not this user pool")
    token_use = claims.get("token_use")
    if token_use not in ("id", "access"):
        raise TokenRejected("token_use is neither id nor access")
    audience = claims.get("aud") if token_use == "id" else claims.get("client_id")
    if audience not in config.audience:
        raise TokenRejected("audience is not this API's app client")
    return claims


def gateway_claims(claims: dict[str, Any]) -> dict[str, str]:
    """Claims as an HTTP API hands them to a function: every value a string, arrays as "[a b]"."""
    out = {}
    for name, value in claims.items():
        if isinstance(value, list):
            out[name] = "[" + " ".join(str(v) for v in value) + "]"
        elif isinstance(value, bool):
            out[name] = str(value).lower()
        else:
            out[name] = str(value)
    return out


class LocalJwtAuthorizer:
    def __init__(
        self,
        authorizers: dict[str, JwtConfig],
        jwks_urls: dict[str, str],
        cognito: Any = None,
        pool_id: str = "",
        client_id: str = "",
    ) -> None:
        self.authorizers = authorizers
        self.jwks_urls = jwks_urls  # issuer -> JWKS URL
        self.cognito, self.pool_id, self.client_id = cognito, pool_id, client_id
        self._jwks: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    # ---------------------------------------------------------------- setup
    @classmethod
    def from_template(cls, cloud: Any, sam: dict[str, Any]) -> LocalJwtAuthorizer:
        cognito = cloud.client("cognito-idp")
        stage = "local"
        refs: dict[str, str] = {"AWS::Region": cloud.region, "Stage": stage}
        resources = sam["Resources"]
        for logical_id, resource in tpl.user_pools(sam).items():
            props = resource.get("Properties", {})
            name = _resolve(props.get("UserPoolName", logical_id), refs)
            kwargs: dict[str, Any] = {"PoolName": name}
            if props.get("Policies"):
                kwargs["Policies"] = props["Policies"]
            # A start from a snapshot (infra.local.snapshot) finds the pool, its clients, groups
            # and officers there, passwords and all: only what is missing is created.
            pool_id = (
                next(
                    (
                        p["Id"]
                        for p in cognito.list_user_pools(MaxResults=60)["UserPools"]
                        if p["Name"] == name
                    ),
                    None,
                )
                or cognito.create_user_pool(**kwargs)["UserPool"]["Id"]
            )
            refs[logical_id] = cloud.resources[logical_id] = pool_id
        for logical_id, resource in resources.items():
            if resource["Type"] != "AWS::Cognito::UserPoolClient":
                continue
            props = resource["Properties"]
            flows = sorted({*props.get("ExplicitAuthFlows", []), *LOCAL_AUTH_FLOWS})
            pool, client_name = (
                _resolve(props["UserPoolId"], refs),
                props.get("ClientName", logical_id),
            )
            client_id = (
                next(
                    (
                        c["ClientId"]
                        for c in cognito.list_user_pool_clients(UserPoolId=pool, MaxResults=60)[
                            "UserPoolClients"
                        ]
                        if c["ClientName"] == client_name
                    ),
                    None,
                )
                or cognito.create_user_pool_client(
                    UserPoolId=pool, ClientName=client_name, ExplicitAuthFlows=flows
                )["UserPoolClient"]["ClientId"]
            )
            refs[logical_id] = cloud.resources[logical_id] = client_id
        for resource in resources.values():
            if resource["Type"] == "AWS::Cognito::UserPoolGroup":
                props = resource["Properties"]
                with contextlib.suppress(cognito.exceptions.GroupExistsException):
                    cognito.create_group(
                        UserPoolId=_resolve(props["UserPoolId"], refs),
                        GroupName=props["GroupName"],
                        Description=props.get("Description", ""),
                    )
        configs = {
            name: JwtConfig(
                issuer=_resolve(spec["JwtConfiguration"]["issuer"], refs),
                audience=tuple(_resolve(a, refs) for a in spec["JwtConfiguration"]["audience"]),
                identity_source=spec.get("IdentitySource", "$request.header.Authorization"),
            )
            for name, spec in tpl.authorizers(sam).items()
        }
        pool_ids = [refs[k] for k in tpl.user_pools(sam)]
        jwks = {
            f"https://cognito-idp.{cloud.region}.amazonaws.com/{p}": f"{cloud.endpoint}/{p}/.well-known/jwks.json"
            for p in pool_ids
        }
        client_ids = [
            refs[k] for k, r in resources.items() if r["Type"] == "AWS::Cognito::UserPoolClient"
        ]
        made = cls(
            configs,
            jwks,
            cognito,
            pool_ids[0] if pool_ids else "",
            client_ids[0] if client_ids else "",
        )
        if made.pool_id:
            made.seed_demo_officers()
        return made

    def seed_demo_officers(self) -> None:
        from infra.officers import ensure_groups, unit_groups
        from infra.seeding import load_seed

        known = unit_groups(load_seed().get("units", []))
        wanted = {g: known[g] for officer in DEMO_OFFICERS for g in officer.groups if g in known}
        ensure_groups(self.cognito, self.pool_id, wanted)
        existing = {
            user["Username"]
            for page in self.cognito.get_paginator("list_users").paginate(UserPoolId=self.pool_id)
            for user in page["Users"]
        }
        for officer in DEMO_OFFICERS:
            if officer.username in existing:
                continue  # kept by a snapshot, with the password and groups it has now
            self.cognito.admin_create_user(
                UserPoolId=self.pool_id,
                Username=officer.username,
                UserAttributes=[
                    {"Name": "email", "Value": officer.email},
                    {"Name": "email_verified", "Value": "true"},
                ],
                MessageAction="SUPPRESS",
            )
            self.cognito.admin_set_user_password(
                UserPoolId=self.pool_id,
                Username=officer.username,
                Password=DEMO_PASSWORD,
                Permanent=True,
            )
            for group in officer.groups:
                self.cognito.admin_add_user_to_group(
                    UserPoolId=self.pool_id, Username=officer.username, GroupName=group
                )

    def token(self, username: str, password: str = DEMO_PASSWORD, kind: str = "IdToken") -> str:
        """A fresh token for a local officer (what the console would get after signing in)."""
        answer = self.cognito.admin_initiate_auth(
            UserPoolId=self.pool_id,
            ClientId=self.client_id,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": password},
        )
        return answer["AuthenticationResult"][kind]

    # ---------------------------------------------------------------- per request
    def jwks(self, issuer: str) -> dict[str, Any]:
        with self._lock:
            if issuer not in self._jwks:
                with urllib.request.urlopen(self.jwks_urls[issuer], timeout=5) as response:
                    self._jwks[issuer] = json.loads(response.read())
            return self._jwks[issuer]

    def authorize(self, authorizer_name: str, event: dict[str, Any]) -> tuple[int, str] | None:
        """None (claims added to the event) or the (status, message) API Gateway would answer."""
        config = self.authorizers.get(authorizer_name)
        if config is None:
            return 500, f"no authorizer named {authorizer_name}"
        header = config.identity_source.rsplit(".", 1)[-1].lower()
        raw = (event.get("headers") or {}).get(header, "").strip()
        token = raw[7:].strip() if raw.lower().startswith("bearer ") else raw
        if not token:
            return 401, "Unauthorized"
        try:
            claims = verify_token(
                token,
                self.jwks(config.issuer) if config.issuer in self.jwks_urls else {"keys": []},
                config,
            )
        except TokenRejected as rejected:
            return 401, f"Unauthorized ({rejected})"
        event["requestContext"]["authorizer"] = {
            "jwt": {"claims": gateway_claims(claims), "scopes": None}
        }
        return None


def _resolve(value: Any, refs: dict[str, str]) -> Any:
    """!Ref and !Sub of the template, for the few values the authorizer needs."""
    if isinstance(value, dict) and "Ref" in value:
        return refs[value["Ref"]]
    if isinstance(value, dict) and "Fn::Sub" in value:
        text = value["Fn::Sub"]
        return re.sub(r"\$\{([^}]+)\}", lambda m: refs[m.group(1)], text)
    return value


def main() -> None:
    import argparse
    import os

    parser = argparse.ArgumentParser(description="Tokens for the local cloud's demo officers.")
    sub = parser.add_subparsers(dest="command", required=True)
    tok = sub.add_parser("token", help="print an ID token for a demo officer")
    tok.add_argument("username", choices=[o.username for o in DEMO_OFFICERS])
    tok.add_argument(
        "--endpoint",
        help="the AWS emulator (default: the running `make run`'s, else AWS_ENDPOINT_URL)",
    )
    args = parser.parse_args()
    if not args.endpoint:
        from infra.local import discovery

        try:
            args.endpoint = discovery.find()["aws"]
        except discovery.NotRunning as error:
            if not os.environ.get("AWS_ENDPOINT_URL"):
                raise SystemExit(f"error: {error}") from None
            args.endpoint = os.environ["AWS_ENDPOINT_URL"]
    import boto3

    cognito = boto3.client(
        "cognito-idp",
        endpoint_url=args.endpoint,
        region_name=os.environ.get("AWS_REGION", "ap-southeast-3"),
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    pool = next(
        p
        for p in cognito.list_user_pools(MaxResults=60)["UserPools"]
        if p["Name"].startswith("aduan-officers")
    )
    client = cognito.list_user_pool_clients(UserPoolId=pool["Id"], MaxResults=60)[
        "UserPoolClients"
    ][0]
    authorizer = LocalJwtAuthorizer({}, {}, cognito, pool["Id"], client["ClientId"])
    print(authorizer.token(args.username))


if __name__ == "__main__":
    main()
