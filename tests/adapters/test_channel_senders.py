"""The chat and LAPOR! senders against the fake provider server: shapes, retries, refusals."""

from __future__ import annotations

import dataclasses

import pytest

from aduan.provider_http import SendFailed
from aduan.settings import Settings
from infra.local.defaults import local_secrets
from infra.local.fake_providers import FakeProviders
from lapor.sender import send_lapor_status, status_body
from notify.senders.telegram import send_telegram
from notify.senders.whatsapp import send_whatsapp


@pytest.fixture(scope="module")
def fake():
    with FakeProviders(port=0) as server:
        yield server


@pytest.fixture
def settings(fake):
    fake.reset()
    values = {k.lower(): v for k, v in local_secrets({}).items()}
    for key, value in list(values.items()):
        if value.startswith("http://127.0.0.1:3001"):
            values[key] = fake.url + value[len("http://127.0.0.1:3001") :]
    return Settings.from_env(values)


def test_whatsapp_text_inside_the_window_and_the_template_outside(fake, settings):
    text_id = send_whatsapp(
        settings, "+6281234567890", "Yth. Bapak/Ibu,\nnomor 7K3MQ-9XWT2", window=True
    )
    template_id = send_whatsapp(
        settings, "+6281234567890", "Yth. Bapak/Ibu,\nnomor 7K3MQ-9XWT2", window=False
    )
    text, template = fake.messages("whatsapp")
    assert (text["provider_message_id"], template["provider_message_id"]) == (text_id, template_id)
    assert text["raw"]["type"] == "text" and text["to"] == "6281234567890"
    assert template["template"] == {
        "name": "aduan_pemberitahuan",
        "language": "id",
        "parameters": ["Yth. Bapak/Ibu, | nomor 7K3MQ-9XWT2"],
    }


def test_a_throttled_whatsapp_send_is_retried(fake, settings):
    fake.add_fault("whatsapp", 429, count=2, retry_after=0)
    send_whatsapp(settings, "6281234567890", "halo", window=True)
    assert len(fake.messages("whatsapp")) == 1


def test_a_refused_whatsapp_send_is_permanent(settings):
    wrong = dataclasses.replace(settings, whatsapp_phone_number_id="000")
    with pytest.raises(SendFailed) as failed:
        send_whatsapp(wrong, "6281234567890", "halo", window=True)
    assert failed.value.permanent


def test_telegram_send_message_and_its_retry_after(fake, settings):
    fake.add_fault("telegram", 429, count=1, retry_after=0)
    sent = send_telegram(settings, "4242", "Yth. Bapak/Ibu")
    [message] = fake.messages("telegram")
    assert sent == f"4242:{message['provider_message_id']}" and message["text"] == "Yth. Bapak/Ibu"


def test_lapor_hears_the_status_and_a_lasting_outage_is_retried_later(fake, settings):
    send_lapor_status(
        settings,
        "4812763",
        status_body("7K3MQ-9XWT2", "verified", "Terverifikasi", "Status: Terverifikasi."),
    )
    [forwarded] = fake.messages("lapor")
    assert forwarded["to"] == "4812763" and forwarded["raw"]["tracking_id"] == "7K3MQ-9XWT2"
    fake.add_fault("lapor", 503, count=10)
    with pytest.raises(SendFailed) as failed:
        send_lapor_status(
            settings, "4812763", status_body("7K3MQ-9XWT2", "closed", "Selesai", "Selesai.")
        )
    assert not failed.value.permanent  # the record fails; SQS retries it, then the DLQ keeps it
