"""The one way out of the file store: an identity document, to the administrator only.

``GET /admin/identity-documents/{id}`` with the administrator's bearer token answers the
file (never cached, as an attachment, its type the one detected at upload). Anyone else, and
an unknown id, get the same 404: the route tells nobody which documents exist."""

from __future__ import annotations

import json

import structlog
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from auth.viewer import ANONYMOUS, Viewer
from connectors.files import FileNotStored
from resolvers.context import Services

__all__ = ["IdentityDocumentDownload"]

_log = structlog.get_logger("gateway.documents")
_EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


class IdentityDocumentDownload:
    """Behind ``AuthenticationMiddleware``, which puts the viewer on the scope."""

    def __init__(self, services: Services) -> None:
        self._services = services

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        viewer: Viewer = scope.get("state", {}).get("viewer", ANONYMOUS)
        response = await self._answer(viewer, str(request.path_params.get("document_id", "")))
        await response(scope, receive, send)

    async def _answer(self, viewer: Viewer, document_id: str) -> Response:
        if not viewer.is_admin:
            return _not_found()
        record = await self._services.desk.identity_document(document_id)
        if record is None:
            return _not_found()
        try:
            data = await self._services.files.get(record.file_key)
        except FileNotStored:
            _log.error("identity_document.file_missing", document_id=document_id)
            return _not_found()
        _log.info("identity_document.read", document_id=document_id, by=viewer.account_id)
        extension = _EXTENSIONS.get(record.content_type, "bin")
        return Response(
            data,
            media_type=record.content_type,
            headers={
                "Cache-Control": "no-store",
                "Content-Disposition": f'attachment; filename="identite-{record.id}.{extension}"',
                "X-Content-Type-Options": "nosniff",
            },
        )


def _not_found() -> Response:
    body = {"errors": [{"message": "Not found.", "extensions": {"code": "NOT_FOUND"}}]}
    return Response(json.dumps(body), status_code=404, media_type="application/json")
