"""The webhooks in the OpenAPI document (the providers' formats are theirs; see inbound.channels)."""

from __future__ import annotations

from typing import Any

_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}


def _answers(ok: str, refused: int, extra: dict[str, str] | None = None) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "200": {"description": ok},
        str(refused): {
            "description": "Missing, forged or wrong-secret proof of origin (nothing stored)",
            "content": _ERROR,
        },
        "400": {"description": "Malformed payload (nothing stored)", "content": _ERROR},
        "413": {"description": "Body over the webhook's limit", "content": _ERROR},
        "503": {"description": "The channel's secret is not configured", "content": _ERROR},
    }
    for status, text in (extra or {}).items():
        answers[status] = {"description": text, "content": _ERROR}
    return answers


def _post(
    summary: str,
    content_type: str,
    ok: str,
    refused: int,
    headers: list[str],
    extra: dict[str, str] | None = None,
) -> dict[str, Any]:
    return {
        "post": {
            "summary": summary,
            "tags": ["webhooks"],
            "parameters": [
                {"name": h, "in": "header", "required": True, "schema": {"type": "string"}}
                for h in headers
            ],
            "requestBody": {
                "required": True,
                "content": {
                    content_type: {
                        "schema": {"type": "object" if "json" in content_type else "string"}
                    }
                },
            },
            "responses": _answers(ok, refused, extra),
        }
    }


PATHS: dict[str, dict[str, Any]] = {
    "/webhooks/whatsapp": {
        "get": {
            "summary": "WhatsApp Cloud API verification handshake (echoes hub.challenge)",
            "tags": ["webhooks"],
            "parameters": [
                {"name": n, "in": "query", "required": True, "schema": {"type": "string"}}
                for n in ("hub.mode", "hub.verify_token", "hub.challenge")
            ],
            "responses": {
                "200": {"description": "The challenge, as text/plain"},
                "403": {"description": "Wrong token or mode", "content": _ERROR},
            },
        },
        **_post(
            "WhatsApp Cloud API messages and statuses",
            "application/json",
            "Accepted (each message once)",
            401,
            ["X-Hub-Signature-256"],
        ),
    },
    **{
        f"/webhooks/{channel}": {
            "get": {
                "summary": f"{name} webhook verification handshake (echoes hub.challenge)",
                "tags": ["webhooks"],
                "parameters": [
                    {"name": n, "in": "query", "required": True, "schema": {"type": "string"}}
                    for n in ("hub.mode", "hub.verify_token", "hub.challenge")
                ],
                "responses": {
                    "200": {"description": "The challenge, as text/plain"},
                    "403": {"description": "Wrong token or mode", "content": _ERROR},
                },
            },
            **_post(
                f"{name} direct messages (Messenger Platform, object '{obj}')",
                "application/json",
                "Accepted (each mid once)",
                401,
                ["X-Hub-Signature-256"],
            ),
        }
        for channel, name, obj in (
            ("messenger", "Messenger", "page"),
            ("instagram", "Instagram", "instagram"),
        )
    },
    "/webhooks/telegram": _post(
        "Telegram bot Update",
        "application/json",
        "Accepted",
        401,
        ["X-Telegram-Bot-Api-Secret-Token"],
    ),
    "/webhooks/sms": _post(
        "Incoming SMS (Twilio); answers TwiML",
        "application/x-www-form-urlencoded",
        "TwiML",
        403,
        ["X-Twilio-Signature"],
    ),
    "/webhooks/sms/status": _post(
        "Twilio delivery status callback",
        "application/x-www-form-urlencoded",
        "TwiML",
        403,
        ["X-Twilio-Signature"],
    ),
    "/webhooks/email": _post(
        "SES receipt through SNS (Notification, SubscriptionConfirmation)",
        "text/plain",
        "Accepted or confirmed",
        403,
        [],
        {"401": "A stale replay"},
    ),
    "/webhooks/lapor": _post(
        "SP4N-LAPOR! bridge: report.created / report.followup (Standard Webhooks)",
        "application/json",
        "Accepted; names our tracking id",
        401,
        ["webhook-id", "webhook-timestamp", "webhook-signature"],
    ),
}
