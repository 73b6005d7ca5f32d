"""The inbound function's one S3 call: parking an e-mail attachment in the media bucket's inbox."""

from __future__ import annotations

from aduan import aws


def put_object(bucket: str, key: str, data: bytes, content_type: str) -> None:
    if not bucket:
        raise ValueError("MEDIA_BUCKET_NAME is not configured")
    aws.client("s3").put_object(
        Bucket=bucket, Key=key, Body=data, ContentType=content_type, ServerSideEncryption="AES256"
    )
