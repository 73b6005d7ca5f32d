"""The OpenAPI document, generated from the same pydantic models the routes validate with."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from aduan.complaint import ComplaintForm
from aduan.status import Status


class Accepted(BaseModel):
    tracking_id: str = Field(examples=["7K3MQ-9XWT2"])
    status: Status
    status_url: str


class TimelineEntry(BaseModel):
    at: str
    event: str
    label: str


class PublicView(BaseModel):
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
    answer: dict[str, Any] | None = None


class ErrorBody(BaseModel):
    class Error(BaseModel):
        code: str
        message: str
        details: dict[str, Any] | None = None

    error: Error


# Extra routes (webhooks, officer API) register themselves here.
EXTRA_PATHS: dict[str, dict[str, Any]] = {}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}}


def document(server_url: str) -> dict[str, Any]:
    from intake.citizen_actions import CitizenActionAnswer, RatingForm, ReplyForm
    from intake.webhooks.openapi import PATHS as webhook_paths

    models = {m.__name__: m for m in (ComplaintForm, Accepted, PublicView, ErrorBody, ReplyForm, RatingForm, CitizenActionAnswer)}
    schemas: dict[str, Any] = {}
    for name, model in models.items():
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[name] = schema
    ref = lambda name: {"$ref": f"#/components/schemas/{name}"}  # noqa: E731
    return {
        "openapi": "3.1.0",
        "info": {"title": "Aduan", "version": "1.0.0", "description": "Public complaints for city governments."},
        "servers": [{"url": server_url}],
        "paths": {
            "/v1/complaints": {
                "post": {
                    "summary": "Submit a complaint (web form / city app)",
                    "parameters": [{"name": "Idempotency-Key", "in": "header", "required": False, "schema": {"type": "string"}}],
                    "requestBody": {"required": True, "content": {"application/json": {"schema": ref("ComplaintForm")}}},
                    "responses": {
                        "202": {"description": "Accepted", "content": {"application/json": {"schema": ref("Accepted")}}},
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
                        {"name": "tracking_id", "in": "path", "required": True, "schema": {"type": "string"}},
                        {"name": "lang", "in": "query", "required": False, "schema": {"enum": ["id", "en"]}},
                    ],
                    "responses": {
                        "200": {"description": "Found", "content": {"application/json": {"schema": ref("PublicView")}}},
                        "404": _error("Unknown tracking id"),
                    },
                }
            },
            **{
                f"/v1/complaints/{{tracking_id}}/{leaf}": {
                    "post": {
                        "summary": summary,
                        "parameters": [{"name": "tracking_id", "in": "path", "required": True, "schema": {"type": "string"}}],
                        "requestBody": {"required": True, "content": {"application/json": {"schema": ref(form)}}},
                        "responses": {
                            "200": {"description": "Recorded", "content": {"application/json": {"schema": ref("CitizenActionAnswer")}}},
                            "404": _error("Unknown tracking id"),
                            "409": _error("Not possible in this status (e.g. closed), or already rated"),
                            "422": _error("Invalid body"),
                        },
                    }
                }
                for leaf, form, summary in (
                    ("replies", "ReplyForm", "The citizen's reply: answers a deferral, or reopens an answer"),
                    ("rating", "RatingForm", "The citizen's rating (1-5) of the answer; closes it"),
                )
            },
            **webhook_paths,
            **EXTRA_PATHS,
        },
        "components": {"schemas": schemas},
    }
