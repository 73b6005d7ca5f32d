"""The front end on the local gateway: the right files and types, the security headers of the
CloudFront policy, and the API paths still going to the functions."""

from __future__ import annotations

import http.client
import json
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.e2e


def get(cloud, path: str, method: str = "GET"):
    parts = urlsplit(cloud.gateway_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.request(method, path)  # sent as written: no client-side normalising of ".."
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


def test_the_console_page_has_the_security_headers(cloud):
    status, headers, body = get(cloud, "/console/")
    assert status == 200
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert b'<html lang="id">' in body
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert headers["strict-transport-security"].startswith("max-age=")
    assert headers["x-frame-options"] == "DENY"


def test_scripts_styles_and_vendored_files_have_their_types(cloud):
    assert get(cloud, "/console/app.js")[1]["content-type"] == "text/javascript; charset=utf-8"
    assert get(cloud, "/console/console.css")[1]["content-type"] == "text/css; charset=utf-8"
    status, headers, body = get(cloud, "/vendor/htm@3.1.1/standalone.module.js")
    assert status == 200 and headers["content-type"].startswith("text/javascript")
    assert "immutable" in headers["cache-control"]
    assert b"export{" in body


def test_the_console_config_names_the_local_pool(cloud):
    status, headers, body = get(cloud, "/console/config.json")
    config = json.loads(body)
    assert status == 200 and headers["cache-control"] == "no-store"
    assert config["userPoolId"] == cloud.resources["OfficerUserPool"]
    assert config["clientId"] == cloud.resources["OfficerUserPoolClient"]
    assert config["cognitoEndpoint"].startswith(cloud.endpoint)
    # The deployment's city, from the stack (the CityName parameter), not from the console's code.
    assert config["cityName"] == cloud.outputs["CityName"] == "Kota Malang"


def test_no_file_outside_the_front_end_is_served(cloud):
    for path in (
        "/console/../../template.yaml",
        "/vendor/../../infra/local/auth.py",
        "/console/%2e%2e/%2e%2e/template.yaml",
    ):
        status, headers, body = get(cloud, path)
        assert status == 404, path
        assert json.loads(body)["error"]["code"] == "not_found"
        assert "content-security-policy" in headers


def test_a_missing_file_is_a_json_404_and_writes_are_refused(cloud):
    status, _, body = get(cloud, "/console/nothing-here.js")
    assert status == 404 and json.loads(body)["error"]["message"]
    status, _, body = get(cloud, "/console/", method="POST")
    assert status == 405 and json.loads(body)["error"]["code"] == "method_not_allowed"


def test_api_paths_still_reach_the_functions(cloud):
    status, headers, body = get(cloud, "/openapi.json")
    assert status == 200 and json.loads(body)["openapi"].startswith("3.")
    status, _, body = get(cloud, "/v1/officer/me")
    assert status == 401
    status, _, body = get(cloud, "/v1/complaints/7K3MQ-9XWT2")
    assert status == 404 and "error" in json.loads(body)
