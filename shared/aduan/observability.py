"""Structured logging. Personal data is never logged: log ids and codes, never contacts or text."""

from __future__ import annotations

import functools
from typing import Any


@functools.cache
def logger(service: str) -> Any:
    from aws_lambda_powertools import Logger

    return Logger(service=service)
