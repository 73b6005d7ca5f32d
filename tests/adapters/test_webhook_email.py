"""E-mail through SES -> SNS -> the webhook, signed by the fake provider's SNS test key.

The fake provider serves its test certificate over plain http on loopback; the webhook trusts
exactly that URL (SNS_TRUSTED_CERT_URL) and, in production, only https on SNS's own hosts.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from infra.local import citizen
from infra.local.defaults import local_secrets
from infra.local.fake_providers import FakeProviders
from tests.support import aws_client
from tests.webhooks import stack_fixture  # noqa: F401  (the `stack` fixture)

SECRETS = local_secrets({})
TOPIC = SECRETS["EMAIL_SNS_TOPIC_ARN"]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(scope="module")
def fake():
    with FakeProviders(port=0) as server:
        yield server


@pytest.fixture
def mail_stack(stack, fake, aws_env, monkeypatch, tmp_path):
    from inbound.webhooks import wiring

    bucket = f"media-{uuid.uuid4().hex[:8]}"
    aws_client(aws_env, "s3").create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "ap-southeast-3"}
    )
    stack.settings = dataclasses.replace(
        stack.settings, sns_trusted_cert_url=f"{fake.url}/sns/cert.pem", media_bucket_name=bucket
    )
    monkeypatch.setattr(wiring, "settings", lambda: stack.settings)
    stack.bucket = bucket
    return stack


def signed_mail(
    fake,
    *,
    sender="warga@example.com",
    subject="Drainase tersumbat",
    text="Saluran air di Jl. Soekarno Hatta tersumbat",
    attachment=None,
    topic=TOPIC,
    **overrides,
):
    mime = citizen.build_mime(
        sender, SECRETS["EMAIL_INBOUND_ADDRESS"], subject, text, attachment=attachment
    )
    unsigned = {
        "Type": "Notification",
        "MessageId": str(uuid.uuid4()),
        "TopicArn": topic,
        "Subject": "Amazon SES Email Receipt Notification",
        "Message": json.dumps(citizen.ses_notification(mime, topic_arn=topic)),
        **overrides,
    }
    return fake.sign_sns(unsigned)


def post(stack, message):
    headers = {
        "Content-Type": "text/plain; charset=UTF-8",
        "x-amz-sns-message-type": message["Type"],
    }
    return stack.post("/webhooks/email", json.dumps(message).encode(), headers)


def test_an_email_becomes_a_complaint_with_its_subject_as_title(mail_stack, fake):
    answer = post(mail_stack, signed_mail(fake))
    assert answer.status == 200 and answer.json["outcome"] == "created"
    [complaint] = mail_stack.complaints()
    assert complaint["channel"] == "email" and complaint["title"] == "Drainase tersumbat"
    assert "warga@example.com" not in mail_stack.raw_dump()


def test_a_reply_naming_the_tracking_id_is_a_follow_up_and_another_mail_a_new_complaint(
    mail_stack, fake
):
    post(mail_stack, signed_mail(fake))
    [complaint] = mail_stack.complaints()
    post(
        mail_stack,
        signed_mail(
            fake,
            subject=f"Re: [{complaint['id']}] Pengaduan Anda telah kami terima",
            text="Foto menyusul",
        ),
    )
    assert len(mail_stack.complaints()) == 1 and len(mail_stack.events("CitizenReplied")) == 1
    post(mail_stack, signed_mail(fake, subject="Lampu jalan mati", text="Di Jl. Ijen"))
    assert len(mail_stack.complaints()) == 2


def test_an_attachment_waits_in_the_media_inbox(mail_stack, fake, aws_env, tmp_path):
    photo = tmp_path / "lubang.png"
    photo.write_bytes(PNG)
    post(mail_stack, signed_mail(fake, attachment=photo))
    [media] = mail_stack.events("MediaReceived")
    [item] = media["detail"]["data"]["items"]
    assert (
        item["inbox_key"].startswith("inbox/email/")
        and item["mime_type"] == "image/png"
        and item["size"] == len(PNG)
    )
    stored = aws_client(aws_env, "s3").get_object(Bucket=mail_stack.bucket, Key=item["inbox_key"])
    assert stored["Body"].read() == PNG


def test_a_tampered_notification_is_refused_and_nothing_is_stored(mail_stack, fake):
    message = signed_mail(fake)
    message["Message"] = message["Message"].replace("tersumbat", "bersih")
    answer = post(mail_stack, message)
    assert answer.status == 403 and mail_stack.items() == []


def test_a_notification_for_another_topic_is_refused(mail_stack, fake):
    other = "arn:aws:sns:ap-southeast-3:123456789012:someone-else"
    answer = post(mail_stack, signed_mail(fake, topic=other))
    assert answer.status == 403 and mail_stack.items() == []


def test_a_certificate_url_that_is_not_the_trusted_one_is_refused(mail_stack, fake):
    message = signed_mail(fake)
    message["SigningCertURL"] = "http://127.0.0.1:9/evil.pem"
    answer = post(mail_stack, message)
    assert answer.status == 403 and mail_stack.items() == []


def test_a_replayed_notification_older_than_an_hour_is_stale(mail_stack, fake):
    old = (datetime.now(UTC) - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    answer = post(mail_stack, signed_mail(fake, Timestamp=old))
    assert answer.status == 401 and answer.json["error"]["code"] == "stale_message"
    assert mail_stack.items() == []


def test_signature_version_1_verifies_too(mail_stack, fake):
    mime = citizen.build_mime("a@example.com", "x@example.go.id", "Jalan", "Rusak")
    unsigned = {
        "Type": "Notification",
        "TopicArn": TOPIC,
        "Message": json.dumps(citizen.ses_notification(mime, topic_arn=TOPIC)),
    }
    assert post(mail_stack, fake.sign_sns(unsigned, signature_version="1")).status == 200


def test_the_subscription_is_confirmed_for_the_expected_topic_only(mail_stack, fake):
    confirmation = fake.sign_sns(
        {"Type": "SubscriptionConfirmation", "TopicArn": TOPIC, "Message": "confirm"}
    )
    answer = post(mail_stack, confirmation)
    assert answer.status == 200 and answer.json["confirmed"] is True
    assert any(
        c["token"] == confirmation["Token"]
        for c in json.loads(citizen.request(f"{fake.url}/_sns/confirmations", method="GET").body)[
            "confirmations"
        ]
    )
    elsewhere = fake.sign_sns(
        {"Type": "SubscriptionConfirmation", "TopicArn": TOPIC + "-other", "Message": "confirm"}
    )
    assert post(mail_stack, elsewhere).status == 403
