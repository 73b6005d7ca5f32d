"""The served OpenAPI document is assembled at build time from every function's routes."""

from __future__ import annotations

from infra import openapi


def test_the_checked_in_document_equals_the_code():
    assert openapi.OUT.read_text(encoding="utf-8") == openapi.rendered(), (
        "run python -m infra.openapi"
    )


def test_the_document_describes_the_citizens_routes_and_the_webhooks():
    paths = openapi.assembled()["paths"]
    assert "/v1/complaints" in paths
    assert "/webhooks/whatsapp" in paths


def test_the_officer_api_is_documented_with_its_jwt_security_scheme():
    from infra.local import template as tpl

    document = openapi.assembled()
    scheme = document["components"]["securitySchemes"]["OfficerJwt"]
    assert (
        scheme["type"] == "http"
        and scheme["scheme"] == "bearer"
        and scheme["bearerFormat"] == "JWT"
    )
    officer_routes = {
        (r.method.lower(), r.path)
        for r in tpl.routes(tpl.load())
        if r.function == "CaseworkFunction"
    }
    assert officer_routes
    for method, path in officer_routes:
        operation = document["paths"][path][method]
        assert operation["security"] == [{"OfficerJwt": []}], (method, path)
    assert "ActionRequest" in document["components"]["schemas"]


def test_every_api_route_of_the_template_is_in_the_document():
    """The JSON routes (`/v1/...`, `/webhooks/...`); the Open311 routes follow GeoReport v2's
    own specification and the tracking pages are HTML."""
    from infra.local import template as tpl

    paths = openapi.assembled()["paths"]
    missing = [
        (r.function, r.method, r.path)
        for r in tpl.routes(tpl.load())
        if r.path.startswith(("/v1/", "/webhooks/"))
        and r.method.lower() not in paths.get(r.path, {})
    ]
    assert missing == []


def test_the_officer_reports_need_the_officers_token_and_the_public_ones_none():
    paths = openapi.assembled()["paths"]
    for path, item in paths.items():
        if "/reports/" in path:
            expected = [{"OfficerJwt": []}] if path.startswith("/v1/officer/") else None
            assert item["get"].get("security") == expected, path
