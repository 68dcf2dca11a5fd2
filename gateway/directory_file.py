"""The network's directory as an operator hands it over: structures and agents in CSV or
JSON, read and validated row by row (each problem with its line, and its item in JSON), for
``hub-gateway import-directory``.

CSV: one file per kind of row, told apart by its header (``id,name,kind,…`` for structures,
``email,first_name,last_name,structure,…`` for agents), comma- or semicolon-separated, UTF-8;
list cells (``support_kinds``, ``roles``, ``filieres``, ``domains``, ``territories``) separate
their values with ``|``. JSON: ``{"structures": [...], "agents": [...]}`` with the same
fields, lists as arrays. The format is documented in docs/deploying.md.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    StringConstraints,
    ValidationError,
)

from connectors.hubdb.enums import AgentRole, StructureKind, SupportKind

__all__ = ["AgentRow", "DirectoryFile", "RowProblem", "StructureRow", "read_directory"]


def _blank_to_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


def _default(default: bool) -> Callable[[object], object]:
    """A blank CSV cell is the field's default."""
    return lambda value: default if _blank_to_none(value) is None else value


def _split_list(value: object) -> object:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split("|") if part.strip()]
    return value


def _upper(value: object) -> object:
    return value.strip().upper() if isinstance(value, str) else value


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=32)]
Medium = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]
Long = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]


Email = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")
]
Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class StructureRow(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[
        str, StringConstraints(strip_whitespace=True, pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")
    ]
    name: Annotated[Text, StringConstraints(max_length=200)]
    kind: Annotated[StructureKind, BeforeValidator(_upper)]
    department_code: Annotated[
        Annotated[str, StringConstraints(pattern=r"^(\d{2,3}|2[AB])$")] | None,
        BeforeValidator(_blank_to_none),
    ] = None
    postal_code: Annotated[
        Annotated[str, StringConstraints(pattern=r"^\d{5}$")] | None,
        BeforeValidator(_blank_to_none),
    ] = None
    city: Annotated[Medium | None, BeforeValidator(_blank_to_none)] = None
    email: Annotated[Email | None, BeforeValidator(_blank_to_none)] = None
    phone: Annotated[Short | None, BeforeValidator(_blank_to_none)] = None
    labelled: Annotated[bool, BeforeValidator(_default(False))] = False
    in_network: Annotated[bool, BeforeValidator(_default(True))] = True
    support_kinds: Annotated[
        tuple[Annotated[SupportKind, BeforeValidator(_upper)], ...], BeforeValidator(_split_list)
    ] = ()


class AgentRow(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    email: Email
    first_name: Annotated[Text, StringConstraints(max_length=100)]
    last_name: Annotated[Text, StringConstraints(max_length=100)]
    structure: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
    title: Annotated[Long | None, BeforeValidator(_blank_to_none)] = None
    phone: Annotated[Short | None, BeforeValidator(_blank_to_none)] = None
    roles: Annotated[
        tuple[Annotated[AgentRole, BeforeValidator(_upper)], ...], BeforeValidator(_split_list)
    ] = ()
    filieres: Annotated[tuple[Code, ...], BeforeValidator(_split_list)] = ()
    domains: Annotated[tuple[Code, ...], BeforeValidator(_split_list)] = ()
    territories: Annotated[
        tuple[Annotated[str, StringConstraints(strip_whitespace=True, max_length=5)], ...],
        BeforeValidator(_split_list),
    ] = ()


@dataclass(frozen=True, slots=True)
class RowProblem:
    """Where (``file:line``, or ``file:agents[3]`` in JSON) and what is wrong."""

    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


@dataclass(slots=True)
class DirectoryFile:
    """What the files hold: the valid rows (with where they came from) and the problems."""

    structures: list[tuple[str, StructureRow]] = field(default_factory=list)
    agents: list[tuple[str, AgentRow]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


_STRUCTURE_HEADER = {"id", "name", "kind"}
_AGENT_HEADER = {"email", "first_name", "last_name", "structure"}


def read_directory(paths: list[Path]) -> DirectoryFile:
    """Every file read; rows that do not validate become problems, not exceptions."""
    directory = DirectoryFile()
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            directory.problems.append(RowProblem(str(path), f"cannot read it ({error})"))
            continue
        if path.suffix.lower() == ".json":
            _read_json(path, text, directory)
        else:
            _read_csv(path, text, directory)
    return directory


def _read_csv(path: Path, text: str, directory: DirectoryFile) -> None:
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = {name.strip() for name in reader.fieldnames or ()}
    if _STRUCTURE_HEADER <= header:
        model: type[BaseModel] = StructureRow
    elif _AGENT_HEADER <= header:
        model = AgentRow
    else:
        directory.problems.append(
            RowProblem(
                f"{path}:1",
                "the header names neither structures (id, name, kind, …) nor agents "
                "(email, first_name, last_name, structure, …)",
            )
        )
        return
    for row in reader:
        where = f"{path}:{reader.line_num}"
        cells = {(key or "").strip(): value for key, value in row.items()}
        if None in row.values() or cells.get(""):
            directory.problems.append(RowProblem(where, "the row does not have the header's cells"))
            continue
        cells.pop("", None)
        _validate(model, where, cells, directory)


def _read_json(path: Path, text: str, directory: DirectoryFile) -> None:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        directory.problems.append(RowProblem(f"{path}:{error.lineno}", f"not JSON ({error.msg})"))
        return
    if not isinstance(document, dict) or set(document) - {"structures", "agents"}:
        directory.problems.append(
            RowProblem(str(path), 'expected {"structures": [...], "agents": [...]}')
        )
        return
    for key, model in (("structures", StructureRow), ("agents", AgentRow)):
        items = document.get(key, [])
        if not isinstance(items, list):
            directory.problems.append(RowProblem(f"{path}:{key}", "expected a list"))
            continue
        lines = _item_lines(text, key)
        for index, item in enumerate(items):
            line = lines[index] if index < len(lines) else None
            where = f"{path}:{line} ({key}[{index}])" if line else f"{path}:{key}[{index}]"
            if not isinstance(item, dict):
                directory.problems.append(RowProblem(where, "expected an object"))
                continue
            _validate(model, where, item, directory)


def _item_lines(text: str, key: str) -> list[int]:
    """The line each item of the top-level ``key`` array starts on, in a document that
    ``json.loads`` read already (so it is well formed); empty if the walk goes astray."""
    decoder = json.JSONDecoder()

    def blank(at: int) -> int:
        while at < len(text) and text[at] in " \t\r\n":
            at += 1
        return at

    def line(at: int) -> int:
        return text.count("\n", 0, at) + 1

    try:
        at = blank(0) + 1  # past "{"
        while True:
            at = blank(at)
            if text[at] == "}":
                return []
            name, at = decoder.raw_decode(text, at)
            at = blank(blank(at) + 1)  # past ":"
            if name == key and text[at] == "[":
                starts = []
                at = blank(at + 1)
                while text[at] != "]":
                    starts.append(line(at))
                    _, at = decoder.raw_decode(text, at)
                    at = blank(at)
                    at = blank(at + 1) if text[at] == "," else at
                return starts
            _, at = decoder.raw_decode(text, at)
            at = blank(at)
            at = at + 1 if text[at] == "," else at
    except (IndexError, ValueError):
        return []


def _validate(
    model: type[BaseModel], where: str, cells: Mapping[str, Any], directory: DirectoryFile
) -> None:
    try:
        row = model.model_validate(dict(cells))
    except ValidationError as error:
        directory.problems.append(RowProblem(where, "; ".join(_reasons(error))))
        return
    if isinstance(row, StructureRow):
        directory.structures.append((where, row))
    elif isinstance(row, AgentRow):
        directory.agents.append((where, row))


def _reasons(error: ValidationError) -> Iterator[str]:
    """Each field's problem, without the offending value (it may be personal data)."""
    for detail in error.errors(include_url=False, include_input=False):
        location = ".".join(str(part) for part in detail["loc"]) or "row"
        yield f"{location}: {detail['msg']}"
