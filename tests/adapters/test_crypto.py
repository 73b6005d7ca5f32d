"""Envelope encryption against moto's KMS over HTTP."""

import pytest
from cryptography.exceptions import InvalidTag

from aduan import crypto
from tests.support import aws_client


@pytest.fixture
def key_id(aws_env):
    return aws_client(aws_env, "kms").create_key(Description="test")["KeyMetadata"]["KeyId"]


def test_personal_data_round_trips_and_is_not_readable_at_rest(key_id):
    token = crypto.encrypt_json(
        {"name": "Siti", "phone": "+6281234567890"}, key_id, context="A0B1C-D2E3F"
    )
    assert "Siti" not in token and "6281234567890" not in token
    crypto.forget_keys()  # another container: must go through KMS to read it
    assert crypto.decrypt_json(token, context="A0B1C-D2E3F") == {
        "name": "Siti",
        "phone": "+6281234567890",
    }


def test_a_ciphertext_moved_to_another_complaint_does_not_decrypt(key_id):
    token = crypto.encrypt_json({"name": "Siti"}, key_id, context="A0B1C-D2E3F")
    with pytest.raises(InvalidTag):
        crypto.decrypt_json(token, context="ZZZZZ-ZZZZZ")


def test_one_data_key_serves_many_complaints(key_id, aws_env):
    from aduan import aws

    calls = []
    aws.client("kms").meta.events.register(
        "before-call.kms", lambda model, **_: calls.append(model.name)
    )
    for i in range(50):
        crypto.encrypt_json({"n": i}, key_id, context=str(i))
    assert calls == ["GenerateDataKey"]
