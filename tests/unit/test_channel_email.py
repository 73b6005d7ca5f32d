"""E-mail: SNS signatures (v1 SHA1withRSA, v2 SHA256withRSA) and SES receipt notifications.

The test plays SNS: its own RSA key and self-signed certificate, signing the string-to-sign
exactly as the AWS documentation lays it out. No network: the certificate fetcher is injected.
"""

import base64
import json
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from inbound.channels.email import (
    PRODUCTION_CERT_URL_PATTERNS,
    SnsVerifier,
    parse_ses_notification,
)
from inbound.channels.inbound import MalformedPayload, SignatureError, StaleMessage

NOW = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)
TOPIC = "arn:aws:sns:ap-southeast-3:123456789012:aduan-inbound-email"
OTHER_TOPIC = "arn:aws:sns:ap-southeast-3:999999999999:someone-else"
CERT_URL = "https://sns.ap-southeast-3.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem"
PHOTO = bytes(range(256)) * 20  # binary, not valid UTF-8


# --- playing SNS -------------------------------------------------------------------------------


def make_cert(key, not_before, not_after) -> bytes:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.amazonaws.com")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM)


@pytest.fixture(scope="module")
def key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def cert_pem(key):
    return make_cert(key, NOW - timedelta(days=1), NOW + timedelta(days=365))


class Fetcher:
    def __init__(self, pem: bytes):
        self.pem, self.calls = pem, []

    def __call__(self, url: str) -> bytes:
        self.calls.append(url)
        return self.pem


@pytest.fixture()
def fetch(cert_pem):
    return Fetcher(cert_pem)


@pytest.fixture()
def verifier(fetch):
    return SnsVerifier(PRODUCTION_CERT_URL_PATTERNS, fetch, expected_topic_arns={TOPIC})


def sns_string_to_sign(message: dict) -> bytes:
    # Written out from the AWS docs, independently of the module under test.
    if message["Type"] == "Notification":
        names = ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
    else:
        names = ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"]
    return "".join(f"{n}\n{message[n]}\n" for n in names if message.get(n) is not None).encode()


def sns_sign(message: dict, key, version: str = "2", cert_url: str = CERT_URL) -> dict:
    message = message | {"SignatureVersion": version, "SigningCertURL": cert_url}
    algorithm = hashes.SHA1() if version == "1" else hashes.SHA256()
    signature = key.sign(sns_string_to_sign(message), padding.PKCS1v15(), algorithm)
    return message | {"Signature": base64.b64encode(signature).decode()}


def notification(message: str, **extra) -> dict:
    return {
        "Type": "Notification",
        "MessageId": "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
        "TopicArn": TOPIC,
        "Subject": "Amazon SES Email Receipt Notification",
        "Message": message,
        "Timestamp": "2026-11-29T02:59:58.123Z",
        "UnsubscribeURL": "https://sns.ap-southeast-3.amazonaws.com/?Action=Unsubscribe&x=1",
        **extra,
    }


def confirmation(kind: str = "SubscriptionConfirmation", topic: str = TOPIC) -> dict:
    return {
        "Type": kind,
        "MessageId": "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
        "Token": "2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3",
        "TopicArn": topic,
        "Message": f"You have chosen to subscribe to the topic {topic}.\nTo confirm...",
        "SubscribeURL": "https://sns.ap-southeast-3.amazonaws.com/?Action=ConfirmSubscription"
        f"&TopicArn={topic}&Token=2336412f",
        "Timestamp": "2026-11-29T02:59:00.000Z",
    }


# --- SNS signatures ------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["1", "2"])
def test_notification_signatures_verify(verifier, key, version):
    body = sns_sign(
        notification('{"notificationType":"Received"}\n\tline two "quoted" é'), key, version
    )
    envelope = verifier.verify(json.dumps(body).encode(), now=NOW)
    assert envelope.type == "Notification"
    assert envelope.topic_arn == TOPIC
    assert envelope.message_id == "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324"
    assert envelope.message.endswith('"quoted" é')
    assert envelope.subject == "Amazon SES Email Receipt Notification"


@pytest.mark.parametrize("subject", ["absent", None])
def test_notification_without_subject(verifier, key, subject):
    message = notification("hello")
    if subject == "absent":
        del message["Subject"]
    else:
        message["Subject"] = None
    envelope = verifier.verify(sns_sign(message, key), now=NOW)
    assert envelope.subject is None


@pytest.mark.parametrize("kind", ["SubscriptionConfirmation", "UnsubscribeConfirmation"])
@pytest.mark.parametrize("version", ["1", "2"])
def test_confirmations_verify_with_their_own_field_order(verifier, key, kind, version):
    envelope = verifier.verify(sns_sign(confirmation(kind), key, version), now=NOW)
    assert envelope.type == kind
    assert envelope.subscribe_url.startswith("https://sns.ap-southeast-3.amazonaws.com/")
    assert envelope.token.startswith("2336412f")


def test_confirmation_signed_in_notification_order_fails(verifier, key):
    message = confirmation() | {"SignatureVersion": "2", "SigningCertURL": CERT_URL}
    wrong_order = "".join(
        f"{n}\n{message[n]}\n" for n in ["Message", "MessageId", "Timestamp", "TopicArn", "Type"]
    ).encode()
    signature = key.sign(wrong_order, padding.PKCS1v15(), hashes.SHA256())
    message["Signature"] = base64.b64encode(signature).decode()
    with pytest.raises(SignatureError):
        verifier.verify(message, now=NOW)


def test_confirmation_for_an_unexpected_topic_is_refused(verifier, key, fetch):
    with pytest.raises(SignatureError) as err:
        verifier.verify(sns_sign(confirmation(topic=OTHER_TOPIC), key), now=NOW)
    assert err.value.status == 403
    assert "topic" in err.value.message
    assert fetch.calls == []  # refused before any certificate was fetched


def test_notification_for_an_unexpected_topic_is_refused(verifier, key):
    with pytest.raises(SignatureError):
        verifier.verify(sns_sign(notification("x", TopicArn=OTHER_TOPIC), key), now=NOW)


@pytest.mark.parametrize(
    "cert_url",
    [
        "http://sns.ap-southeast-3.amazonaws.com/SimpleNotificationService-0123.pem",
        "https://sns.ap-southeast-3.amazonaws.com.evil.example/SimpleNotificationService.pem",
        "https://evil.example/sns.ap-southeast-3.amazonaws.com/cert.pem",
        "https://sns.ap-southeast-3.amazonaws.com@evil.example/cert.pem",
        "https://s3.amazonaws.com/SimpleNotificationService-0123.pem",
        "https://sns.ap-southeast-3.amazonaws.com:8443/SimpleNotificationService-0123.pem",
        "https://sns.ap-southeast-3.amazonaws.com/../../evil/cert.pem",
        "ftp://sns.ap-southeast-3.amazonaws.com/cert.pem",
    ],
)
def test_untrusted_certificate_urls_are_refused_without_fetching(verifier, key, fetch, cert_url):
    with pytest.raises(SignatureError) as err:
        verifier.verify(sns_sign(notification("x"), key, cert_url=cert_url), now=NOW)
    assert err.value.status == 403
    assert fetch.calls == []


def test_china_region_host_is_trusted(verifier, key):
    url = "https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-0123.pem"
    verifier.verify(sns_sign(notification("x"), key, cert_url=url), now=NOW)


def test_local_cloud_can_trust_its_fake_provider_but_never_plain_http(key, fetch):
    local = SnsVerifier(
        [r"https://127\.0\.0\.1:3001/_sns/[a-z0-9-]+\.pem"], fetch, expected_topic_arns={TOPIC}
    )
    local.verify(
        sns_sign(notification("x"), key, cert_url="https://127.0.0.1:3001/_sns/test.pem"), now=NOW
    )
    # Even a pattern that would match cannot make http acceptable.
    loose = SnsVerifier([r".*"], fetch, expected_topic_arns={TOPIC})
    with pytest.raises(SignatureError):
        loose.verify(
            sns_sign(notification("x"), key, cert_url="http://127.0.0.1:3001/c.pem"), now=NOW
        )


@pytest.mark.parametrize(
    "tamper",
    [
        {"Message": "a different message"},
        {"Subject": "Changed subject"},
        {"MessageId": "00000000-0000-0000-0000-000000000000"},
        {"Timestamp": "2026-11-29T02:59:59.000Z"},
        {"SignatureVersion": "1"},  # signed with SHA256, claimed SHA1
        {"SignatureVersion": "3"},
        {"Signature": "bm90IGEgc2lnbmF0dXJl"},
        {"Signature": "***"},
    ],
)
def test_tampered_messages_are_refused(verifier, key, tamper):
    body = sns_sign(notification("the original"), key, "2") | tamper
    with pytest.raises(SignatureError):
        verifier.verify(body, now=NOW)


def test_signature_from_another_key_is_refused(verifier):
    impostor = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(SignatureError):
        verifier.verify(sns_sign(notification("x"), impostor), now=NOW)


def test_certificates_are_cached_by_url(verifier, key, fetch):
    for i in range(3):
        verifier.verify(sns_sign(notification(f"m{i}", MessageId=f"id-{i}"), key), now=NOW)
    assert fetch.calls == [CERT_URL]


def test_shared_cache_across_verifiers(key, fetch):
    cache = {}
    for _ in range(2):
        SnsVerifier(PRODUCTION_CERT_URL_PATTERNS, fetch, cache, expected_topic_arns=[TOPIC]).verify(
            sns_sign(notification("x"), key), now=NOW
        )
    assert len(fetch.calls) == 1 and CERT_URL in cache


def test_expired_certificate_is_refused(key):
    old = make_cert(key, NOW - timedelta(days=400), NOW - timedelta(days=35))
    verifier = SnsVerifier(PRODUCTION_CERT_URL_PATTERNS, Fetcher(old), expected_topic_arns={TOPIC})
    with pytest.raises(SignatureError):
        verifier.verify(sns_sign(notification("x"), key), now=NOW)


def test_not_a_certificate_is_refused(key):
    verifier = SnsVerifier(
        PRODUCTION_CERT_URL_PATTERNS, Fetcher(b"<html>"), expected_topic_arns={TOPIC}
    )
    with pytest.raises(SignatureError):
        verifier.verify(sns_sign(notification("x"), key), now=NOW)


def test_replayed_old_message_is_stale(verifier, key):
    body = sns_sign(notification("x", Timestamp="2026-11-29T00:30:00.000Z"), key)
    with pytest.raises(StaleMessage) as err:
        verifier.verify(body, now=NOW)
    assert err.value.status == 401


def test_message_from_the_future_is_stale(verifier, key):
    body = sns_sign(notification("x", Timestamp="2026-11-29T03:10:00.000Z"), key)
    with pytest.raises(StaleMessage):
        verifier.verify(body, now=NOW)


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        {"Type": "Nope"},
        {"Type": "Notification", "Message": "x"},
        {"Type": "SubscriptionConfirmation", "Message": "x", "MessageId": "1"},
    ],
)
def test_malformed_sns_messages_are_400(verifier, body):
    with pytest.raises(MalformedPayload):
        verifier.verify(body, now=NOW)


def test_verifier_refuses_to_trust_nothing(fetch):
    with pytest.raises(ValueError):
        SnsVerifier(PRODUCTION_CERT_URL_PATTERNS, fetch, expected_topic_arns=set())
    with pytest.raises(ValueError):
        SnsVerifier([], fetch, expected_topic_arns={TOPIC})


# --- SES receipt notifications -----------------------------------------------------------------

SUBJECT = "Keluhan: jalan rusak di Lowokwaru — mohon ditindaklanjuti ✔"
PLAIN = (
    "Selamat pagi,\n\nJalan di depan SDN Tunggulwulung berlubang sejak 2 minggu. "
    "Mohon segera diperbaiki 🙏.\n\nSalam, Siti — warga Lowokwaru"
)
HTML = (
    "<html><body><p>Selamat pagi,</p><p>Jalan <b>berlubang</b> &amp; tergenang.</p></body></html>"
)


def citizen_mail(html_only: bool = False) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = "Siti Aminah <Siti.Aminah@Example.ID>"
    mail["To"] = "aduan@malangkota.go.id"
    mail["Subject"] = SUBJECT
    mail["Date"] = format_datetime(NOW)
    mail["Message-ID"] = make_msgid(domain="example.id")
    if html_only:
        mail.set_content(HTML, subtype="html")
        return mail
    mail.set_content(PLAIN)
    mail.add_alternative(HTML, subtype="html")
    mail.add_attachment(PHOTO, maintype="image", subtype="jpeg", filename="jalan rusak.jpg")
    return mail


def ses_notification(mail: EmailMessage, encoding: str = "BASE64", **receipt_extra) -> dict:
    raw = mail.as_bytes()
    content = base64.b64encode(raw).decode() if encoding == "BASE64" else raw.decode("utf-8")
    return {
        "notificationType": "Received",
        "receipt": {
            "timestamp": "2026-11-29T02:59:57.000Z",
            "processingTimeMillis": 222,
            "recipients": ["aduan@malangkota.go.id"],
            "spamVerdict": {"status": "PASS"},
            "virusVerdict": {"status": "PASS"},
            "spfVerdict": {"status": "PASS"},
            "dkimVerdict": {"status": "PASS"},
            "action": {"type": "SNS", "topicArn": TOPIC, "encoding": encoding},
            **receipt_extra,
        },
        "mail": {
            "timestamp": "2026-11-29T02:59:56.936Z",
            "source": "siti.aminah@example.id",
            "messageId": "d6iitobk75ur44p8kdnnp7g2n800",
            "destination": ["aduan@malangkota.go.id"],
            "headersTruncated": False,
            "commonHeaders": {
                "returnPath": "siti.aminah@example.id",
                "from": ["Siti Aminah <siti.aminah@example.id>"],
                "to": ["aduan@malangkota.go.id"],
                "subject": SUBJECT,
            },
        },
        "content": content,
    }


@pytest.mark.parametrize("encoding", ["BASE64", "UTF8"])
def test_ses_mail_through_sns_to_inbound_message(verifier, key, encoding):
    mail = citizen_mail()
    note = ses_notification(mail, encoding)
    body = json.dumps(sns_sign(notification(json.dumps(note)), key)).encode()

    envelope = verifier.verify(body, now=NOW)
    msg = parse_ses_notification(envelope.message)

    assert msg.channel == "email"
    assert msg.provider_message_id == "d6iitobk75ur44p8kdnnp7g2n800"
    assert msg.sender == "siti.aminah@example.id"
    assert msg.sender_name == "Siti Aminah"
    assert msg.subject == SUBJECT
    assert msg.text == PLAIN
    assert msg.received_at == datetime(2026, 11, 29, 2, 59, 56, 936000, tzinfo=UTC)
    assert msg.reply_to == {
        "to": "siti.aminah@example.id",
        "subject": SUBJECT,
        "in_reply_to": mail["Message-ID"],
    }
    (photo,) = msg.media
    assert photo.filename == "jalan rusak.jpg"
    assert photo.mime_type == "image/jpeg"
    assert photo.size == len(PHOTO)
    assert base64.b64decode(photo.content_b64) == PHOTO
    assert photo.provider_ref == "d6iitobk75ur44p8kdnnp7g2n800/attachment/1"


def test_the_raw_mime_has_an_encoded_utf8_subject():
    raw = citizen_mail().as_bytes()
    (subject_line,) = [line for line in raw.split(b"\n") if line.startswith(b"Subject:")]
    assert b"=?utf-8?" in subject_line  # RFC 2047 on the wire, decoded by the parser
    assert "—".encode() not in subject_line


def test_html_only_mail_falls_back_to_stripped_text():
    msg = parse_ses_notification(ses_notification(citizen_mail(html_only=True)))
    assert msg.text == "Selamat pagi,\n\nJalan berlubang & tergenang."
    assert msg.media == []


def test_parse_accepts_the_message_as_json_text():
    note = ses_notification(citizen_mail())
    assert parse_ses_notification(json.dumps(note)) == parse_ses_notification(note)


def test_virus_flagged_attachments_are_dropped():
    note = ses_notification(citizen_mail(), virusVerdict={"status": "FAIL"})
    msg = parse_ses_notification(note)
    assert msg.media == [] and msg.text == PLAIN


def test_notification_without_content_says_to_use_the_sns_action():
    note = ses_notification(citizen_mail())
    del note["content"]
    with pytest.raises(MalformedPayload, match="SNS action"):
        parse_ses_notification(note)


@pytest.mark.parametrize(
    "change",
    [
        {"notificationType": "Bounce"},
        {"mail": None},
        {"mail": {"timestamp": "2026-11-29T02:59:56Z"}},
        {"content": "!!!not base64!!!"},
    ],
)
def test_malformed_ses_notifications_are_400(change):
    note = ses_notification(citizen_mail()) | change
    with pytest.raises(MalformedPayload):
        parse_ses_notification(note)


def test_unknown_content_encoding_is_400():
    note = ses_notification(citizen_mail())
    note["receipt"]["action"]["encoding"] = "QUOTED"
    with pytest.raises(MalformedPayload):
        parse_ses_notification(note)


def test_utf8_content_with_8bit_body_and_raw_utf8_header():
    # What SES's UTF8 encoding hands over for a mail whose client sent 8-bit UTF-8 as is.
    raw = (
        "From: =?utf-8?q?Andr=C3=A9?= <andre@example.id>\r\n"
        "To: aduan@malangkota.go.id\r\n"
        "Subject: Sampah di Kedungkandang — belum diangkut\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n"
        "\r\n"
        "Sampah belum diangkut 5 hari — baunya menyengat 😷\r\n"
    )
    note = ses_notification(citizen_mail(), "UTF8") | {"content": raw}
    msg = parse_ses_notification(note)
    assert msg.sender_name == "André" and msg.sender == "andre@example.id"
    assert msg.subject == "Sampah di Kedungkandang — belum diangkut"
    assert msg.text == "Sampah belum diangkut 5 hari — baunya menyengat 😷"
    assert msg.media == []
    assert "in_reply_to" not in msg.reply_to
