"""The local HTTP API: requests in, API Gateway HTTP API (payload v2) events to the functions.

Routes come from the functions' HttpApi events in template.yaml. Protected routes check the JWT
the way API Gateway's JWT authorizer does (see infra.local.auth) and pass its claims on.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from infra.local.runtime import FunctionError, Runtime
from infra.local.static import StaticSite, is_api_path
from infra.local.template import Route

MAX_PAYLOAD = 10 * 1024 * 1024  # API Gateway's own limit; the functions set lower ones
HTTP_API_METHODS = frozenset(
    {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}
)  # what ANY covers
TEXT_TYPES = (
    "application/json",
    "text/",
    "application/xml",
    "application/javascript",
    "+json",
    "+xml",
)


def v2_event(
    method: str,
    raw_path: str,
    query: str,
    headers: dict[str, str],
    body: bytes,
    route: Route,
    params: dict[str, str],
    source_ip: str,
    api_id: str = "local",
) -> dict[str, Any]:
    now = datetime.now(UTC)
    lowered: dict[str, str] = {}
    for name, value in headers.items():
        key = name.lower()
        lowered[key] = f"{lowered[key]},{value}" if key in lowered else value
    cookies = [c.strip() for c in lowered.pop("cookie", "").split(";") if c.strip()]
    query_params: dict[str, str] = {}
    for name, value in parse_qsl(query, keep_blank_values=True):
        query_params[name] = f"{query_params[name]},{value}" if name in query_params else value
    content_type = lowered.get("content-type", "")
    # HTTP APIs pass text bodies as they are and base64-encode everything else (forms included).
    is_text = any(t in content_type for t in TEXT_TYPES)
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route.route_key,
        "rawPath": raw_path,
        "rawQueryString": query,
        "headers": lowered,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": api_id,
            "domainName": lowered.get("host", "127.0.0.1"),
            "domainPrefix": lowered.get("host", "127.0.0.1").split(".")[0],
            "http": {
                "method": method,
                "path": raw_path,
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": lowered.get("user-agent", ""),
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": route.route_key,
            "stage": "$default",
            "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(now.timestamp() * 1000),
        },
        "isBase64Encoded": bool(body) and not is_text,
    }
    if cookies:
        event["cookies"] = cookies
    if query_params:
        event["queryStringParameters"] = query_params
    if params:
        event["pathParameters"] = params
    if body:
        event["body"] = (
            body.decode("utf-8", errors="replace") if is_text else base64.b64encode(body).decode()
        )
    return event


def match(routes: list[Route], method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    if method not in HTTP_API_METHODS:
        return None
    for route in routes:
        if route.path == "$default":
            return route, {}
        if route.method not in (method, "ANY"):
            continue
        found = route.pattern.match(path) if route.pattern else None
        if found:
            return route, found.groupdict()
    return None


class Gateway:
    def __init__(
        self,
        runtime: Runtime,
        routes: list[Route],
        host: str,
        port: int,
        authorizer: Any | None = None,
        cors: dict[str, Any] | None = None,
        static: StaticSite | None = None,
        log: Callable[[str], None] = print,
    ) -> None:
        self.runtime = runtime
        self.static = static  # the front end's files (CloudFront + S3 in AWS)
        self.log = log
        self.routes = routes
        self.authorizer = authorizer
        self.cors = cors or {}
        self.latencies: list[float] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_: Any) -> None:  # quiet: the functions log
                pass

            def _serve(self) -> None:
                gateway.serve(self)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _serve

            def __getattr__(self, name: str) -> Any:
                # Any other method (TRACE, CONNECT, PROPFIND...) has no route: API Gateway answers
                # 404 JSON, not http.server's 501 HTML page.
                if name.startswith("do_"):
                    return self._serve
                raise AttributeError(name)

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.server.daemon_threads = True
        self.url = f"http://{host}:{self.server.server_address[1]}"
        self._thread = threading.Thread(
            target=self.server.serve_forever, name="gateway", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def serve(self, request: BaseHTTPRequestHandler) -> None:
        started = time.perf_counter()
        parts = urlsplit(request.path)
        length = int(request.headers.get("Content-Length") or 0)
        if length > MAX_PAYLOAD:
            request.rfile.read(length)  # drain so the client gets the answer, not a reset
            return self._send(
                request,
                413,
                {"content-type": "application/json"},
                json.dumps({"message": "Request Entity Too Large"}).encode(),
            )
        body = request.rfile.read(length) if length else b""
        origin = request.headers.get("Origin")
        if (
            self.cors
            and request.command == "OPTIONS"
            and origin
            and request.headers.get("Access-Control-Request-Method")
        ):
            # API Gateway answers CORS preflights itself; the functions never see them.
            return self._send(request, 204, self._cors_headers(origin, preflight=True), b"")
        if self.static is not None and not is_api_path(parts.path):
            return self._send(request, *self.static.answer(request.command, parts.path))
        found = match(self.routes, request.command, parts.path)
        if found is None:
            return self._send(
                request, 404, {"content-type": "application/json"}, b'{"message":"Not Found"}'
            )
        route, params = found
        event = v2_event(
            request.command,
            parts.path,
            parts.query,
            dict(request.headers.items()),
            body,
            route,
            params,
            request.client_address[0],
        )
        if route.auth:
            denied = (
                self.authorizer.authorize(route.auth, event)
                if self.authorizer
                else (401, "no authorizer configured")
            )
            if denied:
                status, message = denied
                return self._send(
                    request,
                    status,
                    {"content-type": "application/json", "www-authenticate": "Bearer"},
                    json.dumps({"message": message}).encode(),
                )
        try:
            result = self.runtime.invoke(route.function, event, caller_waits=True)
        except FunctionError as error:
            self.log(f"[local] {error}")
            return self._send(
                request,
                500,
                {"content-type": "application/json"},
                b'{"message":"Internal Server Error"}',
            )
        status, headers, payload = self._response(result)
        if self.cors and origin:
            headers.update(self._cors_headers(origin, preflight=False))
        self.latencies.append(time.perf_counter() - started)
        self._send(request, status, headers, payload)

    def _cors_headers(self, origin: str, preflight: bool) -> dict[str, str]:
        allowed = self.cors.get("AllowOrigins") or []
        if "*" not in allowed and origin not in allowed:
            return {}
        headers = {"access-control-allow-origin": "*" if "*" in allowed else origin}
        if preflight:
            headers["access-control-allow-methods"] = ",".join(
                self.cors.get("AllowMethods") or ["*"]
            )
            headers["access-control-allow-headers"] = ",".join(
                self.cors.get("AllowHeaders") or ["*"]
            )
            if self.cors.get("MaxAge"):
                headers["access-control-max-age"] = str(self.cors["MaxAge"])
        return headers

    @staticmethod
    def _response(result: Any) -> tuple[int, dict[str, str], bytes]:
        # Payload v2: a dict with statusCode is a full response; anything else is a JSON 200 body.
        if isinstance(result, dict) and "statusCode" in result:
            headers = {k.lower(): str(v) for k, v in (result.get("headers") or {}).items()}
            for name, values in (result.get("multiValueHeaders") or {}).items():
                headers[name.lower()] = ", ".join(values)
            body = result.get("body") or ""
            payload = base64.b64decode(body) if result.get("isBase64Encoded") else body.encode()
            if result.get("cookies"):
                headers["set-cookie"] = "; ".join(result["cookies"])
            return int(result["statusCode"]), headers, payload
        return 200, {"content-type": "application/json"}, json.dumps(result).encode()

    @staticmethod
    def _send(
        request: BaseHTTPRequestHandler, status: int, headers: dict[str, str], payload: bytes
    ) -> None:
        request.send_response(status)
        for name, value in headers.items():
            if name not in ("content-length", "connection"):
                request.send_header(name, value)
        request.send_header("content-length", str(len(payload)))
        request.end_headers()
        if request.command != "HEAD":
            request.wfile.write(payload)
