"""SP4N-LAPOR! outbound: `POST {LAPOR_API_BASE_URL}/api/v1/reports/{lapor id}/status` (Bearer).

The national API is not public, so this is the contract the bridge implements (the inbound half
is inbound.channels.lapor): a JSON body with our tracking id, the status code and its Indonesian
label, and the answer's text once the complaint is answered. 429/5xx are retried with backoff.
"""

from __future__ import annotations

import json
from typing import Any

from aduan.provider_http import SendFailed, post
from aduan.settings import Settings


def status_body(
    tracking_id: str, status: str, label: str, message: str, answer: str | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "tracking_id": tracking_id,
        "status": status,
        "status_label": label,
        "message": message,
    }
    if answer:
        body["response"] = answer
    return body


def send_lapor_status(settings: Settings, lapor_tracking_id: str, body: dict[str, Any]) -> None:
    if not (settings.lapor_api_base_url and settings.lapor_api_token):
        raise SendFailed(
            "the LAPOR! bridge is not configured (LAPOR_API_BASE_URL, LAPOR_API_TOKEN)",
            permanent=True,
        )
    from urllib.parse import quote

    url = f"{settings.lapor_api_base_url.rstrip('/')}/api/v1/reports/{quote(lapor_tracking_id, safe='')}/status"
    post(
        url,
        json.dumps(body).encode(),
        {"Authorization": f"Bearer {settings.lapor_api_token}", "Content-Type": "application/json"},
        settings.http_timeout_seconds,
    )
