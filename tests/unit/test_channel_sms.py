"""SMS (Twilio-style): signatures made by the real `twilio` RequestValidator, verified by ours."""

import base64
from datetime import UTC, datetime
from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest
from twilio.request_validator import RequestValidator

from inbound.channels import sms
from inbound.channels.inbound import MalformedPayload, SignatureError

AUTH_TOKEN = "0123456789abcdef0123456789abcdef"
BASE_URL = "https://aduan.malangkota.go.id"
NOW = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)

INBOUND_SMS = {
    "ToCountry": "ID",
    "SmsMessageSid": "SM0123456789abcdef0123456789abcdef",
    "NumMedia": "0",
    "SmsSid": "SM0123456789abcdef0123456789abcdef",
    "SmsStatus": "received",
    "Body": "SAMBAT Jalan berlubang di Jl. Soekarno-Hatta & sekitarnya 100%",
    "To": "+6281100000000",
    "NumSegments": "1",
    "MessageSid": "SM0123456789abcdef0123456789abcdef",
    "AccountSid": "AC0123456789abcdef0123456789abcdef",
    "From": "+6281234567890",
    "ApiVersion": "2010-04-01",
}


class MultiDict(dict):
    """A form with repeated names, in the shape RequestValidator reads (Django's getlist)."""

    def __init__(self, pairs):
        super().__init__()
        self._pairs = list(pairs)
        for name, _ in self._pairs:
            self[name] = None

    def getlist(self, name):
        return [v for n, v in self._pairs if n == name]


def twilio_sign(url: str, params) -> str:
    return RequestValidator(AUTH_TOKEN).compute_signature(url, params)


# --- the signature --------------------------------------------------------------------------


def test_twilio_documentation_vector():
    # The example from Twilio's security docs (auth token "12345").
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+14158675310",
        "Digits": "1234",
        "From": "+14158675310",
        "To": "+18005551212",
    }
    assert sms.signature(url, params, "12345") == "GvWf1cFY/Q7PnoempGyD5oXAezc="
    assert RequestValidator("12345").validate(url, params, "GvWf1cFY/Q7PnoempGyD5oXAezc=")
    sms.verify_twilio_signature(url, params, "GvWf1cFY/Q7PnoempGyD5oXAezc=", "12345")


def test_signed_by_twilio_library_verified_by_ours():
    url = sms.public_url(BASE_URL, "/webhooks/sms")
    assert url == "https://aduan.malangkota.go.id/webhooks/sms"
    sms.verify_twilio_signature(url, INBOUND_SMS, twilio_sign(url, INBOUND_SMS), AUTH_TOKEN)


def test_url_with_a_query_string_is_signed_as_called():
    raw_query = "city=malang&channel=sambat%20online"  # API Gateway's rawQueryString
    url = sms.public_url(BASE_URL + "/", "webhooks/sms", raw_query)
    assert url == BASE_URL + "/webhooks/sms?city=malang&channel=sambat%20online"
    header = twilio_sign(url, INBOUND_SMS)
    sms.verify_twilio_signature(url, INBOUND_SMS, header, AUTH_TOKEN)
    # The same request seen without its query string does not verify.
    with pytest.raises(SignatureError):
        sms.verify_twilio_signature(BASE_URL + "/webhooks/sms", INBOUND_SMS, header, AUTH_TOKEN)


def test_public_url_from_a_mapping():
    assert sms.public_url(BASE_URL, "/webhooks/sms", {"a": "1 2", "b": "x"}) == (
        BASE_URL + "/webhooks/sms?a=1+2&b=x"
    )
    assert sms.public_url(BASE_URL, "/webhooks/sms", "") == BASE_URL + "/webhooks/sms"


def test_repeated_parameters_are_signed_as_twilio_does():
    pairs = [
        ("From", "+6281234567890"),
        ("MessageSid", "SM1"),
        ("Body", "banjir"),
        ("Tag", "zeta"),
        ("Tag", "alpha"),
        ("Tag", "alpha"),
        ("To", "+6281100000000"),
    ]
    url = sms.public_url(BASE_URL, "/webhooks/sms", "x=1")
    header = twilio_sign(url, MultiDict(pairs))

    form = sms.decode_form(urlencode(pairs), is_base64=False)
    assert form["Tag"] == ["zeta", "alpha", "alpha"]
    sms.verify_twilio_signature(url, form, header, AUTH_TOKEN)

    # Dropping one of the distinct repeated values breaks it.
    form["Tag"] = ["zeta"]
    with pytest.raises(SignatureError):
        sms.verify_twilio_signature(url, form, header, AUTH_TOKEN)


@pytest.mark.parametrize(
    "signed_url, seen_url",
    [
        (BASE_URL + ":443/webhooks/sms", BASE_URL + "/webhooks/sms"),
        (BASE_URL + "/webhooks/sms", BASE_URL + ":443/webhooks/sms"),
    ],
)
def test_default_port_either_way(signed_url, seen_url):
    header = twilio_sign(signed_url, INBOUND_SMS)
    sms.verify_twilio_signature(seen_url, INBOUND_SMS, header, AUTH_TOKEN)


@pytest.mark.parametrize(
    "header, params, token",
    [
        (None, INBOUND_SMS, AUTH_TOKEN),
        ("", INBOUND_SMS, AUTH_TOKEN),
        ("not-a-signature", INBOUND_SMS, AUTH_TOKEN),
        ("SIGNED", INBOUND_SMS | {"Body": "SAMBAT something else"}, AUTH_TOKEN),
        ("SIGNED", INBOUND_SMS | {"Extra": ""}, AUTH_TOKEN),
        ("SIGNED", INBOUND_SMS, "another-auth-token"),
    ],
)
def test_forged_or_missing_signatures_are_403(header, params, token):
    url = BASE_URL + "/webhooks/sms"
    if header == "SIGNED":
        header = twilio_sign(url, INBOUND_SMS)
    with pytest.raises(SignatureError) as err:
        sms.verify_twilio_signature(url, params, header, token)
    assert err.value.status == 403


def test_unconfigured_auth_token_fails_closed():
    with pytest.raises(ValueError):
        sms.verify_twilio_signature(BASE_URL, {}, "x", "")


# --- the form body ---------------------------------------------------------------------------


def test_base64_body_from_api_gateway_round_trips_through_the_signature():
    url = sms.public_url(BASE_URL, "/webhooks/sms")
    header = twilio_sign(url, INBOUND_SMS)
    body = base64.b64encode(urlencode(INBOUND_SMS).encode())
    form = sms.decode_form(body, is_base64=True)
    assert form == INBOUND_SMS
    sms.verify_twilio_signature(url, form, header, AUTH_TOKEN)


def test_decode_form_keeps_blank_values_and_plus_signs():
    form = sms.decode_form("Body=&From=%2B6281234567890&Note=a+b", is_base64=False)
    assert form == {"Body": "", "From": "+6281234567890", "Note": "a b"}
    assert sms.decode_form(None, is_base64=False) == {}
    assert sms.decode_form(b"", is_base64=True) == {}


@pytest.mark.parametrize("body, is_b64", [(b"***", True), (b"Body=\xff\xfe", False)])
def test_undecodable_bodies_are_400(body, is_b64):
    with pytest.raises(MalformedPayload):
        sms.decode_form(body, is_base64=is_b64)


# --- parse -------------------------------------------------------------------------------------


def test_parse_an_sms():
    msg = sms.parse(INBOUND_SMS, now=NOW)
    assert msg.channel == "sms"
    assert msg.provider_message_id == "SM0123456789abcdef0123456789abcdef"
    assert msg.sender == "+6281234567890"
    assert msg.text == INBOUND_SMS["Body"]
    assert msg.media == []
    assert msg.received_at == NOW
    assert msg.reply_to == {"to": "+6281234567890", "from": "+6281100000000"}


def test_parse_an_mms_with_pictures():
    media_url = "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME{}"
    params = INBOUND_SMS | {
        "MessageSid": "MM1",
        "Body": "",
        "NumMedia": "2",
        "MediaUrl0": media_url.format("aaa"),
        "MediaContentType0": "image/jpeg",
        "MediaUrl1": media_url.format("bbb"),
        "MediaContentType1": "image/png",
    }
    msg = sms.parse(params, now=NOW)
    assert msg.text == ""
    assert [(m.provider_ref, m.url, m.mime_type) for m in msg.media] == [
        ("MEaaa", media_url.format("aaa"), "image/jpeg"),
        ("MEbbb", media_url.format("bbb"), "image/png"),
    ]


def test_parse_without_now_uses_the_receipt_time():
    before = datetime.now(UTC)
    assert sms.parse(INBOUND_SMS).received_at >= before


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"From": "+6281234567890", "Body": "no sid"},
        {"MessageSid": "SM1", "Body": "no sender"},
        INBOUND_SMS | {"NumMedia": "two"},
        INBOUND_SMS | {"NumMedia": "1"},
    ],
)
def test_malformed_forms_are_400(params):
    with pytest.raises(MalformedPayload):
        sms.parse(params, now=NOW)


# --- TwiML -------------------------------------------------------------------------------------


def test_twiml_message_escapes_xml():
    text = 'Terima kasih <Budi> & "warga": nomor ADU-1 \x07diterima 🙏'
    xml = sms.twiml_message(text)
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?><Response><Message>')
    root = ElementTree.fromstring(xml.encode())
    assert root.tag == "Response"
    assert root.find("Message").text == text.replace("\x07", "")


def test_twiml_empty():
    root = ElementTree.fromstring(sms.twiml_empty().encode())
    assert root.tag == "Response" and list(root) == []
