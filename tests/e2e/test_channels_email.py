"""E-mail on the local cloud: SES -> SNS -> webhook -> complaint routed -> the SES acknowledgement."""

from __future__ import annotations

import uuid

import pytest

from infra.local import citizen
from tests.e2e.channel_client import meta, routed, tracking_id_in, wait_outbox
from tests.support import eventually

pytestmark = pytest.mark.e2e


def _png() -> bytes:
    """A real PNG (stored photos are walked to remove their metadata: made-up bytes are refused)."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (24, 16), (40, 90, 180)).save(out, "PNG")
    return out.getvalue()


PNG = _png()


def mailbox() -> str:
    return f"warga-{uuid.uuid4().hex[:8]}@example.com"


def test_an_email_becomes_a_routed_complaint_acknowledged_by_email(cloud):
    sender = mailbox()
    sent = citizen.send_email(
        cloud.gateway_url,
        from_=sender,
        subject="Drainase tersumbat",
        text="Saluran air di Jl. Soekarno Hatta tersumbat, banjir setiap hujan",
        fake_url=cloud.providers_url,
    )
    assert sent.status == 200, sent.text
    [ack] = wait_outbox(cloud, "email", to=sender, what="the e-mail acknowledgement")
    tracking_id = tracking_id_in(ack["subject"])
    routed(cloud, tracking_id)
    assert meta(cloud, tracking_id)["title"] == "Drainase tersumbat"


def test_an_attachment_is_stored_with_the_complaint(cloud, tmp_path):
    sender, photo = mailbox(), tmp_path / "genangan.png"
    photo.write_bytes(PNG)
    citizen.send_email(
        cloud.gateway_url,
        from_=sender,
        subject="Genangan air",
        text="Genangan di depan pasar",
        photo=photo,
        fake_url=cloud.providers_url,
    )
    tracking_id = tracking_id_in(wait_outbox(cloud, "email", to=sender)[0]["subject"])
    [media] = eventually(
        lambda: meta(cloud, tracking_id).get("media"), what="the attachment linked"
    )
    stored = cloud.client("s3").get_object(Bucket=cloud.resources["MediaBucket"], Key=media["key"])
    assert stored["Body"].read() == PNG and media["mime_type"] == "image/png"


def test_the_sns_subscription_is_confirmed(cloud):
    sent = citizen.send_sns_subscription_confirmation(
        cloud.gateway_url, fake_url=cloud.providers_url
    )
    assert sent.status == 200 and sent.json()["confirmed"] is True
