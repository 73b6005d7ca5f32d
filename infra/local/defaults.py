"""Dev-only credentials and URLs shared by the local cloud, the fake providers and the citizen tool.

One file, so the system (configured by the local cloud), the fake provider server (which checks
the credentials the system presents) and the citizen tool (which signs what it sends) can never
disagree. None of these values is a secret: they exist only on a developer's machine. Every key is
the environment variable name the system reads; an environment variable of the same name overrides
the default (`local_secrets()`), so a developer can point the tools at other values.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping

GATEWAY_URL = "http://127.0.0.1:3000"  # the local HTTP API (the `sam local` port)
FAKE_PROVIDERS_URL = "http://127.0.0.1:3001"  # infra/local/fake_providers.py

LOCAL_SECRETS: dict[str, str] = {
    # Twilio signs the URL it called: the public URL, not the local one (no tunnel locally).
    "PUBLIC_BASE_URL": GATEWAY_URL,
    # --- SMS (Twilio Messages API) ---
    "SMS_API_BASE_URL": FAKE_PROVIDERS_URL,
    "TWILIO_ACCOUNT_SID": "AC" + "0a1d2a3a4d5a6d7a" * 2,  # AC + 32 hex, as Twilio's
    "TWILIO_AUTH_TOKEN": "dev0twilio0auth0token0not0secret",
    "SMS_FROM": "+6281100001717",
    # --- WhatsApp Cloud API (Graph) ---
    "WHATSAPP_API_BASE_URL": FAKE_PROVIDERS_URL,
    "WHATSAPP_API_VERSION": "v21.0",
    "WHATSAPP_ACCESS_TOKEN": "dev-whatsapp-access-token-not-secret",
    "WHATSAPP_PHONE_NUMBER_ID": "106540352242922",
    "WHATSAPP_DISPLAY_PHONE_NUMBER": "6281100001717",
    "WHATSAPP_BUSINESS_ACCOUNT_ID": "102290129340398",
    "WHATSAPP_APP_SECRET": "dev-whatsapp-app-secret-not-secret",
    "WHATSAPP_VERIFY_TOKEN": "dev-whatsapp-verify-token",
    # --- Messenger and Instagram (one Meta app: one app secret, one verify token) ---
    "META_APP_SECRET": "dev-meta-app-secret-not-secret",
    "META_VERIFY_TOKEN": "dev-meta-verify-token",
    "META_API_BASE_URL": FAKE_PROVIDERS_URL,
    "META_API_VERSION": "v21.0",
    "MESSENGER_PAGE_ID": "108771925491035",
    "MESSENGER_PAGE_ACCESS_TOKEN": "dev-messenger-page-token-not-secret",
    "INSTAGRAM_API_BASE_URL": FAKE_PROVIDERS_URL,
    "INSTAGRAM_ACCOUNT_ID": "17841460000000017",
    "INSTAGRAM_ACCESS_TOKEN": "dev-instagram-access-token-not-secret",
    # --- Telegram Bot API --- (token shaped like BotFather's: <bot id>:<35 chars>)
    "TELEGRAM_API_BASE_URL": FAKE_PROVIDERS_URL,
    "TELEGRAM_BOT_TOKEN": "7000000017:AAdev-telegram-bot-token-not-secret",
    "TELEGRAM_BOT_USERNAME": "aduan_kota_bot",
    "TELEGRAM_SECRET_TOKEN": "dev-telegram-secret-token",  # allowed chars: A-Z a-z 0-9 _ -
    # --- SP4N-LAPOR! bridge --- (Standard Webhooks secret: "whsec_" + base64 of the key bytes)
    "LAPOR_API_BASE_URL": FAKE_PROVIDERS_URL + "/lapor",
    "LAPOR_API_TOKEN": "dev-lapor-api-token-not-secret",
    "LAPOR_WEBHOOK_SECRET": "whsec_"
    + base64.b64encode(b"dev-lapor-webhook-key-not-secret").decode(),
    # --- E-mail in (SES receipt -> SNS -> HTTPS) ---
    # moto's default account id, so a topic created in moto has the same ARN.
    "EMAIL_SNS_TOPIC_ARN": "arn:aws:sns:ap-southeast-3:123456789012:aduan-inbound-email",
    "EMAIL_INBOUND_ADDRESS": "aduan@kota.example.go.id",
    # The only signing certificate the local configuration trusts (served by the fake server,
    # generated when it starts); production trusts only https://sns.<region>.amazonaws.com/.
    "SNS_TRUSTED_CERT_URL": FAKE_PROVIDERS_URL + "/sns/cert.pem",
    # --- Open311: the api_key of the demo client app the local cloud seeds (docs/open311.md).
    # Not read by any function (they only ever see its hash); tools and tests send it.
    "OPEN311_API_KEY": "o311_dev-open311-api-key-not-secret",
    # --- Conversations: the HMAC key of conversation keys (no address is a key in clear) ---
    "CONVERSATION_HASH_KEY": "dev-conversation-hash-key-not-secret-0123456789",
}


def local_secrets(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """LOCAL_SECRETS with any same-named environment variable taking precedence."""
    env = os.environ if environ is None else environ
    return {key: env.get(key, default) for key, default in LOCAL_SECRETS.items()}
