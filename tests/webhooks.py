"""A webhook test stack: the real inbound handler, its webhooks wired to a moto table and key.

`stack` (a pytest fixture: import `stack_fixture` into a test module) gives `post(path, body, headers)`,
which builds the API Gateway HTTP API v2 event exactly as the gateway does and invokes
`inbound.handler.lambda_handler`, and readers for what was stored. Provider secrets are the
local cloud's (infra/local/defaults.py), so the signing helpers of infra.local.citizen apply.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import pytest
from twilio.request_validator import RequestValidator

from infra.local import citizen
from infra.local.defaults import local_secrets

PUBLIC_BASE_URL = "https://aduan.example.go.id"
SECRETS = local_secrets({})


class Context:
    function_name = "InboundFunction"
    function_version = "$LATEST"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:ap-southeast-3:123456789012:function:InboundFunction"
    log_group_name = "/aduan/test/intake"
    log_stream_name = "test"

    def __init__(self) -> None:
        self.aws_request_id = str(uuid.uuid4())

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: str

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Stack:
    table: str
    ddb: Any
    settings: Any
    repository: Any
    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    def invoke(
        self,
        method: str,
        path: str,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
        query: str = "",
    ) -> Answer:
        from inbound.handler import lambda_handler
        from infra.local.gateway import v2_event
        from infra.local.template import Route

        route = Route(method, path, "InboundFunction")
        event = v2_event(method, path, query, headers or {}, body, route, {}, "203.0.113.9")
        result = lambda_handler(event, Context())
        return Answer(
            result["statusCode"],
            {k.lower(): v for k, v in (result.get("headers") or {}).items()},
            result.get("body") or "",
        )

    def post(self, path: str, body: bytes, headers: dict[str, str]) -> Answer:
        return self.invoke("POST", path, body, headers)

    # --- what was stored ------------------------------------------------------------------

    def items(self, prefix: str = "") -> list[dict[str, Any]]:
        from aduan.dynamo import deserialize

        found, kwargs = [], {"TableName": self.table}
        while True:
            page = self.ddb.scan(**kwargs)
            found += [deserialize(i) for i in page["Items"]]
            if "LastEvaluatedKey" not in page:
                break
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        return [i for i in found if i["PK"].startswith(prefix) and not i["PK"].startswith("REF#")]

    def complaints(self) -> list[dict[str, Any]]:
        return [i for i in self.items("C#") if i["SK"] == "META"]

    def events(self, detail_type: str | None = None) -> list[dict[str, Any]]:
        found = [i for i in self.items() if i["SK"].startswith("E#")]
        found = [{**i, "detail": json.loads(i["detail"])} for i in found]
        return [i for i in found if detail_type is None or i["detail_type"] == detail_type]

    def raw_dump(self) -> str:
        """Every stored attribute as text (to check no address is stored in clear)."""
        return json.dumps(self.items(), default=str)


@pytest.fixture(name="stack")
def stack_fixture(aws_env, complaint_table, monkeypatch) -> Stack:
    from aduan.repository import ComplaintRepository
    from aduan.settings import Settings
    from inbound.webhooks import wiring
    from tests.support import aws_client

    table, ddb = complaint_table
    key = aws_client(aws_env, "kms").create_key(Description="webhook tests")["KeyMetadata"]["KeyId"]
    secrets = {k.lower(): v for k, v in local_secrets({}).items()}
    secrets.update(
        public_base_url=PUBLIC_BASE_URL, table_name=table, kms_key_id=key, sns_trusted_cert_url=""
    )
    settings = Settings.from_env(secrets)
    repository = ComplaintRepository(table, ddb)
    monkeypatch.setattr(wiring, "settings", lambda: settings)
    monkeypatch.setattr(wiring, "repository", lambda: repository)
    return Stack(table, ddb, settings, repository)


def form_body(params: dict[str, str]) -> bytes:
    return urlencode(params).encode()


# --- signed deliveries, as each provider sends them -------------------------------------------


def whatsapp_post(stack, payload_or_bytes, secret=SECRETS["WHATSAPP_APP_SECRET"], signature=None):
    body = (
        payload_or_bytes
        if isinstance(payload_or_bytes, bytes)
        else citizen.whatsapp_body(payload_or_bytes)
    )
    headers = {"Content-Type": "application/json"}
    if signature is not False:
        headers["X-Hub-Signature-256"] = signature or citizen.whatsapp_signature(body, secret)
    return stack.post("/webhooks/whatsapp", body, headers)


def a_whatsapp_message(
    text="Jalan berlubang di depan pasar Sawojajar", sender="6281234567890", **kwargs
):
    message = citizen.whatsapp_message(sender, text=text, **kwargs)
    contact = {"profile": {"name": "Siti"}, "wa_id": sender}
    return citizen.whatsapp_payload([message], contacts=[contact], secrets=SECRETS)


def lapor_post(
    stack, payload, *, secret=SECRETS["LAPOR_WEBHOOK_SECRET"], timestamp=None, webhook_id=None
):
    body = json.dumps(payload, separators=(",", ":")).encode()
    msg_id = webhook_id or f"msg_{time.time_ns()}"
    ts = timestamp if timestamp is not None else int(time.time())
    headers = {
        "Content-Type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": str(ts),
        "webhook-signature": citizen.standard_webhook_signature(secret, msg_id, ts, body),
    }
    return stack.post("/webhooks/lapor", body, headers)


def sms_post(
    stack, params, *, token=SECRETS["TWILIO_AUTH_TOKEN"], path="/webhooks/sms", signature=None
):
    # Signed by Twilio's own library, over the public URL Twilio was given.
    url = PUBLIC_BASE_URL + path
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if signature is not False:
        headers["X-Twilio-Signature"] = signature or RequestValidator(token).compute_signature(
            url, params
        )
    return stack.post(path, form_body(params), headers)


def an_sms(text="SAMBAT lampu jalan mati di Jl. Ijen", sender="+6281234567890", sid=None):
    return citizen.sms_params(
        sender,
        text,
        to=SECRETS["SMS_FROM"],
        account_sid=SECRETS["TWILIO_ACCOUNT_SID"],
        message_sid=sid,
    )


def nothing_stored(stack):
    return stack.items() == []


def telegram_post(stack, update, secret=SECRETS["TELEGRAM_SECRET_TOKEN"]):
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    body = update if isinstance(update, bytes) else json.dumps(update).encode()
    return stack.post("/webhooks/telegram", body, headers)
