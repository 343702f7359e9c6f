"""Look-ahead on the selection set, so list queries can join what will be asked for."""

from __future__ import annotations

from collections.abc import Iterable

from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection


def _fields(selections: Iterable[Selection]) -> Iterable[SelectedField]:
    for selection in selections:
        if isinstance(selection, SelectedField):
            yield selection
        elif isinstance(selection, (FragmentSpread, InlineFragment)):
            yield from _fields(selection.selections)


def selected_under(roots: Iterable[Selection], *path: str) -> set[str]:
    """Names of the fields selected at `path` below `roots` (through fragments, across aliases)."""
    level: list[SelectedField] = list(_fields(roots))
    for name in path:
        level = [child for field in level if field.name == name for child in _fields(field.selections)]
    return {field.name for field in level}
