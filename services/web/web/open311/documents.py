"""GeoReport documents on the wire: JSON, or XML by the spec's element names, and its errors.

The spec maps JSON to XML by the "Spark convention": the XML root names the list, each item is
an element named in the singular, and JSON drops the root. One table of list names keeps the
two formats the same document.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Literal

Format = Literal["json", "xml"]
FORMATS: tuple[Format, ...] = ("json", "xml")
CONTENT_TYPES: dict[Format, str] = {
    "json": "application/json; charset=utf-8",
    "xml": "text/xml; charset=utf-8",
}

# A list's element name -> the element name of each of its items.
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "errors": "error",
    "service_request_updates": "request_update",
    "endpoints": "endpoint",
    "formats": "format",
}

# XML 1.0 cannot carry these at all (not even escaped): a citizen's text may hold them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Document:
    """What a GeoReport resource answers: its XML root name and its JSON value."""

    root: str
    value: Any

    def render(self, fmt: Format) -> str:
        if fmt == "json":
            return json.dumps(self.value, ensure_ascii=False)
        return '<?xml version="1.0" encoding="utf-8"?>\n' + to_xml(self.root, self.value)


def split_format(name: str) -> tuple[str, Format] | None:
    """`requests.json` -> ("requests", "json"); None when the suffix is not a GeoReport format."""
    stem, dot, suffix = name.rpartition(".")
    if not dot or suffix not in FORMATS:
        return None
    return stem, suffix  # type: ignore[return-value]


def to_xml(tag: str, value: Any) -> str:
    if isinstance(value, list):
        item = ITEM_NAMES.get(tag, "item")
        return f"<{tag}>" + "".join(to_xml(item, v) for v in value) + f"</{tag}>"
    if isinstance(value, dict):
        return f"<{tag}>" + "".join(to_xml(k, v) for k, v in value.items()) + f"</{tag}>"
    if value is None:
        return f"<{tag}/>"
    return f"<{tag}>{escape(_NOT_XML.sub('', _text(value)))}</{tag}>"


def escape(text: str) -> str:
    # xml.sax.saxutils.escape would do, but it imports urllib.request and http.client: tens of
    # milliseconds of cold start for three replacements.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class Open311Error(Exception):
    """A request the API refuses, answered in the spec's error format with its HTTP status."""

    def __init__(self, status: int, message_id: str, message_en: str) -> None:
        super().__init__(message_en)
        self.status = status
        self.message_id = message_id
        self.message_en = message_en

    def message(self, language: str) -> str:
        return self.message_en if language == "en" else self.message_id


def error_document(status: int, description: str) -> Document:
    return Document("errors", [{"code": status, "description": description}])
