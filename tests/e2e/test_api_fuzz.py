"""Schemathesis over the API's own OpenAPI document, against the local cloud over real HTTP.

Every operation the document lists is called with generated input, valid and invalid, and every
answer goes through all of schemathesis' checks: no 5xx, every status code documented, the body
as the document says, invalid input refused and valid input accepted. The example count is
bounded so the run fits the suite; the generation is derandomized so a failure repeats.
"""

from __future__ import annotations

import uuid

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import unsupported_method

pytestmark = pytest.mark.e2e


@pytest.fixture
def api_schema(cloud):
    config = schemathesis.config.SchemathesisConfig.from_dict(
        {
            # TRACE and OPTIONS are the local gateway's own business (CORS, and API Gateway's
            # 404 for a method no route has), not the functions'.
            "phases": {
                "coverage": {"unexpected-methods": ["get", "put", "post", "delete", "patch"]}
            },
            "operations": [
                {
                    # The cursor is an opaque token and the dates are read by the handler: a
                    # string that is none of these is refused with 400/422, as documented.
                    "include-path": "/v1/officer/inbox",
                    "checks": {
                        "positive_data_acceptance": {
                            "expected-statuses": ["2xx", "400", "401", "403", "404", "422"]
                        }
                    },
                },
                {
                    # Months are YYYY-MM strings read by the handler (and a unit officer asking
                    # for another unit is 403): anything else is refused with 422, as documented.
                    # Like every GET here, a report ignores query parameters it does not know
                    # (tests/e2e/test_reports.py refuses the bad values of those it knows).
                    "include-path-regex": "/reports/",
                    "checks": {
                        "positive_data_acceptance": {
                            "expected-statuses": ["2xx", "401", "403", "404", "422"]
                        },
                        "negative_data_rejection": {"enabled": False},
                    },
                },
                {
                    # A GET that ignores query parameters it does not know, as HTTP allows.
                    "include-path": "/v1/officer/templates",
                    "checks": {"negative_data_rejection": {"enabled": False}},
                },
                {
                    # SNS posts its JSON envelope as text/plain, so "any string" is what the
                    # document can say; a string that is not an SNS message is refused with 400.
                    "include-path": "/webhooks/email",
                    "checks": {
                        "positive_data_acceptance": {
                            "expected-statuses": ["2xx", "400", "401", "403"]
                        }
                    },
                },
            ],
        }
    )
    return schemathesis.openapi.from_url(f"{cloud.gateway_url}/openapi.json", config=config)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=20, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_every_documented_operation_answers_as_documented(case, cloud):
    # API Gateway's HTTP APIs answer a method no route has with 404, not the 405 that
    # schemathesis expects; the local gateway answers as API Gateway does.
    if case.headers and "Idempotency-Key" in case.headers:
        # Each generated case is a new request: a key reused with another body is rightly 422.
        case.headers["Idempotency-Key"] = str(uuid.uuid4())
    headers = {}
    if case.path.startswith("/v1/officer/"):
        # A real token of the local user pool: the officer routes are fuzzed past the authorizer.
        headers["Authorization"] = f"Bearer {cloud.gateway.authorizer.token('koordinator')}"
    case.call_and_validate(
        base_url=cloud.gateway_url,
        headers=headers,
        timeout=15,
        excluded_checks=[unsupported_method],
    )
