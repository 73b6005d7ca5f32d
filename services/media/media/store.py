"""The media bucket (the channels' one S3 adapter): photos under their complaint."""

from __future__ import annotations

from aduan import aws


def put(bucket: str, key: str, data: bytes, content_type: str) -> None:
    aws.client("s3").put_object(
        Bucket=bucket, Key=key, Body=data, ContentType=content_type, ServerSideEncryption="AES256"
    )


def take_from_inbox(bucket: str, key: str, max_bytes: int) -> tuple[bytes, str | None] | None:
    """An e-mail attachment the webhook parked (None: already moved, or never there)."""
    s3 = aws.client("s3")
    try:
        got = s3.get_object(Bucket=bucket, Key=key)
    except s3.exceptions.NoSuchKey:
        return None
    if got.get("ContentLength", 0) > max_bytes:
        return b"", "too_large"
    return got["Body"].read(), got.get("ContentType")


def forget_inbox(bucket: str, key: str) -> None:
    aws.client("s3").delete_object(Bucket=bucket, Key=key)
