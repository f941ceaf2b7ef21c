"""The OpenAPI 3.1 document of the API, its schemas made from the same pydantic models that validate
(partner_model.feed): a batch, each kind of event, a batch's answer."""

from __future__ import annotations

import functools
from typing import Any

from pydantic.json_schema import models_json_schema

from partner_model import feed

REF = "#/components/schemas/{model}"
ERROR = {"type": "object", "required": ["error"], "properties": {
    "error": {"type": "string", "description": "what was wrong, in words"},
    "errors": {"type": "array", "items": {"type": "object", "properties": {
        "field": {"type": "string"}, "message": {"type": "string"}}}}}}


def _answer(description: str, schema: str = "Error", **headers: Any) -> dict[str, Any]:
    answer: dict[str, Any] = {"description": description,
                              "content": {"application/json": {"schema": {"$ref": REF.format(model=schema)}}}}
    if headers:
        answer["headers"] = {name: {"schema": value} for name, value in headers.items()}
    return answer


@functools.cache
def document() -> dict[str, Any]:
    """The whole document (made once per process)."""
    __, schemas = models_json_schema([(feed.Batch, "validation"), (feed.BatchResult, "serialization")],
                                     ref_template=REF)
    components = dict(schemas.get("$defs", {}))
    event = feed.EVENT.json_schema(ref_template=REF)
    components.update(event.pop("$defs", {}))
    components["Event"] = event
    components["Error"] = ERROR
    components["Health"] = {"type": "object", "required": ["status"], "properties": {
        "status": {"type": "string"}, "detail": {"type": "string"}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Partner program: product feed", "version": "1",
                 "description": "Account facts from the vendor's product. Each event of a batch is validated on its "
                                "own against the Event schema; a bad one is refused in the answer with its index, "
                                "field and message, and the good ones are applied (all or none with atomic=true)."},
        "components": {"schemas": components,
                       "securitySchemes": {"token": {"type": "http", "scheme": "bearer",
                                                     "description": "an API token an admin made on the Admin page"}}},
        "paths": {
            "/api/v1/events": {"post": {
                "summary": "Send a batch of up to 1,000 events",
                "security": [{"token": []}],
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": REF.format(model="Batch")}}}},
                "responses": {
                    "200": _answer("applied, repeated and refused events", "BatchResult"),
                    "401": _answer("no live API token: nothing written"),
                    "413": _answer("the body is over 5 MB"),
                    "415": _answer("the body was not sent as JSON"),
                    "422": _answer("the body is not a batch"),
                    "429": _answer("too many requests for this token", **{"Retry-After": {"type": "string"}}),
                }}},
            "/api/v1/openapi.json": {"get": {"summary": "This document", "responses": {
                "200": {"description": "the OpenAPI document", "content": {"application/json": {
                    "schema": {"type": "object"}}}}}}},
            "/healthz": {"get": {"summary": "The process answers", "responses": {
                "200": _answer("alive", "Health")}}},
            "/readyz": {"get": {"summary": "The database answers and is at the newest migration", "responses": {
                "200": _answer("ready", "Health"), "503": _answer("not ready", "Health")}}},
            "/metrics": {"get": {"summary": "The app server's metrics (Prometheus text format)", "responses": {
                "200": {"description": "the metrics", "content": {"text/plain": {"schema": {"type": "string"}}}}}}},
        },
    }
