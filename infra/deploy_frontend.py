"""Deploy the front end after `sam deploy`: frontend/ into the stack's private bucket, the
console's config.json written from the stack outputs, then a CloudFront invalidation.

    python -m infra.deploy_frontend --stack aduan [--region ap-southeast-3]

What `aws s3 sync frontend/ s3://<bucket>/` does, with each file's content type and cache
policy set (vendored files are versioned by path and cached for a year; pages and app code
revalidate), and files no longer in frontend/ deleted.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from infra.local.static import FRONTEND, TYPES

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"


def stack_outputs(cloudformation: Any, stack: str) -> dict[str, str]:
    described = cloudformation.describe_stacks(StackName=stack)["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])}


def console_config(outputs: dict[str, str], region: str) -> dict[str, str]:
    # apiBase "": the API is behind the same distribution, so the console calls /v1/... itself.
    return {
        "region": region,
        "userPoolId": outputs["OfficerUserPoolId"],
        "clientId": outputs["OfficerUserPoolClientId"],
        "apiBase": "",
        # The deployment's own city (the CityName parameter): the console's header says it.
        "cityName": outputs["CityName"],
    }


def files(root: Path = FRONTEND) -> dict[str, Path]:
    return {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*")) if p.is_file()}


def upload_plan(root: Path = FRONTEND) -> list[tuple[str, Path, str, str]]:
    """(key, file, content type, cache control) for every file of the front end."""
    plan = []
    for key, path in files(root).items():
        content_type = TYPES.get(path.suffix.lower(), "application/octet-stream")
        plan.append(
            (key, path, content_type, IMMUTABLE if key.startswith("vendor/") else REVALIDATE)
        )
    return plan


def deploy(stack: str, region: str) -> None:
    import boto3

    session = boto3.session.Session(region_name=region)
    outputs = stack_outputs(session.client("cloudformation"), stack)
    bucket, distribution = outputs["FrontendBucketName"], outputs["FrontendDistributionId"]
    s3 = session.client("s3")
    wanted = set()
    for key, path, content_type, cache in upload_plan():
        s3.put_object(
            Bucket=bucket,
            Key=key,
            Body=path.read_bytes(),
            ContentType=content_type,
            CacheControl=cache,
        )
        wanted.add(key)
    config = json.dumps(console_config(outputs, region)).encode()
    s3.put_object(
        Bucket=bucket,
        Key="console/config.json",
        Body=config,
        ContentType="application/json",
        CacheControl="no-store",
    )
    wanted.add("console/config.json")
    stale = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        stale += [{"Key": o["Key"]} for o in page.get("Contents", []) if o["Key"] not in wanted]
    for start in range(0, len(stale), 1000):
        s3.delete_objects(Bucket=bucket, Delete={"Objects": stale[start : start + 1000]})
    session.client("cloudfront").create_invalidation(
        DistributionId=distribution,
        InvalidationBatch={
            "Paths": {"Quantity": 1, "Items": ["/*"]},
            "CallerReference": str(time.time()),
        },
    )
    print(
        f"{len(wanted)} files in s3://{bucket}/, {len(stale)} removed; invalidated {distribution}"
    )
    print(f"console: {outputs.get('ConsoleUrl', '')}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stack", default="aduan")
    parser.add_argument("--region", default="ap-southeast-3")
    args = parser.parse_args()
    deploy(args.stack, args.region)


if __name__ == "__main__":
    main()
