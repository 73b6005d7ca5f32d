"""Structured logs and business metrics. Personal data is never logged, nor put on a metric: log ids
and codes, never contacts or text; metric dimensions are channels, outcomes and services only."""

from __future__ import annotations

import functools
from typing import Any

NAMESPACE = "Aduan"


@functools.cache
def logger(service: str) -> Any:
    from aws_lambda_powertools import Logger

    return Logger(service=service)


def count(name: str, value: float = 1, **dimensions: str) -> None:
    """One business metric, written at once as a CloudWatch EMF log line (no API call, no flush).

    Powertools' `single_metric` rather than a `Metrics` object flushed by a decorator: each
    metric here has its own dimensions (the channel, the outcome), and nothing is lost when a
    handler raises before a flush. Dimensions are low-cardinality words, never ids.
    """
    if value <= 0:
        return
    from aws_lambda_powertools.metrics import MetricUnit, single_metric

    with single_metric(
        name=name, unit=MetricUnit.Count, value=value, namespace=NAMESPACE
    ) as metric:
        for key, word in dimensions.items():
            metric.add_dimension(name=key, value=word)
