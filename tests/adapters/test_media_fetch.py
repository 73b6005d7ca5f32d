"""Fetching citizens' photos from the providers (the fake provider server) and storing them."""

from __future__ import annotations

import dataclasses
import hashlib
import threading
import uuid
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from aduan.channel_events import MediaItem, MediaReceived, MediaReceivedData
from aduan.photo_metadata import strip
from aduan.repository import ComplaintRepository
from aduan.settings import Settings
from infra.local.defaults import local_secrets
from infra.local.fake_providers import FakeProviders
from media.fetch import MediaRejected, allowed_origins, get
from media.media import Provider, store_media
from tests.support import aws_client, has_exif, photo_jpeg

JPEG = photo_jpeg()  # with GPS EXIF, as a phone sends it
NOW = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def fake():
    with FakeProviders(port=0) as server:
        yield server


@pytest.fixture
def settings(fake):
    values = {k.lower(): v for k, v in local_secrets({}).items()}
    for key, value in list(values.items()):
        if isinstance(value, str) and value.startswith("http://127.0.0.1:3001"):
            values[key] = fake.url + value[len("http://127.0.0.1:3001") :]
    values["media_allowed_origins"] = ""
    return Settings.from_env(values)


@pytest.fixture
def redirector(fake):
    """A server that is not a provider: it redirects to wherever it is told."""

    class Redirect(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(302)
            self.send_header("Location", self.path[1:])
            self.end_headers()

        def log_message(self, *_):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_a_whatsapp_photo_is_fetched_through_the_graph_media_id(fake, settings):
    media = fake.register_media(JPEG, "image/jpeg", "lubang.jpg")
    got = Provider(settings).download(
        "whatsapp", MediaItem(provider_ref=media["whatsapp"]["id"], sha256=media["sha256"])
    )
    assert got.data == JPEG and got.content_type == "image/jpeg"


def test_a_telegram_photo_is_fetched_through_get_file(fake, settings):
    media = fake.register_media(JPEG, "image/jpeg")
    got = Provider(settings).download(
        "telegram", MediaItem(provider_ref=media["telegram"]["file_id"])
    )
    assert got.data == JPEG


def test_an_mms_photo_is_fetched_from_its_media_url(fake, settings):
    media = fake.register_media(JPEG, "image/jpeg")
    url = f"{fake.url}/2010-04-01/Accounts/{settings.twilio_account_sid}/Messages/MM1/Media/{media['twilio']['media_sid']}"
    assert Provider(settings).download("sms", MediaItem(provider_ref="ME1", url=url)).data == JPEG


def test_a_url_on_another_host_is_never_requested(settings):
    with pytest.raises(MediaRejected) as refused:
        Provider(settings).download(
            "sms", MediaItem(provider_ref="ME1", url="http://169.254.169.254/latest/meta-data/")
        )
    assert refused.value.reason == "host_not_allowed"


def test_a_redirect_off_the_allowed_hosts_is_refused(fake, redirector):
    allowed = allowed_origins([redirector])
    with pytest.raises(MediaRejected) as refused:
        get(f"{redirector}/{fake.url}/whatsapp-media/1", allowed, max_bytes=1000)
    assert refused.value.reason == "host_not_allowed"


def test_a_photo_over_the_limit_is_refused_without_reading_it_all(fake, settings):
    media = fake.register_media(JPEG, "image/jpeg")
    small = dataclasses.replace(settings, media_max_bytes=100)
    with pytest.raises(MediaRejected) as refused:
        Provider(small).download("telegram", MediaItem(provider_ref=media["telegram"]["file_id"]))
    assert refused.value.reason == "too_large"


def test_a_throttled_download_is_retried(fake, settings):
    media = fake.register_media(JPEG, "image/jpeg")
    fake.add_fault("whatsapp", 503, count=1, op="media")
    got = Provider(settings).download("whatsapp", MediaItem(provider_ref=media["whatsapp"]["id"]))
    assert got.data == JPEG


def test_received_photos_are_stored_under_the_complaint_and_linked_once(
    fake, settings, aws_env, complaint_table
):
    from aduan.complaint import ComplaintForm
    from web.complaints import build_complaint

    table, ddb = complaint_table
    repository = ComplaintRepository(table, ddb)
    complaint, received = build_complaint(
        ComplaintForm.checked(title="Jalan rusak", description="Jalan rusak di Sawojajar"),
        "whatsapp",
        NOW,
        "7K3MQ-9XWT2",
        "c",
    )
    repository.create(complaint, [received])
    bucket = f"media-{uuid.uuid4().hex[:8]}"
    s3 = aws_client(aws_env, "s3")
    s3.create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "ap-southeast-3"}
    )
    photo = fake.register_media(JPEG, "image/jpeg")
    pdf = fake.register_media(b"%PDF-1.7 not a photo", "application/pdf")
    items = [
        MediaItem(provider_ref=photo["whatsapp"]["id"], sha256=photo["sha256"]),
        MediaItem(provider_ref=pdf["whatsapp"]["id"]),
    ]
    event = MediaReceived(
        data=MediaReceivedData(
            complaint_id=complaint.id, channel="whatsapp", message_id="wamid.1", items=items
        )
    )
    configured = dataclasses.replace(settings, media_bucket_name=bucket)

    assert store_media(event, repository, configured, NOW) == "stored 1, rejected 1"
    assert store_media(event, repository, configured, NOW) == "duplicate"

    linked = repository.get(complaint.id).media
    cleaned = strip(JPEG, "image/jpeg")
    key = f"complaints/{complaint.id}/media/{hashlib.sha256(cleaned).hexdigest()[:32]}.jpg"
    assert [m.key for m in linked] == [key]
    # what is stored (and so what officers and the public can see) has no EXIF, no GPS
    stored_bytes = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    assert stored_bytes == cleaned and has_exif(JPEG) and not has_exif(stored_bytes)
    _, history = repository.with_history(complaint.id)
    [stored] = [h for h in history if h.detail_type == "MediaStored"]
    assert stored.detail["data"]["rejected"] == [
        {"provider_ref": pdf["whatsapp"]["id"], "reason": "type_not_allowed"}
    ]


def test_a_photo_uploaded_from_the_web_form_leaves_the_inbox_without_its_gps(
    settings, aws_env, complaint_table
):
    from aduan.complaint import ComplaintForm
    from web.complaints import build_complaint

    table, ddb = complaint_table
    repository = ComplaintRepository(table, ddb)
    complaint, received = build_complaint(
        ComplaintForm.checked(title="Jalan rusak", description="Jalan rusak di Sawojajar"),
        "web",
        NOW,
        "7K3MQ-9XWT3",
        "c",
    )
    repository.create(complaint, [received])
    bucket = f"media-{uuid.uuid4().hex[:8]}"
    s3 = aws_client(aws_env, "s3")
    s3.create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "ap-southeast-3"}
    )
    inbox = f"inbox/web/{uuid.uuid4().hex}"
    s3.put_object(Bucket=bucket, Key=inbox, Body=JPEG, ContentType="image/jpeg")
    event = MediaReceived(
        data=MediaReceivedData(
            complaint_id=complaint.id,
            channel="web",
            message_id=f"web-{complaint.id}",
            items=[MediaItem(provider_ref=inbox, inbox_key=inbox)],
        )
    )
    configured = dataclasses.replace(settings, media_bucket_name=bucket)
    assert store_media(event, repository, configured, NOW) == "stored 1, rejected 0"
    [link] = repository.get(complaint.id).media
    stored = s3.get_object(Bucket=bucket, Key=link.key)["Body"].read()
    assert has_exif(JPEG) and not has_exif(stored) and b"PhoneMaker" not in stored
    assert "Contents" not in s3.list_objects_v2(
        Bucket=bucket, Prefix="inbox/"
    )  # the upload is gone
