"""The one settings object: environment variables as a typed model, validated once per container."""

from __future__ import annotations

import functools
import os

from pydantic import BaseModel, ConfigDict


class Settings(BaseModel):
    """Every function reads the variables it needs from here; the template sets them.

    Function-specific values have safe defaults so one model serves every function.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    table_name: str = "aduan-complaints"
    idempotency_table_name: str = "aduan-idempotency"
    event_bus_name: str = "aduan"
    kms_key_id: str = ""
    public_base_url: str = "http://127.0.0.1:3000"
    default_language: str = "id"
    # Outbound providers: base URLs are settings so locally they point at the fake provider.
    sms_api_base_url: str = "https://api.twilio.com"
    twilio_account_sid: str = ""
    twilio_auth_token: str = ""
    sms_from: str = ""
    email_from: str = "aduan@example.go.id"
    city_name: str = "Kota"
    http_timeout_seconds: float = 5.0
    # --- channels (issue 3). Secrets are NoEcho template parameters; empty = channel disabled.
    whatsapp_api_base_url: str = "https://graph.facebook.com"
    whatsapp_api_version: str = "v21.0"
    whatsapp_access_token: str = ""
    whatsapp_phone_number_id: str = ""
    whatsapp_app_secret: str = ""
    whatsapp_verify_token: str = ""
    telegram_api_base_url: str = "https://api.telegram.org"
    telegram_bot_token: str = ""
    telegram_secret_token: str = ""
    lapor_webhook_secret: str = ""
    lapor_api_base_url: str = ""
    lapor_api_token: str = ""
    email_sns_topic_arn: str = ""
    # Local cloud only: the one (loopback) certificate URL trusted besides SNS's own hosts.
    sns_trusted_cert_url: str = ""
    # Keys conversation items by HMAC(address) so no phone number or chat id is a key in clear.
    conversation_hash_key: str = ""
    media_bucket_name: str = ""
    # Origins photos may be fetched from besides the providers' API base URLs (comma-separated).
    media_allowed_origins: str = ""
    media_max_bytes: int = 5 * 1024 * 1024

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        return cls.model_validate({k.lower(): v for k, v in env.items() if k.lower() in cls.model_fields})


@functools.cache
def get_settings() -> Settings:
    return Settings.from_env()
