"""The reports API: public figures (``/v1/reports/...``) and officers' reports
(``/v1/officer/reports/...``, behind the officer JWT authorizer as the casework routes are).

Every route answers JSON, or a file with ``?format=csv`` / ``?format=xlsx``. Reads are Queries of
the aggregate partitions and the UnitInbox index; nothing here scans. A complaint list of more
than ``FOREGROUND_MONTHS`` months (or ``?background=1``) is made by the export worker and
fetched from ``/v1/officer/reports/exports/<id>`` as a presigned link.
"""

from __future__ import annotations

import contextvars
import functools
from datetime import UTC, datetime
from typing import Any

from aduan.api import install_error_handlers, json_response
from aduan.errors import NotFound
from aduan.http_api import Resolver, Response
from aduan.observability import logger
from aduan.repository import ComplaintRepository
from aduan.settings import get_settings
from reports import service
from reports.charts import render as draw
from reports.facts import CITY
from reports.formats import FORMATS, render
from reports.store import ReportStore

log = logger("reports-api")
app = Resolver()

FOREGROUND_MONTHS = 3
PUBLIC_CACHE = "public, max-age=300"


@functools.cache
def repository() -> ComplaintRepository:
    return ComplaintRepository(get_settings().table_name)


# The request of this invocation. Powertools keeps `current_event` on the resolver's class, which
# one Lambda process serving one request at a time never notices; the local cloud runs several
# containers of a function as threads of one process, where it would be another request's.
_request: contextvars.ContextVar[dict[str, Any]] = contextvars.ContextVar("request")


def _query(name: str) -> str | None:
    return (_request.get().get("queryStringParameters") or {}).get(name) or None


def _context(now: datetime) -> service.Context:
    from aduan.workflow import load_clock

    repo = repository()
    return service.Context(
        ReportStore(repo), load_clock(repo).calendar, now, service.language_of(_query("lang"))
    )


def _format() -> str:
    fmt = _query("format") or "json"
    if fmt not in (*FORMATS, "svg"):
        raise service.BadQuery(
            "Parameter format harus json, csv, xlsx atau svg. (format must be json, csv, xlsx or svg.)"
        )
    return fmt


def answer(
    body: dict[str, Any], sheets: list[Any], name: str, public: bool, charts: tuple[str, ...] = ()
) -> Response:
    """The report as JSON, a file, or (``format=svg&chart=...``) one of its charts."""
    fmt = _format()
    headers = {"cache-control": PUBLIC_CACHE if public else "private, no-store"}
    if fmt == "json":
        return json_response(200, body, headers=headers)
    if fmt == "svg":
        chart = _query("chart")
        if chart not in charts:
            raise service.BadQuery(
                f"Parameter chart harus salah satu dari: {', '.join(charts) or '-'}. (chart must be one of them.)"
            )
        svg = draw(chart, body, service.language_of(_query("lang")))
        return Response(
            status_code=200, content_type="image/svg+xml; charset=utf-8", body=svg, headers=headers
        )
    data, content_type, extension = render(sheets, fmt)
    headers["content-disposition"] = f'attachment; filename="{name}.{extension}"'
    return Response(status_code=200, content_type=content_type, body=data, headers=headers)


def _period(ctx: service.Context, default_months: int = 12) -> service.Period:
    return service.period_of(_query("from"), _query("to"), ctx.now, ctx.calendar, default_months)


def _name(kind: str, period: service.Period, who: str = "") -> str:
    parts = [
        "laporan",
        kind,
        who,
        period.first if period.first == period.last else f"{period.first}_{period.last}",
    ]
    return "-".join(p for p in parts if p)


# ---------------------------------------------------------------- public


@app.get("/v1/reports/summary")
def public_summary() -> Response:
    ctx = _context(datetime.now(UTC))
    period = _period(ctx)
    by = service.ensure_by(_query("by"), service.PUBLIC_BY)
    body, sheets = service.summary(ctx, period, "all", CITY, by, public=True)
    return answer(
        body,
        sheets,
        _name("ringkasan", period, by or ""),
        public=True,
        charts=("volume", "answer_days", "satisfaction"),
    )


@app.get("/v1/reports/units")
def public_units() -> Response:
    ctx = _context(datetime.now(UTC))
    period = _period(ctx)
    body, sheets = service.units_table(ctx, period, public=True)
    return answer(body, sheets, _name("unit", period), public=True, charts=("sla",))


# ---------------------------------------------------------------- officers


def current_officer(ctx: service.Context) -> Any:
    from aduan.officers import officer_from_claims

    request = _request.get().get("requestContext", {})
    claims = ((request.get("authorizer") or {}).get("jwt") or {}).get("claims")
    return officer_from_claims(claims, ctx.units())


@app.get("/v1/officer/reports/summary")
def officer_summary() -> Response:
    ctx = _context(datetime.now(UTC))
    officer = current_officer(ctx)
    unit = service.officer_unit(officer, _query("unit"), ctx.units())
    period = _period(ctx)
    if unit is None:
        by = service.ensure_by(_query("by"), service.ALL_BY)
        body, sheets = service.summary(ctx, period, "all", CITY, by, public=False)
    else:
        # Aggregates are per dimension, so a unit's own breakdown is by its bidang.
        by = service.ensure_by(_query("by"), ("bidang",))
        body, sheets = service.summary(
            ctx, period, "unit", unit, by, public=False, only_prefix=f"{unit}."
        )
    return answer(
        body,
        sheets,
        _name("ringkasan", period, unit or "kota"),
        public=False,
        charts=("volume", "answer_days", "satisfaction"),
    )


@app.get("/v1/officer/reports/units")
def officer_units() -> Response:
    ctx = _context(datetime.now(UTC))
    officer = current_officer(ctx)
    own = service.officer_unit(officer, None, ctx.units())
    period = _period(ctx)
    body, sheets = service.units_table(
        ctx, period, public=False, only=None if own is None else {own}
    )
    return answer(body, sheets, _name("unit", period, own or ""), public=False, charts=("sla",))


@app.get("/v1/officer/reports/recap")
def officer_recap() -> Response:
    ctx = _context(datetime.now(UTC))
    officer = current_officer(ctx)
    unit = service.officer_unit(officer, _query("unit"), ctx.units())
    month = service.month_of(_query("month"), "month") or ctx.calendar.to_local(ctx.now).strftime(
        "%Y-%m"
    )
    period = service.Period(month, month)
    body, sheets = service.recap(ctx, period, officer, unit)
    return answer(body, sheets, _name("rekap", period, unit or "kota"), public=False)


@app.get("/v1/officer/reports/overdue")
def officer_overdue() -> Response:
    ctx = _context(datetime.now(UTC))
    officer = current_officer(ctx)
    unit = service.officer_unit(officer, _query("unit"), ctx.units())
    body, sheets = service.overdue(ctx, officer, unit)
    stamp = ctx.calendar.to_local(ctx.now).strftime("%Y-%m-%d")
    return answer(
        body, sheets, f"aduan-lewat-tenggat-{unit or 'koordinator'}-{stamp}", public=False
    )


@app.get("/v1/officer/reports/complaints")
def officer_complaints() -> Response:
    ctx = _context(datetime.now(UTC))
    officer = current_officer(ctx)
    unit = service.officer_unit(officer, _query("unit"), ctx.units())
    period = _period(ctx, default_months=1)  # this month
    fmt = _format()
    background = _query("background") in ("1", "true") or len(period.months()) > FOREGROUND_MONTHS
    if background and fmt != "json":
        if unit is None:
            raise service.BadQuery(
                "Pilih unit (parameter unit). (Choose a unit with the unit parameter.)"
            )
        request = {
            "unit": unit,
            "from": period.first,
            "to": period.last,
            "format": fmt,
            "lang": ctx.language,
        }
        # Only the background export routes need the export jobs (and their own logger):
        # imported here, they cost no cold start of the function's other routes.
        from reports.exports import jobs

        export_id = jobs().create(officer, request, ctx.now)
        log.info(
            "export queued",
            extra={"export_id": export_id, "unit": unit, "months": len(period.months())},
        )
        return json_response(
            202,
            {
                "export_id": export_id,
                "state": "pending",
                "status_url": f"/v1/officer/reports/exports/{export_id}",
            },
            headers={"cache-control": "private, no-store"},
        )
    body, sheets = service.complaints(ctx, officer, unit, period)
    return answer(body, sheets, _name("daftar-aduan", period, unit or ""), public=False)


@app.get("/v1/officer/reports/exports/<export_id>")
def officer_export(export_id: str) -> Response:
    from reports.exports import LINK_SECONDS, jobs

    ctx = _context(datetime.now(UTC))
    officer = current_officer(ctx)
    exports = jobs()
    job = exports.get(export_id)
    if job["officer"]["sub"] != officer.sub:
        raise NotFound(
            "Ekspor tidak ditemukan. No such export."
        )  # another officer's: not said to exist
    body: dict[str, Any] = {
        "export_id": export_id,
        "state": job["state"],
        "created_at": job["created_at"],
    }
    if job["state"] == "done":
        filename = job["object_key"].rsplit("/", 1)[-1]
        body.update(
            rows=job.get("rows"),
            download_url=exports.link(job["object_key"], filename),
            expires_in=LINK_SECONDS,
        )
    return json_response(200, body, headers={"cache-control": "private, no-store"})


# ---------------------------------------------------------------- errors

install_error_handlers(app, log, invalid_message="the request is not valid")


@log.inject_lambda_context(correlation_id_path="requestContext.requestId")
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    _request.set(event)
    return app.resolve(event, context)
