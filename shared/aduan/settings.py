"""The one settings object: environment variables as a typed model, validated once per container.

A frozen dataclass, not a pydantic model: every function builds it, and for the relay (which
forwards stored JSON and builds no other model) pydantic's import was most of its cold start
(~55 ms of ~80 ms above `import boto3` + one client, bench/run.py).
"""

from __future__ import annotations

import dataclasses
import functools
import os
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


@dataclasses.dataclass(frozen=True)
class Settings:
    """Every function reads the variables it needs from here; the template sets them.

    Function-specific values have safe defaults so one model serves every function.
    """

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
    # --- Open311 GeoReport v2 (the web function): the jurisdiction and discovery's contacts.
    open311_jurisdiction_id: str = "malangkota.go.id"
    open311_contact: str = ""
    open311_key_service: str = ""
    # --- channels. Secrets are NoEcho template parameters; empty = channel disabled.
    whatsapp_api_base_url: str = "https://graph.facebook.com"
    whatsapp_api_version: str = "v21.0"
    whatsapp_access_token: str = ""
    whatsapp_phone_number_id: str = ""
    whatsapp_app_secret: str = ""
    whatsapp_verify_token: str = ""
    # Messenger and Instagram: one Meta app (its secret signs both webhooks), one Send API each.
    meta_app_secret: str = ""
    meta_verify_token: str = ""
    meta_api_base_url: str = "https://graph.facebook.com"
    meta_api_version: str = "v21.0"
    messenger_page_id: str = ""
    messenger_page_access_token: str = ""
    instagram_api_base_url: str = "https://graph.instagram.com"
    instagram_account_id: str = ""
    instagram_access_token: str = ""
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
    # --- reports: large exports are made in the background and fetched from this bucket.
    reports_bucket_name: str = ""
    reports_export_queue_url: str = ""
    # The fields whose value was given (by the environment, or differing from its default when
    # built or replaced in code), defaults aside: see `require`.
    given: frozenset[str] = dataclasses.field(default=frozenset(), repr=False, compare=False)

    def __post_init__(self) -> None:
        # `Settings(x=...)` and `dataclasses.replace(settings, x=...)` count as giving x, as
        # the environment does (pydantic's model_copy(update=...) counted them too).
        changed = {f.name for f in _FIELDS if getattr(self, f.name) != f.default}
        object.__setattr__(self, "given", self.given | changed)

    @classmethod
    def names(cls) -> frozenset[str]:
        return _NAMES

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings named in ``environ`` (any case; others ignored), each as its field's
        type: a value that is not one (``HTTP_TIMEOUT_SECONDS=soon``) raises ValueError."""
        env = os.environ if environ is None else environ
        values = {k.lower(): v for k, v in env.items() if k.lower() in _NAMES}
        typed = {}
        for name, value in values.items():
            try:
                typed[name] = _TYPES[name](value)
            except ValueError:
                # the variable's name, never its value (it may be a secret)
                kind = _TYPES[name].__name__
                raise ValueError(f"{name.upper()} is not a valid {kind}") from None
        return cls(**typed, given=frozenset(typed))


# The annotations are strings (`from __future__ import annotations`): each names a builtin.
# (A bool field would need a parser of its own: bool("false") is True, so none is mapped.)
_FIELDS = tuple(f for f in dataclasses.fields(Settings) if f.name != "given")
_TYPES: dict[str, Callable[[str], Any]] = {
    f.name: {"str": str, "int": int, "float": float}[str(f.type)] for f in _FIELDS
}
_NAMES = frozenset(_TYPES)


@functools.cache
def get_settings() -> Settings:
    return Settings.from_env()


class MissingSettings(RuntimeError):
    """A function was started without variables it needs: raised before it handles anything."""


def require(settings: Settings, names: Iterable[str]) -> Settings:
    """``settings``, once every field in ``names`` was given a value (by the environment, or by
    the code that built or replaced the object); otherwise ``MissingSettings`` naming them."""
    missing = [
        name.upper() for name in names if name not in settings.given or not getattr(settings, name)
    ]
    if missing:
        raise MissingSettings(f"environment variable(s) not set: {', '.join(missing)}")
    return settings


def needs(*names: str, settings: Callable[[], Settings] | None = None) -> Callable[[F], F]:
    """A function's entry point declares the variables it cannot work without; the first
    invocation of a container checks them (``require``) before anything else, so a missing one
    fails there by name instead of as a default pointing nowhere, deep inside a request.
    ``lambda_handler.needs`` lets a contract test hold them against the template."""
    for name in names:
        if name not in Settings.names():
            raise ValueError(f"{name} is not a setting")

    def decorate(handler: F) -> F:
        checked: list[bool] = []

        @functools.wraps(handler)
        def entry(*args: Any, **kwargs: Any) -> Any:
            if not checked:
                require((settings or get_settings)(), names)
                checked.append(True)
            return handler(*args, **kwargs)

        entry.needs = names  # type: ignore[attr-defined]
        return entry  # type: ignore[return-value]

    return decorate
