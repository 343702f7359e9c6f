"""docs/configuration.md, generated from the Settings class so the reference cannot drift.

`make docs` (or `hr config-docs > docs/configuration.md`) writes it; tests/test_project.py
compares the checked-in page with `render()`, the way it does schema.graphql.
"""

from __future__ import annotations

import types
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined
from pydantic_settings import BaseSettings

from api.settings import Settings

HEADER = """# Configuration reference

<!-- Generated from api/settings.py by `make docs` (`hr config-docs`); do not edit by hand.
     tests/test_project.py fails when this page and the Settings class disagree. -->

Every setting is an environment variable, read once at startup (`api/settings.py`,
pydantic-settings). Booleans accept `1`/`0` and `true`/`false`; lists are comma-separated.
The helm chart sets the non-secret ones from a ConfigMap and the secret ones from existing
Secrets ([deployment.md](deployment.md)). A new setting needs a `Field(description=...)`,
then `make docs`.

| variable | type | default | description |
| --- | --- | --- | --- |
"""

FOOTER = """
Read elsewhere, not by `Settings`:

- `OTEL_EXPORTER_OTLP_ENDPOINT` and the other `OTEL_*` variables of the OpenTelemetry SDK:
  with an endpoint set, every request and SQL statement becomes a span (`api/tracing.py`).
- `TEST_DATABASE_URL`: the PostgreSQL server the tests create their database on (otherwise
  an embedded one); `BENCH_DATABASE_URL`: the benchmark's database
  ([benchmarks/README.md](../benchmarks/README.md)).
"""

_SCALARS = {str: "string", int: "integer", float: "number", bool: "boolean", Path: "path"}


def describe_type(annotation: Any) -> str:
    """The annotation in words a reader of the environment needs: no Python generics."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return describe_type(get_args(annotation)[0])
    if origin is Literal:
        return " or ".join(f"`{value}`" for value in get_args(annotation))
    if origin in (Union, types.UnionType):
        present = [arg for arg in get_args(annotation) if arg is not type(None)]
        described = " or ".join(describe_type(arg) for arg in present)
        return f"{described} (or unset)" if len(present) < len(get_args(annotation)) else described
    if origin is list:
        return f"list of {describe_type(get_args(annotation)[0])}s"
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return " or ".join(f"`{member.value}`" for member in annotation)
    return _SCALARS.get(annotation, getattr(annotation, "__name__", str(annotation)))


def _bounds(field: FieldInfo) -> str:
    words = {"gt": ">", "ge": ">=", "lt": "<", "le": "<="}
    found = []
    for constraint in field.metadata:
        if isinstance(constraint, annotated_types.BaseMetadata):
            found += [f"{sign} {getattr(constraint, bound)}" for bound, sign in words.items() if hasattr(constraint, bound)]
    return f", {' and '.join(found)}" if found else ""


def describe_default(field: FieldInfo) -> str:
    if field.default_factory is not None:
        value = field.default_factory()
    elif field.default is PydanticUndefined:
        return "required"
    else:
        value = field.default
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return "`1`" if value else "`0`"
    if value in ("", [], ()):
        return "empty"
    if isinstance(value, list | tuple):
        return "`" + ",".join(str(item) for item in value) + "`"
    return f"`{value}`"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def rows(settings: type[BaseSettings] = Settings) -> list[tuple[str, str, str, str]]:
    """(variable, type, default, description) per setting, in the class's order."""
    found = []
    for name, field in settings.model_fields.items():
        variable = field.alias or name.upper()
        found.append(
            (
                variable,
                describe_type(field.annotation) + _bounds(field),
                describe_default(field),
                field.description or "",
            )
        )
    return found


def undescribed(settings: type[BaseSettings] = Settings) -> list[str]:
    """Settings nobody has explained yet: the page would show an empty cell for them."""
    return [variable for variable, _, _, description in rows(settings) if not description.strip()]


def render(settings: type[BaseSettings] = Settings) -> str:
    table = "".join(
        f"| `{variable}` | {_cell(kind)} | {_cell(default)} | {_cell(description)} |\n"
        for variable, kind, default, description in rows(settings)
    )
    return HEADER + table + FOOTER


def main() -> None:
    print(render(), end="")


if __name__ == "__main__":
    main()
