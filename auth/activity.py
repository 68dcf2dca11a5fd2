"""Who may read a structure's activity (the CCI standard's indicators): its own agents and
the administrator; nobody else, partner keys included."""

from __future__ import annotations

from graphql import GraphQLError

from auth.viewer import Viewer, ViewerKind

__all__ = ["may_read_activity", "require_activity_reader"]


def may_read_activity(viewer: Viewer, structure_id: str) -> bool:
    if viewer.partner is not None:
        return False
    return viewer.is_admin or (viewer.agent_id is not None and viewer.structure_id == structure_id)


def require_activity_reader(viewer: Viewer, structure_id: str) -> None:
    """``FORBIDDEN`` (``UNAUTHENTICATED`` when anonymous) unless ``may_read_activity``; the
    same answer for an unknown structure as for another's."""
    if may_read_activity(viewer, structure_id):
        return
    if viewer.kind is ViewerKind.ANONYMOUS:
        raise GraphQLError("Sign in to do this.", extensions={"code": "UNAUTHENTICATED"})
    raise GraphQLError(
        "Only the structure's agents and the administrator read its indicators.",
        extensions={"code": "FORBIDDEN"},
    )
