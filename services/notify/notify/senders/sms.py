"""SMS through Twilio's Messages API (any Twilio-compatible provider; base URL is a setting)."""

from __future__ import annotations

import base64
import urllib.parse

from aduan.provider_http import SendFailed, post
from aduan.settings import Settings


def send_sms(settings: Settings, to: str, text: str) -> str:
    if not (settings.twilio_account_sid and settings.twilio_auth_token and settings.sms_from):
        raise SendFailed(
            "SMS is not configured (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, SMS_FROM)",
            permanent=True,
        )
    url = f"{settings.sms_api_base_url.rstrip('/')}/2010-04-01/Accounts/{settings.twilio_account_sid}/Messages.json"
    sender = "MessagingServiceSid" if settings.sms_from.startswith("MG") else "From"
    # Twilio reports delivery (delivered, undelivered) to the status webhook.
    callback = f"{settings.public_base_url.rstrip('/')}/webhooks/sms/status"
    form = urllib.parse.urlencode(
        {"To": to, sender: settings.sms_from, "Body": text, "StatusCallback": callback}
    ).encode()
    credentials = base64.b64encode(
        f"{settings.twilio_account_sid}:{settings.twilio_auth_token}".encode()
    ).decode()
    answer = post(
        url,
        form,
        {
            "Authorization": f"Basic {credentials}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        settings.http_timeout_seconds,
    )
    sid = answer.body.get("sid") if isinstance(answer.body, dict) else None
    if not sid:
        raise SendFailed(f"Twilio answered without a message sid: {answer.body}", permanent=True)
    return sid
