"""`POST requests`: the spec's form fields turned into the web form's complaint (pure).

An Open311 client sends `application/x-www-form-urlencoded` fields; what it sends becomes the
same `ComplaintForm` the web form posts, so it is checked by the same rules and filed by the
same intake path. Mistakes are the spec's 400s naming the Open311 field, never the form's.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from aduan.complaint import ComplaintForm
from aduan.model import ValidationError, problems
from web.open311.documents import Open311Error
from web.open311.services import answer_lines

FORM_TYPE = "application/x-www-form-urlencoded"
MAX_FIELDS = 100
_ATTRIBUTE = re.compile(r"^attribute\[([A-Za-z0-9_\-]{1,60})\](\[\])?$")

# Where the web form's field names show up in a validation error -> the Open311 field.
FIELD_NAMES = {
    "title": "service_code",
    "description": "description",
    "location.lat": "lat",
    "location.lon": "long",
    "location.address": "address_string",
    "reporter.name": "first_name",
    "reporter.phone": "phone",
    "reporter.email": "email",
}


@dataclass(frozen=True)
class Area:
    """A kelurahan a client may name by its id in `address_id`."""

    kecamatan: str
    kelurahan: str


@dataclass(frozen=True)
class Submission:
    api_key: str
    service_code: str
    fields: dict[str, str]
    answers: dict[str, list[str]] = field(default_factory=dict)  # attribute code -> values


def parse_form(body: bytes, content_type: str) -> Submission:
    """The form fields of the POST (UTF-8, as the spec requires)."""
    media_type = content_type.split(";")[0].strip().lower()
    if media_type != FORM_TYPE:
        raise Open311Error(
            400,
            f"kirim formulir {FORM_TYPE}, bukan {media_type or 'tanpa Content-Type'}",
            f"send {FORM_TYPE}, not {media_type or 'no Content-Type'}",
        )
    try:
        text = body.decode("utf-8")
        pairs = parse_qsl(text, keep_blank_values=True, errors="strict", max_num_fields=MAX_FIELDS)
    except UnicodeDecodeError:
        raise Open311Error(400, "isi formulir harus UTF-8", "the form must be UTF-8") from None
    except ValueError:
        raise Open311Error(
            400,
            f"formulir paling banyak {MAX_FIELDS} isian",
            f"the form has more than {MAX_FIELDS} fields",
        ) from None
    fields: dict[str, str] = {}
    answers: dict[str, list[str]] = {}
    for name, value in pairs:
        found = _ATTRIBUTE.match(name)
        if found:
            answers.setdefault(found.group(1), []).append(value)
        elif name.startswith("attribute"):
            raise Open311Error(
                400,
                f"nama isian '{name[:60]}' tidak sah",
                f"'{name[:60]}' is not a valid attribute field",
            )
        else:
            fields[name] = value.strip()
    return Submission(fields.get("api_key", ""), fields.get("service_code", ""), fields, answers)


def _coordinate(text: str, field_name: str, bound: float) -> float:
    try:
        value = float(text)
    except ValueError:
        raise Open311Error(
            400, f"{field_name} harus berupa angka", f"{field_name} must be a number"
        ) from None
    if not math.isfinite(value) or abs(value) > bound:
        raise Open311Error(400, f"{field_name} di luar jangkauan", f"{field_name} is out of range")
    return value


def media_urls(fields: Mapping[str, str]) -> list[str]:
    url = fields.get("media_url") or ""
    if not url:
        return []
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 2000:
        raise Open311Error(
            400, "media_url harus alamat http(s)", "media_url must be an http(s) URL"
        )
    return [url]


def complaint_form(
    submission: Submission,
    category: Mapping[str, Any],
    service_name: str,
    areas: Mapping[str, Area],
) -> ComplaintForm:
    """The web form's complaint for this submission; the spec's 400 for what cannot be one."""
    fields = submission.fields
    location: dict[str, Any] = {}
    lat, lon = fields.get("lat", ""), fields.get("long", "")
    if lat or lon:
        if not (lat and lon):
            raise Open311Error(
                400, "lat dan long harus dikirim bersama", "lat and long go together"
            )
        location.update(lat=_coordinate(lat, "lat", 90), lon=_coordinate(lon, "long", 180))
    if fields.get("address_string"):
        location["address"] = fields["address_string"]
    if fields.get("address_id"):
        area = areas.get(fields["address_id"])
        if area is None:
            raise Open311Error(
                400,
                "address_id tidak dikenal (pakai id kelurahan, mis. klojen-kauman)",
                "address_id is not known (use a kelurahan id, e.g. klojen-kauman)",
            )
        location.update(kecamatan=area.kecamatan, kelurahan=area.kelurahan)
    if not location:
        raise Open311Error(
            400,
            "lokasi wajib: lat dan long, address_string, atau address_id",
            "a location is required: lat and long, address_string or address_id",
        )
    text = fields.get("description", "")
    lines = answer_lines(category, submission.answers)
    if len(text) < 10:
        raise Open311Error(
            400,
            "description wajib diisi, paling sedikit 10 karakter",
            "description is required (at least 10 characters)",
        )
    reporter = {
        "name": " ".join(p for p in (fields.get("first_name"), fields.get("last_name")) if p)
        or None,
        "phone": fields.get("phone") or None,
        "email": fields.get("email") or None,
    }
    payload = {
        "title": service_name[:200],
        "description": "\n\n".join([text, "\n".join(lines)]) if lines else text,
        "category": submission.service_code,
        "location": location,
        "reporter": {k: v for k, v in reporter.items() if v},
    }
    try:
        return ComplaintForm.parse(payload)
    except ValidationError as invalid:
        first = problems(invalid)[0]
        name = FIELD_NAMES.get(first["field"], first["field"])
        raise Open311Error(
            400, f"{name} tidak sah", f"{name} is not valid: {first['problem']}"
        ) from None
