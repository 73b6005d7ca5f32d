"""The citizens' part of the OpenAPI document, from the same models the routes validate with.

The whole document also describes routes other functions serve (the webhooks, the officer API).
Functions never import each other, so `python -m infra.openapi` assembles it at build time into
`web/openapi.json`, which the web function serves; a contract test keeps the file and the code equal.
"""

from __future__ import annotations

from typing import Annotated, Any

from aduan.complaint import ComplaintForm
from aduan.model import Meta, Model, schema_components
from aduan.status import Status


class Accepted(Model, kw_only=True):
    tracking_id: Annotated[str, Meta(examples=["7K3MQ-9XWT2"])]
    status: Status
    status_url: str
    access_key: Annotated[
        str,
        Meta(description="The citizen's key to reply and rate: shown once, stored only as a hash"),
    ]
    tracking_url: Annotated[
        str, Meta(description="The private tracking page: /lacak/<id>#k=<access_key>")
    ]


class TimelineEntry(Model, kw_only=True):
    at: str
    event: str
    label: str


class PublicView(Model, kw_only=True):
    tracking_id: str
    status: Status
    status_label: str
    confidential: bool | None = None
    type: str | None = None
    title: str | None = None
    category: str | None = None
    location: dict[str, str | None] | None = None
    unit: dict[str, str] | None = None
    received_at: str | None = None
    updated_at: str | None = None
    timeline: list[TimelineEntry] | None = None
    deadlines: list[dict[str, Any]] | None = None
    question: str | None = None
    answer: dict[str, Any] | None = None
    can_act: (
        Annotated[bool, Meta(description="Present when X-Access-Key is this complaint's key")]
        | None
    ) = None
    actions: dict[str, bool] | None = None
    rated: bool | None = None


class Error(Model, kw_only=True):
    code: str
    message: str
    details: dict[str, Any] | None = None


class ErrorBody(Model, kw_only=True):
    error: Error


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
    }


def document(
    server_url: str,
    extra_paths: dict[str, dict[str, Any]] | None = None,
    extra_schemas: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The document: the citizens' routes plus the `extra_paths` other functions describe."""
    from web.citizen_actions import CitizenActionAnswer, RatingForm, ReplyForm
    from web.uploads import UploadsAsked

    schemas = schema_components(
        [
            ComplaintForm,
            Accepted,
            PublicView,
            ErrorBody,
            ReplyForm,
            RatingForm,
            CitizenActionAnswer,
            UploadsAsked,
        ]
    )
    ref = lambda name: {"$ref": f"#/components/schemas/{name}"}  # noqa: E731
    key_header = {
        "name": "X-Access-Key",
        "in": "header",
        "required": False,
        "description": "The citizen's access key (from the POST answer or the private link)",
        "schema": {"type": "string"},
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Aduan",
            "version": "1.0.0",
            "description": "Public complaints for city governments.",
        },
        "servers": [{"url": server_url}],
        "paths": {
            "/v1/complaints": {
                "post": {
                    "summary": "Submit a complaint (web form / city app)",
                    "parameters": [
                        {
                            "name": "Idempotency-Key",
                            "in": "header",
                            "required": False,
                            "schema": {"type": "string"},
                        }
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": ref("ComplaintForm")}},
                    },
                    "responses": {
                        "202": {
                            "description": "Accepted",
                            "content": {"application/json": {"schema": ref("Accepted")}},
                        },
                        "400": _error("Not JSON"),
                        "413": _error("Body over 256 KB"),
                        "415": _error("Not application/json"),
                        "422": _error("Invalid complaint"),
                    },
                }
            },
            "/v1/complaints/{tracking_id}": {
                "get": {
                    "summary": "The public view of a complaint (no reporter identity)",
                    "parameters": [
                        {
                            "name": "tracking_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                        {
                            "name": "lang",
                            "in": "query",
                            "required": False,
                            "schema": {"enum": ["id", "en"]},
                        },
                        key_header,
                    ],
                    "responses": {
                        "200": {
                            "description": "Found",
                            "content": {"application/json": {"schema": ref("PublicView")}},
                        },
                        "404": _error(
                            "Unknown tracking id, or confidential and asked without its key"
                        ),
                        "422": _error("lang is not id or en"),
                    },
                }
            },
            **{
                f"/v1/complaints/{{tracking_id}}/{leaf}": {
                    "post": {
                        "summary": summary,
                        "parameters": [
                            {
                                "name": "tracking_id",
                                "in": "path",
                                "required": True,
                                "schema": {"type": "string"},
                            },
                            {**key_header, "required": True},
                        ],
                        "requestBody": {
                            "required": True,
                            "content": {"application/json": {"schema": ref(form)}},
                        },
                        "responses": {
                            "200": {
                                "description": "Recorded",
                                "content": {
                                    "application/json": {"schema": ref("CitizenActionAnswer")}
                                },
                            },
                            "400": _error("Not JSON"),
                            "403": _error(
                                "No access key, or not this complaint's (also for unknown ids)"
                            ),
                            "409": _error(
                                "Not possible in this status (e.g. closed), or already rated"
                            ),
                            "413": _error("Body over 256 KB"),
                            "415": _error("Not application/json"),
                            "422": _error("Invalid body"),
                        },
                    }
                }
                for leaf, form, summary in (
                    (
                        "replies",
                        "ReplyForm",
                        "The citizen's reply: answers a deferral, or reopens an answer",
                    ),
                    ("rating", "RatingForm", "The citizen's rating (1-5) of the answer; closes it"),
                )
            },
            "/v1/areas": {
                "get": {
                    "summary": "Kecamatan and their kelurahan, for the form's pickers",
                    "responses": {"200": {"description": "The city's areas"}},
                }
            },
            "/v1/categories": {
                "get": {
                    "summary": "The complaint categories (ids and names)",
                    "parameters": [
                        {
                            "name": "lang",
                            "in": "query",
                            "required": False,
                            "schema": {"enum": ["id", "en"]},
                        }
                    ],
                    "responses": {
                        "200": {"description": "The categories"},
                        "422": _error("lang is not id or en"),
                    },
                }
            },
            "/v1/uploads": {
                "post": {
                    "summary": "Presigned S3 POSTs for up to 3 photos (JPEG, PNG, WebP; 5 MB each)",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": ref("UploadsAsked")}},
                    },
                    "responses": {
                        "200": {"description": "One signed POST (url, fields, key) per photo"},
                        "400": _error("Not JSON"),
                        "413": _error("Body over 256 KB"),
                        "415": _error("Not application/json"),
                        "422": _error("Too many photos, or a type or size not allowed"),
                    },
                }
            },
            **(extra_paths or {}),
        },
        "components": {"schemas": {**schemas, **(extra_schemas or {})}},
    }
