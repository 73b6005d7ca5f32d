"""aduan.http_api: the router of the HTTP API functions, on HTTP API (payload 2.0) events."""

from __future__ import annotations

import base64

from aduan.http_api import Resolver, Response, Router


def event(method: str, path: str, headers: dict[str, str] | None = None) -> dict:
    return {
        "rawPath": path,
        "headers": headers or {},
        "queryStringParameters": {"page": "2"},
        "requestContext": {"http": {"method": method, "path": path}, "requestId": "r-1"},
    }


def app() -> Resolver:
    app, router = Resolver(), Router()

    @app.get("/v1/complaints/<tracking_id>")
    def one(tracking_id: str) -> Response:
        request = app.current_event
        return Response(200, "text/plain", f"{tracking_id} {request.headers['x-access-key']}")

    @router.post("/webhooks/<channel>")
    def hook(channel: str) -> Response:
        page = router.current_event.get_query_string_value("page")
        return Response(202, "application/octet-stream", f"{channel}{page}".encode())

    @app.get("/v1/boom")
    def boom() -> Response:
        raise KeyError("x")

    @app.exception_handler(LookupError)
    def looked(error: LookupError) -> Response:
        return Response(409, "text/plain", type(error).__name__)

    @app.not_found
    def missing(_: object) -> Response:
        return Response(404, "application/json", '{"error": "none"}')

    app.include_router(router)
    return app


def test_a_route_gets_its_segment_and_reads_headers_without_regard_to_case():
    answer = app().resolve(event("GET", "/v1/complaints/7K3MQ-9XWT2", {"X-Access-Key": "k"}), None)
    assert answer["statusCode"] == 200 and answer["body"] == "7K3MQ-9XWT2 k"
    assert answer["headers"]["Content-Type"] == "text/plain" and not answer["isBase64Encoded"]


def test_a_segment_is_one_segment_and_a_method_no_route_has_is_not_found():
    resolver = app()
    assert resolver.resolve(event("GET", "/v1/complaints/a/b"), None)["statusCode"] == 404
    assert resolver.resolve(event("TRACE", "/v1/complaints/a"), None)["statusCode"] == 404
    assert resolver.resolve(event("GET", "/v1/complaints/"), None)["statusCode"] == 404


def test_an_included_router_answers_and_bytes_go_out_base64_encoded():
    answer = app().resolve(event("POST", "/webhooks/sms"), None)
    assert answer["statusCode"] == 202 and answer["isBase64Encoded"]
    assert base64.b64decode(answer["body"]) == b"sms2"


def test_an_error_is_answered_by_the_handler_of_its_nearest_type():
    answer = app().resolve(event("GET", "/v1/boom"), None)
    assert answer["statusCode"] == 409 and answer["body"] == "KeyError"
