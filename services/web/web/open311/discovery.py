"""The service discovery document: where this GeoReport v2 endpoint is and what it speaks (pure)."""

from __future__ import annotations

from web.open311.documents import CONTENT_TYPES, Document

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# The date this API's shape last changed; clients compare it to notice changes.
CHANGESET = "2026-12-02T00:00:00Z"


def discovery(base_url: str, contact: str, key_service: str) -> Document:
    formats = [CONTENT_TYPES["xml"].split(";")[0], CONTENT_TYPES["json"].split(";")[0]]
    return Document(
        "discovery",
        {
            "changeset": CHANGESET,
            "contact": contact,
            "key_service": key_service,
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": f"{base_url.rstrip('/')}/open311/v2",
                    "changeset": CHANGESET,
                    "type": "production",
                    "formats": formats,
                }
            ],
        },
    )
