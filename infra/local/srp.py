"""Cognito's SRP sign-in (USER_SRP_AUTH), done for real in the local emulator.

moto answers USER_SRP_AUTH with random SALT and SRP_B and accepts any PASSWORD_VERIFIER
signature, so a wrong password would sign in. The console signs in with SRP (the deployed app
client allows no password flow), so locally the emulator has to check the proof the way Cognito
does: `install()` wraps moto's InitiateAuth to send a real salt and B (from the user's password,
which moto keeps), and RespondToAuthChallenge to verify the client's signature; a wrong password
gets Cognito's NotAuthorizedException. The arithmetic follows the SRP-6a variant of
amazon-cognito-identity-js (AuthenticationHelper): 3072-bit group, SHA-256, HKDF "Caldera
Derived Key".
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
from typing import Any

N_HEX = (
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C"
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF"
)
N = int(N_HEX, 16)
G = 2
INFO = b"Caldera Derived Key\x01"


def pad_hex(value: int) -> str:
    """The library's padHex: even length, and a leading 00 when the top bit is set."""
    text = format(value, "x")
    if len(text) % 2:
        text = "0" + text
    if text[0] in "89abcdef":
        text = "00" + text
    return text


def hex_hash(hex_text: str) -> str:
    return hashlib.sha256(bytes.fromhex(hex_text)).hexdigest()


K = int(hex_hash(pad_hex(N) + pad_hex(G)), 16)


def password_x(pool_name: str, user_id: str, password: str, salt: int) -> int:
    inner = hashlib.sha256(f"{pool_name}{user_id}:{password}".encode()).hexdigest()
    return int(hex_hash(pad_hex(salt) + inner), 16)


def server_challenge(pool_name: str, user_id: str, password: str) -> tuple[int, int, int]:
    """(salt, b, B) for one sign-in."""
    salt = int.from_bytes(secrets.token_bytes(16), "big")
    verifier = pow(G, password_x(pool_name, user_id, password, salt), N)
    b = int.from_bytes(secrets.token_bytes(128), "big") % N
    big_b = (K * verifier + pow(G, b, N)) % N
    return salt, b, big_b


def expected_signature(
    pool_name: str,
    user_id: str,
    password: str,
    salt: int,
    b: int,
    big_b: int,
    srp_a_hex: str,
    secret_block: str,
    timestamp: str,
) -> str:
    big_a = int(srp_a_hex, 16)
    if big_a % N == 0:
        raise ValueError("SRP_A is zero modulo N")
    u = int(hex_hash(pad_hex(big_a) + pad_hex(big_b)), 16)
    verifier = pow(G, password_x(pool_name, user_id, password, salt), N)
    shared = pow(big_a * pow(verifier, u, N), b, N)
    prk = hmac.new(
        bytes.fromhex(pad_hex(u)), bytes.fromhex(pad_hex(shared)), hashlib.sha256
    ).digest()
    key = hmac.new(prk, INFO, hashlib.sha256).digest()[:16]
    message = (
        pool_name.encode() + user_id.encode() + base64.b64decode(secret_block) + timestamp.encode()
    )
    return base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()


def install() -> None:
    from moto.cognitoidp import models
    from moto.cognitoidp.exceptions import NotAuthorizedError

    backend_class = models.CognitoIdpBackend
    original_initiate = backend_class.initiate_auth
    original_respond = backend_class.respond_to_auth_challenge
    pending: dict[str, dict[str, Any]] = {}  # secret block -> the sign-in's server secrets
    lock = threading.Lock()

    def initiate_auth(
        self: Any, client_id: str, auth_flow: str, auth_parameters: dict[str, str]
    ) -> dict[str, Any]:
        answer = original_initiate(self, client_id, auth_flow, auth_parameters)
        if auth_flow != "USER_SRP_AUTH" or answer.get("ChallengeName") != "PASSWORD_VERIFIER":
            return answer
        params = answer["ChallengeParameters"]
        session = answer["Session"]
        username, pool = self.sessions.pop(session)
        user = self.admin_get_user(pool.id, username)
        pool_name = pool.id.split("_", 1)[1]
        salt, b, big_b = server_challenge(pool_name, params["USER_ID_FOR_SRP"], user.password or "")
        block = base64.b64encode(secrets.token_bytes(64)).decode()
        self.sessions[block] = (username, pool)  # moto finds the sign-in by its secret block
        with lock:
            pending[block] = {
                "username": username,
                "pool_name": pool_name,
                "user_id": params["USER_ID_FOR_SRP"],
                "salt": salt,
                "b": b,
                "B": big_b,
                "A": auth_parameters["SRP_A"],
                "password": user.password or "",
            }
        params.update(
            {"SALT": format(salt, "x"), "SRP_B": format(big_b, "x"), "SECRET_BLOCK": block}
        )
        answer["Session"] = block
        return answer

    def respond_to_auth_challenge(
        self: Any,
        session: str,
        client_id: str,
        challenge_name: str,
        challenge_responses: dict[str, str],
    ) -> dict[str, Any]:
        if challenge_name == "PASSWORD_VERIFIER":
            block = challenge_responses.get("PASSWORD_CLAIM_SECRET_BLOCK") or ""
            with lock:
                state = pending.pop(block, None)
            if state is None:
                raise NotAuthorizedError("Incorrect username or password.")
            try:
                wanted = expected_signature(
                    state["pool_name"],
                    state["user_id"],
                    state["password"],
                    state["salt"],
                    state["b"],
                    state["B"],
                    state["A"],
                    block,
                    challenge_responses.get("TIMESTAMP") or "",
                )
            except ValueError:
                wanted = ""
            given = challenge_responses.get("PASSWORD_CLAIM_SIGNATURE") or ""
            if not wanted or not hmac.compare_digest(wanted, given):
                self.sessions.pop(block, None)
                raise NotAuthorizedError("Incorrect username or password.")
            # The client answers as USER_ID_FOR_SRP (Cognito accepts it); moto looks users up by name.
            challenge_responses = {**challenge_responses, "USERNAME": state["username"]}
        elif session in self.sessions and challenge_responses.get("USERNAME"):
            # Later challenges (NEW_PASSWORD_REQUIRED) also come as USER_ID_FOR_SRP.
            username, pool = self.sessions[session]
            user = pool._get_user(username)
            if user is not None and challenge_responses["USERNAME"] == user.id:
                challenge_responses = {**challenge_responses, "USERNAME": username}
        answer = original_respond(self, session, client_id, challenge_name, challenge_responses)
        if answer.get("ChallengeName") == "NEW_PASSWORD_REQUIRED":
            # Cognito sends these two (JSON strings); the client library parses them.
            username, pool = self.sessions.get(
                answer.get("Session"), (challenge_responses.get("USERNAME"), None)
            )
            user = pool._get_user(username) if pool is not None else None
            attributes = {
                a["Name"]: a["Value"]
                for a in (user.attributes if user else [])
                if a["Name"] not in ("sub", "email_verified")
            }
            answer.setdefault("ChallengeParameters", {}).update(
                {"userAttributes": json.dumps(attributes), "requiredAttributes": "[]"}
            )
        return answer

    backend_class.initiate_auth = initiate_auth  # type: ignore[method-assign]
    backend_class.respond_to_auth_challenge = respond_to_auth_challenge  # type: ignore[method-assign]
