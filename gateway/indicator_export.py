"""The yearly report a CCI sends: a structure's indicators as CSV.

``GET /structures/{structure_id}/indicators.csv?from=YYYY-MM-DD&to=YYYY-MM-DD`` with a bearer
token answers what ``Query.indicators`` answers, with the same authorisation (the structure's
agents and the administrator) and the same period rules: 401 signed out, 403 anyone else, 400
a bad period, each with a JSON body; ``code,label,value`` rows otherwise, never cached.

For a period of one calendar year (the yearly report), the satisfaction survey's rows follow
the annex's: the surveys sent and answered, the response rate, then the six performance
indicators, each a rate between 0 and 1 (empty without any answer), as
``Query.performanceIndicators`` answers them."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date

from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.types import Receive, Scope, Send

from auth.viewer import ANONYMOUS, Viewer
from connectors.hubdb.surveys import PerformanceResult
from resolvers.context import Services
from resolvers.indicators import IndicatorValue, structure_indicators
from resolvers.surveys import yearly_report_performance

__all__ = ["IndicatorExport"]

_STATUS = {"UNAUTHENTICATED": 401, "FORBIDDEN": 403, "BAD_USER_INPUT": 400}


class IndicatorExport:
    """Behind ``AuthenticationMiddleware``, which puts the viewer on the scope."""

    def __init__(self, services: Services) -> None:
        self._services = services

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        viewer: Viewer = scope.get("state", {}).get("viewer", ANONYMOUS)
        response = await self._answer(viewer, request)
        await response(scope, receive, send)

    async def _answer(self, viewer: Viewer, request: Request) -> Response:
        structure_id = str(request.path_params.get("structure_id", ""))
        try:
            start, end = (_day(request, "from"), _day(request, "to"))
            values = await structure_indicators(self._services, viewer, structure_id, start, end)
            survey = await yearly_report_performance(
                self._services, viewer, structure_id, start, end
            )
        except GraphQLError as error:
            code = str((error.extensions or {}).get("code", "BAD_USER_INPUT"))
            return _error(error.message, code)
        filename = f"indicateurs-{structure_id}-{start.isoformat()}-{end.isoformat()}.csv"
        return StreamingResponse(
            _lines(values, survey),
            media_type="text/csv; charset=utf-8",
            headers={
                "Cache-Control": "no-store",
                "Content-Disposition": f'attachment; filename="{filename}"',
                "X-Content-Type-Options": "nosniff",
            },
        )


def _day(request: Request, name: str) -> date:
    raw = request.query_params.get(name, "")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise GraphQLError(
            f"`{name}` is a date (YYYY-MM-DD).", extensions={"code": "BAD_USER_INPUT"}
        ) from None


def _survey_rows(survey: PerformanceResult | None) -> list[tuple[str, str, object]]:
    if survey is None:
        return []

    def rate(value: float | None) -> str:
        return "" if value is None else f"{value:.4f}".rstrip("0").rstrip(".")

    return [
        ("SURVEY_SENT", "Nombre d'enquêtes de satisfaction envoyées", survey.sent),
        ("SURVEY_ANSWERED", "Nombre de réponses à l'enquête de satisfaction", survey.answered),
        ("SURVEY_RESPONSE_RATE", "Taux de réponse", rate(survey.response_rate)),
        *((d.code, d.label, rate(value)) for d, _, value in survey.values),
    ]


def _lines(values: list[IndicatorValue], survey: PerformanceResult | None) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    annex = [(v.code, v.label, v.value) for v in values]
    for row in [("code", "label", "value"), *annex, *_survey_rows(survey)]:
        writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def _error(message: str, code: str) -> Response:
    body = {"errors": [{"message": message, "extensions": {"code": code}}]}
    return Response(
        json.dumps(body), status_code=_STATUS.get(code, 400), media_type="application/json"
    )
