"""E-mail through SES (the one AWS adapter of notify's senders)."""

from __future__ import annotations

from aduan import aws
from aduan.provider_http import SendFailed
from aduan.settings import Settings


def send_email(settings: Settings, to: str, subject: str, text: str) -> str:
    ses = aws.client("ses")
    try:
        answer = ses.send_email(
            Source=settings.email_from,
            Destination={"ToAddresses": [to]},
            Message={
                "Subject": {"Data": subject, "Charset": "UTF-8"},
                "Body": {"Text": {"Data": text, "Charset": "UTF-8"}},
            },
        )
    except ses.exceptions.MessageRejected as error:
        raise SendFailed(f"SES rejected the message: {error}", permanent=True) from error
    return answer["MessageId"]
