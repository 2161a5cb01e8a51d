"""Reading Bot API parameters off the wire in every encoding Telegram accepts.

PTB sends application/x-www-form-urlencoded (multipart when uploading); other clients use a
query string or a JSON body. Values are returned as sent; spec.py decodes them by type.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from .spec import UploadedFile


async def read_params(request: web.Request) -> tuple[dict[str, Any], str | None]:
    """Query string plus body (JSON, urlencoded or multipart), values as sent.

    Uploaded parts that another parameter references as attach://name are files, not
    parameters, and are dropped from the result.
    """
    params: dict[str, Any] = dict(request.query)
    if not request.body_exists:
        return params, None
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            return params, "request body is not valid JSON"
        if not isinstance(body, dict):
            return params, "JSON request body must be an object"
        params.update(body)
        return params, None
    if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                params[key] = _uploaded(key, value)
            else:
                params[key] = value if isinstance(value, str) else bytes(value).decode()
        attached = {
            key
            for key, value in params.items()
            if isinstance(value, UploadedFile)
            and any(f"attach://{key}" in str(v) for v in params.values() if isinstance(v, str))
        }
        return {k: v for k, v in params.items() if k not in attached}, None
    return params, f"unsupported Content-Type {request.content_type!r}"


def _uploaded(key: str, value: web.FileField) -> UploadedFile:
    """Keep the bytes and their size, close aiohttp's spooled temp file (else ResourceWarning)."""
    with value.file as fh:
        fh.seek(0)
        data = fh.read()
    return UploadedFile(key, value.filename, value.content_type, len(data), data)
