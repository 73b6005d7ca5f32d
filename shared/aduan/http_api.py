"""The HTTP API functions' router: API Gateway HTTP API (payload 2.0) events in, responses out.

Why not Powertools' APIGatewayHttpResolver: importing it runs `aws_lambda_powertools.
event_handler`'s package, which imports every resolver Powertools has (AppSync with asyncio,
Bedrock agents, VPC Lattice, ALB, the OpenAPI machinery): 40-70 ms of every cold start of the
four API functions, for the part of it they use, which is this: routes with `<name>` segments,
routers included into the app, the current request, exception handlers, a not-found answer.
Its behaviour is kept where a client could tell: a route matches the whole path (a `<name>`
segment is one segment, as Powertools' pattern), a method no route has is not found, a
`bytes` body goes out base64-encoded, and headers are read without regard to case.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

Handler = Callable[..., Any]
E = TypeVar("E", bound=BaseException)

# One path segment, as Powertools matched it: unreserved, sub-delims and the characters API
# Gateway hands over decoded (RFC 3986), never a slash.
_SEGMENT = r"[-._~()'!*:@,;=+&$%<> \[\]{}|^\w]+"
_PARAM = re.compile(r"<(\w+)>")


@dataclass
class Response:
    status_code: int
    content_type: str | None = None
    body: str | bytes | None = None
    headers: dict[str, str] | None = None


class Headers(Mapping[str, str]):
    """A request's headers, looked up without regard to case (HTTP says names have none)."""

    def __init__(self, raw: Mapping[str, str] | None) -> None:
        self._by_lower = {k.lower(): v for k, v in (raw or {}).items()}

    def __getitem__(self, name: str) -> str:
        return self._by_lower[name.lower()]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_lower)

    def __len__(self) -> int:
        return len(self._by_lower)


@dataclass(frozen=True)
class RequestContext:
    request_id: str


class Request:
    """The parts of an HTTP API event the functions read (the event itself is `raw_event`)."""

    def __init__(self, event: dict[str, Any]) -> None:
        self.raw_event = event
        http = (event.get("requestContext") or {}).get("http") or {}
        self.http_method: str = (http.get("method") or "GET").upper()
        self.path: str = event.get("rawPath") or http.get("path") or "/"
        self.headers = Headers(event.get("headers"))
        self.query_string_parameters: dict[str, str] | None = event.get("queryStringParameters")
        self.request_context = RequestContext(
            (event.get("requestContext") or {}).get("requestId", "")
        )

    def get_query_string_value(self, name: str, default_value: str | None = None) -> str | None:
        return (self.query_string_parameters or {}).get(name, default_value)


@dataclass
class _Route:
    method: str
    pattern: re.Pattern[str]
    handler: Handler


class Router:
    """Routes, registered by decorator; `Resolver.include_router` adds them to an app."""

    def __init__(self) -> None:
        self.routes: list[_Route] = []
        self._resolver: Resolver | None = None

    def route(self, rule: str, method: str | list[str]) -> Callable[[Handler], Handler]:
        methods = [method] if isinstance(method, str) else method
        pattern = re.compile("^" + _PARAM.sub(lambda m: f"(?P<{m[1]}>{_SEGMENT})", rule) + "$")

        def register(handler: Handler) -> Handler:
            self.routes += [_Route(m.upper(), pattern, handler) for m in methods]
            return handler

        return register

    def get(self, rule: str) -> Callable[[Handler], Handler]:
        return self.route(rule, "GET")

    def post(self, rule: str) -> Callable[[Handler], Handler]:
        return self.route(rule, "POST")

    @property
    def current_event(self) -> Request:
        if self._resolver is None:
            raise RuntimeError("the router is not included in an app")
        return self._resolver.current_event


class Resolver(Router):
    """An HTTP API function's app: `lambda_handler` hands each event to `resolve`."""

    def __init__(self) -> None:
        super().__init__()
        self._resolver = self
        self._by_type: dict[type[BaseException], Callable[[Any], Response]] = {}
        self._not_found: Callable[[Any], Response] | None = None
        self._event: Request | None = None
        self.lambda_context: Any = None

    @property
    def current_event(self) -> Request:
        if self._event is None:
            raise RuntimeError("no request is being resolved")
        return self._event

    def include_router(self, router: Router) -> None:
        router._resolver = self
        self.routes += router.routes

    def exception_handler(
        self, kind: type[E]
    ) -> Callable[[Callable[[E], Response]], Callable[[E], Response]]:
        def register(handler: Callable[[E], Response]) -> Callable[[E], Response]:
            self._by_type[kind] = handler
            return handler

        return register

    def not_found(self, handler: Callable[[Any], Response]) -> Callable[[Any], Response]:
        self._not_found = handler
        return handler

    def resolve(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        self._event, self.lambda_context = Request(event), context
        try:
            return _payload(self._answer(self._event))
        finally:
            self._event = None

    def _answer(self, request: Request) -> Response:
        try:
            for route in self.routes:
                if route.method != request.http_method:
                    continue
                if (found := route.pattern.match(request.path)) is not None:
                    return _response(route.handler(**found.groupdict()))
            if self._not_found is None:
                return Response(404, "application/json", '{"message":"Not found"}')
            return self._not_found(None)
        except Exception as error:
            handler = self._handler_for(type(error))
            if handler is None:
                raise
            return handler(error)

    def _handler_for(self, kind: type[BaseException]) -> Callable[[Any], Response] | None:
        for cls in kind.__mro__:
            if cls in self._by_type:
                return self._by_type[cls]
        return None


def _response(result: Any) -> Response:
    if not isinstance(result, Response):
        raise TypeError(f"a route returned {type(result).__name__}, not a Response")
    return result


def _payload(response: Response) -> dict[str, Any]:
    """The HTTP API (payload 2.0) answer: binary bodies base64-encoded."""
    headers = dict(response.headers or {})
    if response.content_type is not None:
        headers.setdefault("Content-Type", response.content_type)
    body = response.body if response.body is not None else ""
    if isinstance(body, bytes):
        return {
            "statusCode": response.status_code,
            "headers": headers,
            "body": base64.b64encode(body).decode(),
            "isBase64Encoded": True,
        }
    return {
        "statusCode": response.status_code,
        "headers": headers,
        "body": body,
        "isBase64Encoded": False,
    }
