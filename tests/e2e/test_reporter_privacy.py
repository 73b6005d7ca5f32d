"""No channel address reaches the unit, the public or the history: a complaint on every channel
(the LAPOR! one anonim, the only channel with that choice), acknowledged on its channel, then
every officer view, the public view, the complaint's items and their keys are searched for the
sender's address (phone, e-mail, Telegram chat id, wa_id). Only the reporter item holds it,
encrypted; an anonim reporter is hidden from officers too."""

from __future__ import annotations

import json
import random
import re
import uuid

import pytest

from infra.local import citizen
from tests.e2e.channel_client import items, tracking_id_in, unique_phone, wait_outbox
from tests.e2e.officer_client import KEL, Officers
from tests.support import eventually, http

pytestmark = pytest.mark.e2e

ADMIN = "admin.oro-oro-dowo"  # the unit admin of KEL


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def leaks(found: object, address: str) -> bool:
    """The address, in any spelling: as given, its digits alone (a phone without +, 08.. for
    +628..), or inside the base64 of a WhatsApp message id."""
    import base64

    text = json.dumps(found, ensure_ascii=False)
    spellings = {address, address.lower()}
    if len(digits(address)) >= 7:
        number = digits(address)
        spellings |= {number, "0" + number[2:] if number.startswith("62") else number}
        spellings.add(base64.b64encode(number.encode()).decode()[:12])
    return any(s in text for s in spellings)


def complain_on_every_channel(cloud):
    phone, wa_id, chat_id = "+" + unique_phone(), unique_phone(), random.randint(10**8, 10**9)
    email = f"warga-{uuid.uuid4().hex[:8]}@example.com"
    lapor_phone, lapor_email = "+" + unique_phone(), f"anonim-{uuid.uuid4().hex[:8]}@example.com"
    sent: list[tuple[str, str, str]] = []  # (channel, address, tracking id)

    citizen.send_telegram(
        cloud.gateway_url,
        chat_id=chat_id,
        text="Lampu jalan mati di Jl. Ijen",
        fake_url=cloud.providers_url,
    )
    [ack] = wait_outbox(cloud, "telegram", to=str(chat_id))
    sent.append(("telegram", str(chat_id), tracking_id_in(ack["text"])))

    citizen.send_whatsapp(
        cloud.gateway_url,
        from_=wa_id,
        text="Jalan rusak di Sawojajar",
        fake_url=cloud.providers_url,
    )
    [ack] = wait_outbox(cloud, "whatsapp", to=wa_id)
    sent.append(("whatsapp", wa_id, tracking_id_in(ack["text"])))

    citizen.send_sms(
        cloud.gateway_url,
        from_=phone,
        text="SAMBAT sampah menumpuk di TPS Blimbing",
        public_base_url=cloud.gateway_url,
        fake_url=cloud.providers_url,
    )
    [ack] = wait_outbox(cloud, "sms", to=phone)
    sent.append(("sms", phone, tracking_id_in(ack["text"])))

    citizen.send_email(
        cloud.gateway_url,
        from_=email,
        subject="Drainase tersumbat",
        text="Saluran air di Jl. Soekarno Hatta tersumbat",
        fake_url=cloud.providers_url,
    )
    [ack] = wait_outbox(cloud, "email", to=email)
    sent.append(("email", email, tracking_id_in(ack["subject"])))

    answer = citizen.send_lapor(
        cloud.gateway_url,
        tracking_id=str(random.randint(10**6, 10**7)),
        text="Trotoar rusak di Jl. Kawi, Klojen",
        anonymous=True,
        reporter_name="Pelapor Rahasia",
        reporter_phone=lapor_phone,
        reporter_email=lapor_email,
        fake_url=cloud.providers_url,
    )
    ours = answer.json()["tracking_id"]
    sent += [("lapor", lapor_phone, ours), ("lapor", lapor_email, ours)]
    return sent


def test_no_channel_address_in_any_view_event_or_key(cloud):
    officers = Officers(cloud)
    sent = complain_on_every_channel(cloud)
    table = cloud.resources["ComplaintTable"]
    for channel, address, tracking_id in sent:
        # the acknowledgement's delivery is on the history before anything is searched
        def acknowledged(tracking_id: str = tracking_id, channel: str = channel) -> bool:
            history = items(cloud, f"C#{tracking_id}")
            return channel == "lapor" or any(
                i.get("detail_type") == "NotificationSent" for i in history
            )

        eventually(acknowledged, what=f"the {channel} acknowledgement recorded")
        detail = officers.detail("koordinator", tracking_id)
        reporter = detail.pop("reporter", None)
        views = {
            "officer detail": detail,
            "officer inbox": officers.get("koordinator", "/v1/officer/inbox?queue=triage").json,
            "public view": http("GET", f"{cloud.gateway_url}/v1/complaints/{tracking_id}").json,
        }
        for name, view in views.items():
            assert not leaks(view, address), f"{channel}: the {name} shows {address}"
        if channel == "lapor":
            # anonim: the coordinator, who verifies, sees the reporter; the unit does not
            assert reporter and address in (reporter.get("phone"), reporter.get("email"))
            verified = officers.act("koordinator", tracking_id, action="verify", unit_id=KEL)
            assert verified.status in (200, 409), verified  # 409: verified on the first round
            unit_view = officers.detail(ADMIN, tracking_id)
            assert unit_view["reporter"] == {"hidden": True, "reason": "anonim"}
            assert not leaks(unit_view, address), f"the unit's view shows {address}"
        stored = [i for i in items(cloud, f"C#{tracking_id}") if i["SK"] != "R"]
        for item in stored:
            assert not leaks(item, address), f"{channel}: {item['SK']} holds {address}"
        # no item anywhere is keyed by the address (deliveries, dedupe, conversations)
        keys = [
            i["PK"]["S"]
            for page in cloud.client("dynamodb")
            .get_paginator("scan")
            .paginate(TableName=table, ProjectionExpression="PK")
            for i in page["Items"]
        ]
        assert not leaks(keys, address), f"{channel}: an item key holds {address}"
