"""Hostile documents are refused before they cost anything: before authentication,
before the database, before execution.

Every limit is a setting (see api/settings.py). Cost counts objects: each object field
costs 1 plus its children, times `first` (or the length of `ids`, or a default for
other lists); scalars are free, since they come with their object. Depth, aliases, directives and cost are
counted on the operation as it would run, with fragments expanded wherever they are
spread (an alias inside a fragment spread three times counts three times), so fragments
cannot hide work. The analysis of a document is cached in a bounded LRU.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    parse,
)

INTROSPECTION_FIELDS = {"__schema", "__type"}
CACHE_SIZE = 512


@dataclass(frozen=True, slots=True)
class Limits:
    max_document_bytes: int = 20_000
    max_tokens: int = 2_000
    max_depth: int = 10
    max_aliases: int = 15
    max_directives: int = 50
    max_cost: int = 10_000
    default_list_size: int = 10  # the assumed length of a list field without `first`
    max_page_size: int = 100
    introspection: bool = True


class QueryRejected(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class Shape:
    """What a document would make the server do, counted statically."""

    depth: int
    aliases: int
    directives: int
    cost: int
    introspection: bool
    operation: str | None  # query | mutation | subscription, None if not found
    name: str | None = None  # the operation's own name, for logs and metrics


def parse_document(query: str, limits: Limits) -> DocumentNode:
    if len(query.encode()) > limits.max_document_bytes:
        raise QueryRejected("QUERY_TOO_LARGE", f"The document is larger than {limits.max_document_bytes} bytes")
    return _parse(query, limits.max_tokens)


@lru_cache(maxsize=CACHE_SIZE)
def _parse(query: str, max_tokens: int) -> DocumentNode:
    try:
        return parse(query, max_tokens=max_tokens, no_location=False)
    except GraphQLError as error:
        if "tokens" in error.message.lower():
            raise QueryRejected("TOO_MANY_TOKENS", f"The document has more than {max_tokens} tokens") from None
        raise QueryRejected("GRAPHQL_PARSE_FAILED", error.message) from None


def check(schema: GraphQLSchema, query: str, operation_name: str | None, variables: Mapping[str, Any] | None, limits: Limits) -> Shape:
    """Raise QueryRejected when the document breaks a limit; return its shape otherwise."""
    parse_document(query, limits)
    sizes = tuple(sorted((k, v) for k, v in (variables or {}).items() if isinstance(v, int) and not isinstance(v, bool)))
    shape = _measure(schema, query, operation_name, sizes, limits)
    if shape.depth > limits.max_depth:
        raise QueryRejected("QUERY_TOO_DEEP", f"The query is nested {shape.depth} levels deep; the limit is {limits.max_depth}")
    if shape.aliases > limits.max_aliases:
        raise QueryRejected("TOO_MANY_ALIASES", f"The query uses {shape.aliases} aliases; the limit is {limits.max_aliases}")
    if shape.directives > limits.max_directives:
        raise QueryRejected("TOO_MANY_DIRECTIVES", f"The query uses {shape.directives} directives; the limit is {limits.max_directives}")
    if shape.cost > limits.max_cost:
        raise QueryRejected("QUERY_TOO_COMPLEX", f"The query would cost {shape.cost}; the limit is {limits.max_cost}")
    return shape


@lru_cache(maxsize=CACHE_SIZE)
def _measure(schema: GraphQLSchema, query: str, operation_name: str | None, sizes: tuple, limits: Limits) -> Shape:
    document = _parse(query, limits.max_tokens)
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    operation = _operation(document, operation_name)
    if operation is None:
        return Shape(0, 0, 0, 0, False, None)
    root = {"query": schema.query_type, "mutation": schema.mutation_type, "subscription": schema.subscription_type}[
        operation.operation.value
    ]
    walker = _Walker(schema, fragments, dict(sizes), limits)
    cost = walker.walk(operation.selection_set, root, depth=1, path=())
    directives = walker.directives + len(operation.directives or ())
    name = operation.name.value if operation.name else None
    return Shape(walker.max_depth, walker.aliases, directives, cost, walker.introspection, operation.operation.value, name)


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    return next((op for op in operations if op.name and op.name.value == name), None)


class _Walker:
    def __init__(
        self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode], variables: dict[str, int], limits: Limits
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.limits = limits
        self.max_depth = 0
        self.aliases = 0
        self.directives = 0
        self.introspection = False
        self.visits = 0

    def walk(self, selection_set: SelectionSetNode | None, parent: Any, depth: int, path: tuple[str, ...]) -> int:
        if selection_set is None:
            return 0
        cost = 0
        for selection in selection_set.selections:
            self.visits += 1
            if self.visits > 50_000:  # a fragment fan-out bomb: the cost limit would refuse it anyway
                raise QueryRejected("QUERY_TOO_COMPLEX", "The query expands to too many fields")
            self.directives += len(selection.directives or ())
            if isinstance(selection, FieldNode):
                cost += self._field(selection, parent, depth, path)
            elif isinstance(selection, InlineFragmentNode):
                cost += self.walk(selection.selection_set, self._narrow(selection.type_condition, parent), depth, path)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in path:
                    raise QueryRejected("GRAPHQL_VALIDATION_FAILED", f"Fragment {name} spreads itself")
                fragment = self.fragments.get(name)
                if fragment is not None:
                    self.directives += len(fragment.directives or ())
                    cost += self.walk(fragment.selection_set, self._narrow(fragment.type_condition, parent), depth, (*path, name))
        return cost

    def _narrow(self, condition: Any, parent: Any) -> Any:
        """`... on Employee` inside a Node: count Employee's fields."""
        return self.schema.get_type(condition.name.value) or parent if condition is not None else parent

    def _field(self, node: FieldNode, parent: Any, depth: int, path: tuple[str, ...]) -> int:
        name = node.name.value
        if node.alias is not None:
            self.aliases += 1
        if name in INTROSPECTION_FIELDS:
            # Schema metadata is static and cheap; its deep `ofType` chains are not work.
            self.introspection = True
            return 1
        self.max_depth = max(self.max_depth, depth)
        field = _field_def(parent, name)
        field_type = _unwrap_non_null(field.type) if field else None
        child_type = _named(field_type) if field_type else None
        if node.selection_set is None:
            return 0  # a scalar rides along with its object; the token limit bounds how many
        children = self.walk(node.selection_set, child_type, depth + 1, path)
        return 1 + self._multiplier(node, field_type, parent) * children

    def _multiplier(self, node: FieldNode, field_type: Any, parent: Any) -> int:
        first = self._first(node)
        if first is not None:
            return max(1, min(first, self.limits.max_page_size))
        ids = next((a.value for a in node.arguments or () if a.name.value == "ids"), None)
        if isinstance(ids, ListValueNode):
            return max(1, len(ids.values))
        if isinstance(field_type, GraphQLList):
            # A connection's edges/nodes were already multiplied by the connection's `first`.
            in_connection = getattr(parent, "name", "").endswith("Connection")
            return 1 if in_connection else self.limits.default_list_size
        return 1

    def _first(self, node: FieldNode) -> int | None:
        for argument in node.arguments or ():
            if argument.name.value != "first":
                continue
            value = argument.value
            if isinstance(value, IntValueNode):
                return int(value.value)
            if isinstance(value, VariableNode):
                return self.variables.get(value.name.value, self.limits.max_page_size)
        return None


def _field_def(parent: Any, name: str) -> Any:
    if isinstance(parent, (GraphQLObjectType, GraphQLInterfaceType)):
        return parent.fields.get(name)
    return None


def _unwrap_non_null(kind: Any) -> Any:
    return kind.of_type if isinstance(kind, GraphQLNonNull) else kind


def _named(kind: Any) -> Any:
    while isinstance(kind, (GraphQLNonNull, GraphQLList)):
        kind = kind.of_type
    return kind
