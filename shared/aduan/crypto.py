"""Envelope encryption of personal data with a KMS data key (AES-256-GCM).

One data key serves a container for a while (like the Encryption SDK's key cache), so creating a
complaint costs no KMS call most of the time; every ciphertext carries its encrypted data key,
so any holder of kms:Decrypt can read it back, and decrypted keys are cached by ciphertext.
"""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from collections import OrderedDict
from typing import Any

from aduan import aws

DATA_KEY_MAX_AGE_S = 300
DATA_KEY_MAX_USES = 10_000
_lock = threading.Lock()
_current: dict[str, Any] = {}
_plain_keys: OrderedDict[bytes, bytes] = OrderedDict()


def _data_key(kms_key_id: str) -> tuple[bytes, bytes]:
    with _lock:
        fresh = (
            _current.get("key_id") == kms_key_id
            and time.monotonic() - _current["born"] < DATA_KEY_MAX_AGE_S
            and _current["uses"] < DATA_KEY_MAX_USES
        )
        if not fresh:
            made = aws.client("kms").generate_data_key(KeyId=kms_key_id, KeySpec="AES_256")
            _current.update(
                key_id=kms_key_id,
                plain=made["Plaintext"],
                blob=made["CiphertextBlob"],
                born=time.monotonic(),
                uses=0,
            )
        _current["uses"] += 1
        return _current["plain"], _current["blob"]


def _plain_key(blob: bytes) -> bytes:
    with _lock:
        if blob in _plain_keys:
            _plain_keys.move_to_end(blob)
            return _plain_keys[blob]
    plain = aws.client("kms").decrypt(CiphertextBlob=blob)["Plaintext"]
    with _lock:
        _plain_keys[blob] = plain
        while len(_plain_keys) > 256:
            _plain_keys.popitem(last=False)
    return plain


def encrypt_json(value: dict[str, Any], kms_key_id: str, context: str) -> str:
    """Encrypt a JSON object; `context` (e.g. the complaint id) is bound as associated data."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    plain, blob = _data_key(kms_key_id)
    nonce = os.urandom(12)
    sealed = AESGCM(plain).encrypt(nonce, json.dumps(value).encode(), context.encode())
    return ".".join(base64.b64encode(part).decode() for part in (blob, nonce, sealed))


def decrypt_json(token: str, context: str) -> dict[str, Any]:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    blob, nonce, sealed = (base64.b64decode(part) for part in token.split("."))
    return json.loads(AESGCM(_plain_key(blob)).decrypt(nonce, sealed, context.encode()))


def forget_keys() -> None:
    with _lock:
        _current.clear()
        _plain_keys.clear()
