"""Inbound channels: check each provider's proof of origin, parse its payload into one model.

Pure code (no AWS, no network): `whatsapp`, `telegram`, `sms`, `email` (SNS + SES), `lapor`
each verify and parse; `commands` reads what a citizen's text asks for. Import the provider
module a route needs directly (`from inbound.channels import whatsapp`): this package imports
only the common model, so a route never pays for another provider's imports (e.g. the
`cryptography` that e-mail needs).
"""

from .commands import Command, parse_command
from .inbound import (
    ChannelError,
    DeliveryStatus,
    GeoPoint,
    InboundMessage,
    LaporReport,
    MalformedPayload,
    MediaRef,
    SignatureError,
    StaleMessage,
)

__all__ = [
    "ChannelError",
    "Command",
    "DeliveryStatus",
    "GeoPoint",
    "InboundMessage",
    "LaporReport",
    "MalformedPayload",
    "MediaRef",
    "SignatureError",
    "StaleMessage",
    "parse_command",
]
