"""``GET /docs``: the API reference as one self-contained HTML page, rendered on the server.

The page is generated from the application's own OpenAPI document (``/openapi.json``):
every route with its summary, description, parameters, request body examples and answers.
It loads nothing from other hosts (no CDN scripts or fonts), so it works on a machine
without internet access; its only asset is the local stylesheet ``/static/review.css``.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markdown_it import MarkdownIt
from markupsafe import Markup

from screenwise.api.review import templates

__all__ = ["markdown_html", "markdown_inline", "reference_sections", "router"]

router = APIRouter()

#: CommonMark without raw HTML: the descriptions are ours, but the page must not let a
#: description inject markup.
_MARKDOWN = MarkdownIt("commonmark", {"html": False})


def markdown_html(text: str) -> Markup:
    """Render an OpenAPI description (CommonMark, raw HTML disabled) as safe HTML."""
    return Markup(_MARKDOWN.render(text or ""))


def markdown_inline(text: str) -> Markup:
    """Render a one-line description (a parameter, an answer) as inline HTML."""
    return Markup(_MARKDOWN.renderInline(text or ""))


templates.env.filters["markdown"] = markdown_html
templates.env.filters["markdown_inline"] = markdown_inline

_METHODS = ("get", "post", "put", "patch", "delete")


def _schema_text(schema: dict[str, Any]) -> str:
    """Return a short description of a JSON schema: type and constraints."""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " or ".join(_schema_text(s) for s in schema["anyOf"])
    kind = str(schema.get("type", "any"))
    if kind == "array":
        kind = f"array of {_schema_text(schema.get('items', {}))}"
    limits = []
    for key, label in (("minimum", ">="), ("maximum", "<="), ("minLength", "min length"),
                       ("maxLength", "max length"), ("maxItems", "max items"),
                       ("pattern", "pattern")):
        if key in schema:
            limits.append(f"{label} {schema[key]}")
    if "enum" in schema:
        limits.append("one of " + ", ".join(str(v) for v in schema["enum"]))
    return kind + (f" ({'; '.join(limits)})" if limits else "")


def _examples(content: dict[str, Any]) -> list[tuple[str, str]]:
    """Return ``(media type, pretty example)`` pairs of a request or response body."""
    found: list[tuple[str, str]] = []
    for media, spec in content.items():
        values: list[Any] = []
        if "example" in spec:
            values.append(spec["example"])
        for example in (spec.get("examples") or {}).values():
            if isinstance(example, dict) and "value" in example:
                values.append(example["value"])
        for value in values:
            text = value if isinstance(value, str) else json.dumps(
                value, indent=2, ensure_ascii=False
            )
            found.append((media, text))
    return found


def reference_sections(openapi: dict[str, Any]) -> list[dict[str, Any]]:
    """Turn an OpenAPI document into the sections of the reference page, one per tag.

    Args:
        openapi: the application's OpenAPI document (``app.openapi()``).

    Returns:
        ``[{"tag", "operations": [{"method", "path", "summary", "description",
        "parameters": [{"name", "in", "required", "schema", "description"}],
        "body_types", "examples", "responses": [(status, description)]}]}]`` in document
        order.
    """
    sections: dict[str, list[dict[str, Any]]] = {}
    for path, item in openapi.get("paths", {}).items():
        for method in _METHODS:
            op = item.get(method)
            if op is None:
                continue
            body = op.get("requestBody", {}).get("content", {})
            operation = {
                "method": method.upper(),
                "path": path,
                "summary": op.get("summary", ""),
                "description": op.get("description", ""),
                "parameters": [
                    {
                        "name": p.get("name", ""),
                        "in": p.get("in", ""),
                        "required": bool(p.get("required")),
                        "schema": _schema_text(p.get("schema", {})),
                        "description": p.get("description", ""),
                    }
                    for p in op.get("parameters", [])
                ],
                "body_types": list(body),
                "examples": _examples(body),
                "responses": [
                    (status, spec.get("description", ""))
                    for status, spec in sorted(op.get("responses", {}).items())
                ],
            }
            tag = (op.get("tags") or ["other"])[0]
            sections.setdefault(tag, []).append(operation)
    return [{"tag": tag, "operations": ops} for tag, ops in sections.items()]


@router.get("/docs", response_class=HTMLResponse, include_in_schema=False)
async def reference_page(request: Request) -> HTMLResponse:
    """The API reference page (no API key needed, no external assets)."""
    openapi = request.app.openapi()
    return templates.TemplateResponse(
        request,
        "docs.html",
        {
            "info": openapi.get("info", {}),
            "sections": reference_sections(openapi),
            "json_url": "/openapi.json",
        },
    )
