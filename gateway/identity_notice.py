"""Tells a client why its valid token left it anonymous: ``extensions.identity`` in every
response of the request (``{"code": "UNKNOWN_ACCOUNT", "message": …}``)."""

from __future__ import annotations

from typing import Any

from strawberry.extensions import SchemaExtension

from auth.viewer import Viewer

__all__ = ["IdentityNoticeExtension", "notice_payload"]


def notice_payload(viewer: Viewer) -> dict[str, str] | None:
    notice = viewer.notice
    return None if notice is None else {"code": notice.code, "message": notice.message}


class IdentityNoticeExtension(SchemaExtension):
    def get_results(self) -> dict[str, Any]:
        viewer = getattr(self.execution_context.context, "viewer", None)
        payload = notice_payload(viewer) if isinstance(viewer, Viewer) else None
        return {} if payload is None else {"identity": payload}
