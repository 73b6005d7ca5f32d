"""Exports made in the background: a job item, a message to the export worker, a file in S3 and
a presigned link for the officer who asked (and nobody else).

The API writes the job (``EXPORT#<id>`` in the complaint table, kept 7 days) and sends its id to
the export queue; the worker (``reports.exports.lambda_handler``, the queue's consumer) builds
the same sheets the API would (``reports.service``), stores the file under ``exports/<id>.<ext>``
and marks the job done. A job already done is not made again, so a redelivery costs nothing.
"""

from __future__ import annotations

import functools
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from aduan import aws
from aduan.dynamo import value
from aduan.errors import NotFound
from aduan.observability import logger
from aduan.officers import Officer
from aduan.repository import ComplaintRepository
from aduan.settings import get_settings

JOB_TTL = timedelta(days=7)
LINK_SECONDS = 900

log = logger("reports-export")


class ExportJobs:
    def __init__(self, repository: ComplaintRepository, bucket: str, queue_url: str) -> None:
        self.repository = repository
        self.bucket = bucket
        self.queue_url = queue_url

    @staticmethod
    def key(export_id: str) -> tuple[str, str]:
        return f"EXPORT#{export_id}", "META"

    def create(self, officer: Officer, request: dict[str, Any], now: datetime) -> str:
        export_id = str(uuid.uuid4())
        pk, sk = self.key(export_id)
        item = {
            "PK": pk,
            "SK": sk,
            "kind": "export",
            "export_id": export_id,
            "state": "pending",
            # The officer as the token named them: the worker decides access as the API would.
            "officer": {
                "sub": officer.sub,
                "username": officer.username,
                "role": officer.role.value,
                "unit_id": officer.unit_id,
                "bidang_id": officer.bidang_id,
            },
            "request": json.dumps(request),
            "created_at": now.astimezone(UTC).isoformat(),
            "ttl": int((now + JOB_TTL).timestamp()),
        }
        self.repository.put_items([item])
        aws.client("sqs").send_message(
            QueueUrl=self.queue_url, MessageBody=json.dumps({"export_id": export_id})
        )
        return export_id

    def get(self, export_id: str) -> dict[str, Any]:
        pk, sk = self.key(export_id)
        item = self.repository.get_item(pk, sk)
        if item is None:
            raise NotFound("Ekspor tidak ditemukan. No such export.")
        return item

    def store(
        self,
        export_id: str,
        body: bytes,
        content_type: str,
        extension: str,
        rows: int,
        now: datetime,
    ) -> None:
        key = f"exports/{export_id}.{extension}"
        aws.client("s3").put_object(
            Bucket=self.bucket, Key=key, Body=body, ContentType=content_type
        )
        pk, sk = self.key(export_id)
        self.repository.ddb.update_item(
            TableName=self.repository.table_name,
            Key={"PK": value(pk), "SK": value(sk)},
            UpdateExpression="SET #s = :done, object_key = :key, #rows = :rows, finished_at = :at",
            ExpressionAttributeNames={"#s": "state", "#rows": "rows"},
            ExpressionAttributeValues={
                ":done": value("done"),
                ":key": value(key),
                ":rows": value(rows),
                ":at": value(now.astimezone(UTC).isoformat()),
            },
        )

    def link(self, key: str, filename: str) -> str:
        return str(
            aws.client("s3").generate_presigned_url(
                "get_object",
                Params={
                    "Bucket": self.bucket,
                    "Key": key,
                    "ResponseContentDisposition": f'attachment; filename="{filename}"',
                },
                ExpiresIn=LINK_SECONDS,
            )
        )


@functools.cache
def jobs() -> ExportJobs:
    settings = get_settings()
    return ExportJobs(
        ComplaintRepository(settings.table_name),
        settings.reports_bucket_name,
        settings.reports_export_queue_url,
    )


def make(export_id: str, now: datetime, exports: ExportJobs | None = None) -> str:
    """Build one job's file. done | already_done."""
    from aduan.lifecycle import Role
    from aduan.workflow import load_clock
    from reports import service
    from reports.formats import render
    from reports.store import ReportStore

    exports = exports or jobs()
    job = exports.get(export_id)
    if job.get("state") == "done":
        return "already_done"
    request = json.loads(job["request"])
    who = job["officer"]
    officer = Officer(
        sub=who["sub"],
        username=who["username"],
        role=Role(who["role"]),
        unit_id=who.get("unit_id"),
        bidang_id=who.get("bidang_id"),
    )
    repository = exports.repository
    ctx = service.Context(
        ReportStore(repository), load_clock(repository).calendar, now, request.get("lang", "id")
    )
    period = service.Period(request["from"], request["to"])
    body, sheets = service.complaints(ctx, officer, request["unit"], period)
    data, content_type, extension = render(sheets, request["format"])
    exports.store(export_id, data, content_type, extension, body["count"], now)
    return "done"


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    failures = []
    for record in event.get("Records", []):
        try:
            export_id = json.loads(record["body"])["export_id"]
            outcome = make(export_id, datetime.now(UTC))
            log.info("export", extra={"export_id": export_id, "outcome": outcome})
        except Exception:
            log.exception("export failed", extra={"message_id": record.get("messageId")})
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
