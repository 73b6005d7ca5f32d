"""Photos from the web form: presigned S3 POSTs straight into the media bucket's inbox.

The browser uploads each photo itself (the API never carries image bytes), under limits the
signed policy enforces at S3: the exact key, the declared image type, and a size range. The
complaint then names the keys it uploaded; the media function takes each one from the inbox,
checks its bytes, removes its metadata (EXIF/GPS) and only then stores it where officers and
the public can see it. The inbox is never shown to anybody.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from aduan import aws
from aduan.model import Form, Meta

MAX_PHOTOS = 3
MAX_BYTES = 5 * 1024 * 1024
TYPES = ("image/jpeg", "image/png", "image/webp")
EXPIRES_S = 600
PREFIX = "inbox/web/"


class PhotoAsked(Form, kw_only=True):
    content_type: Annotated[str, Meta(pattern=r"^image/(jpeg|png|webp)$")]
    size: Annotated[int, Meta(ge=1, le=MAX_BYTES)]


class UploadsAsked(Form, kw_only=True):
    """`POST /v1/uploads`: what the citizen is about to upload."""

    photos: Annotated[list[PhotoAsked], Meta(min_length=1, max_length=MAX_PHOTOS)]


def presigned_posts(asked: UploadsAsked, bucket: str) -> list[dict[str, Any]]:
    """One signed POST per photo: a fresh key each, its type fixed, its size bounded."""
    s3 = aws.client("s3")
    found = []
    for photo in asked.photos:
        key = f"{PREFIX}{uuid.uuid4().hex}"
        post = s3.generate_presigned_post(
            Bucket=bucket,
            Key=key,
            Fields={"Content-Type": photo.content_type},
            Conditions=[
                {"Content-Type": photo.content_type},
                ["content-length-range", 1, MAX_BYTES],
            ],
            ExpiresIn=EXPIRES_S,
        )
        found.append(
            {
                "key": key,
                "url": post["url"],
                "fields": post["fields"],
                "max_bytes": MAX_BYTES,
                "expires_in": EXPIRES_S,
            }
        )
    return found
