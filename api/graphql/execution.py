"""List completion planned once per request instead of field by field.

graphql-core completes every field of every list item through the same generic steps
(resolve info, argument coercion, strawberry's resolver wrapper, type dispatch, Path
objects), which on a page of 100 employees with their managers and departments costs
more than the SQL behind it. Here a list of objects is completed from a plan
made once per selection: plain attributes are read directly, synchronous argument-free
resolvers are called directly with one shared `Info`, and scalars are coerced by their
type. Everything else (arguments, async resolvers, abstract types, field extensions,
@stream/@defer) goes through graphql-core unchanged for that field.

Awaitables met on the way (DataLoader futures handed back by synchronous resolvers,
async fields, awaitable items) get no coroutine and task each: they are awaited together
in rounds once the list's synchronous part is done (see "completion" below).

Semantics are graphql-core's: errors are located at the same paths and nulls propagate
to the same nearest nullable parent (tests/rules/test_planned_execution.py compares the
two on every kind of field and failure). The one difference: a planned resolver's `info`
carries the path of the list, not of the item, so planned resolvers must not read
`info.path` (none in api/ does).
"""

from __future__ import annotations

import inspect
from asyncio import gather
from collections.abc import Callable, Iterable
from types import GeneratorType
from typing import Any

from graphql import (
    GraphQLError,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLString,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import Path, Undefined
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types import Info

Complete = Callable[[Any, Path, Any], Any]  # (resolved value, its path, its position) -> completed value


class _Field:
    """One selected field of a planned object type: how to read it, how to complete it."""

    __slots__ = ("name", "details", "return_type", "read", "complete", "path_needed")

    def __init__(self, name: str, details: FieldDetailsList, return_type: GraphQLOutputType) -> None:
        self.name = name
        self.details = details
        self.return_type = return_type
        self.read: Callable[[Any], Any] | None = None  # None: graphql-core executes this field
        self.complete: Complete | None = None
        self.path_needed = False  # objects and lists need their own path; leaves only on error


class _ObjectPlan:
    __slots__ = ("type", "fields", "is_type_of", "info")

    def __init__(self, object_type: GraphQLObjectType, info: Any) -> None:
        self.type = object_type
        self.fields: list[_Field] = []
        self.is_type_of = object_type.is_type_of
        self.info = info


class PlannedExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """strawberry's execution context with planned completion of object lists."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plans: dict[tuple[int, int], tuple[FieldDetailsList, _ObjectPlan | None]] = {}
        self._pending: list[_Deferred] = []
        strawberry_schema = getattr(self.schema, "_strawberry_schema", None)
        handlers = getattr(getattr(strawberry_schema, "schema_converter", None), "_exception_handler_specs", ())
        middleware = self.middleware_manager and self.middleware_manager.middlewares
        # Resolve-hook extensions and exception handlers wrap every field: then nothing is planned.
        self._planning_allowed = strawberry_schema is not None and not handlers and not middleware

    # --- graphql-core's entry point --------------------------------------------------------

    def complete_iterable_value(
        self, item_type: GraphQLOutputType, field_details_list: FieldDetailsList, info: Any, path: Path,
        items: Iterable[Any], position_context: Any,
    ) -> Any:
        complete_item = None
        if self._planning_allowed and is_object_type(_named(item_type)) and not self.get_stream_usage(field_details_list, path):
            complete_item = self._completer(item_type, field_details_list, info, f"{info.parent_type}.{info.field_name}")
        if complete_item is None:
            return super().complete_iterable_value(item_type, field_details_list, info, path, items, position_context)
        return self._complete_list_entry(item_type, field_details_list, info, path, items, complete_item)

    # --- plans -----------------------------------------------------------------------------

    def _plan(self, object_type: GraphQLObjectType, details: FieldDetailsList, info: Any) -> _ObjectPlan | None:
        key = (id(object_type), id(details))
        cached = self._plans.get(key)
        if cached is not None:
            return cached[1]
        plan = self._build_plan(object_type, details, info)
        self._plans[key] = (details, plan)  # keeps `details` alive so its id is not reused
        return plan

    def _build_plan(self, object_type: GraphQLObjectType, details: FieldDetailsList, info: Any) -> _ObjectPlan | None:
        grouped, defer_usages, _ = self.collect_subfields(object_type, details)
        if defer_usages:
            return None
        plan = _ObjectPlan(object_type, info)
        for response_name, field_details in grouped.items():
            field_name = field_details[0].node.name.value
            if field_name == "__typename":
                field = _Field(response_name, field_details, object_type)
                type_name = object_type.name
                field.read = lambda source, type_name=type_name: type_name
                field.complete = lambda value, path, position: value
                plan.fields.append(field)
                continue
            field_def = self.schema.get_field(object_type, field_name)
            if field_def is None:
                continue
            field = _Field(response_name, field_details, field_def.type)
            read = self._reader(object_type, field_def, field_details, info)
            complete = None
            if read is not None:
                complete = self._completer(field_def.type, field_details, info, f"{object_type.name}.{field_name}")
            if complete is not None:
                field.read, field.complete = read, complete
                field.path_needed = not is_leaf_type(_nullable(field_def.type))
            plan.fields.append(field)
        return plan

    def _reader(self, parent_type: GraphQLObjectType, field_def: Any, details: FieldDetailsList, info: Any) -> Callable | None:
        """A direct way to resolve the field on a source, or None to let graphql-core do it."""
        definition = (field_def.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
        if definition is None or field_def.args or details[0].node.arguments or definition.extensions:
            return None
        resolver = definition.base_resolver
        if resolver is None:
            default, name = definition.default_resolver, definition.python_name
            return lambda source: default(source, name)
        if resolver.is_async or resolver.arguments or resolver.root_parameter or resolver.parent_parameter:
            return None
        function = resolver.wrapped_func
        if resolver.info_parameter is None:
            return function if resolver.self_parameter else (lambda source: function())
        nodes = [detail.node for detail in details]
        shared = Info(_raw_info=self.build_resolve_info(field_def, nodes, parent_type, info.path), _field=definition)
        keyword = {resolver.info_parameter.name: shared}
        if resolver.self_parameter:
            return lambda source: function(source, **keyword)
        return lambda source: function(**keyword)

    def _completer(self, return_type: GraphQLOutputType, details: FieldDetailsList, info: Any, label: str) -> Complete | None:
        """How to complete a resolved value of `return_type` (of field `label`), or None if graphql-core must."""
        if is_non_null_type(return_type):
            inner = self._completer(return_type.of_type, details, info, label)
            return None if inner is None else _non_null(inner, f"Cannot return null for non-nullable field {label}.")
        if is_leaf_type(return_type):
            return _leaf_completer(return_type, self.complete_leaf_value)
        if is_list_type(return_type):
            item_type = return_type.of_type
            complete_item = self._completer(item_type, details, info, label)
            if complete_item is None:
                return None
            return lambda value, path, position: None if value is None else self._complete_items(
                item_type, details, info, path, value, complete_item, position)
        if is_object_type(return_type):
            plan = self._plan(return_type, details, info)
            if plan is None:
                return None
            complete_object = self._object_completer(plan)
            return lambda value, path, position: None if value is None else complete_object(value, path, position)
        return None  # interfaces and unions: graphql-core resolves the runtime type

    # --- completion ------------------------------------------------------------------------
    #
    # Awaitables met while completing a list (DataLoader futures handed back by synchronous
    # resolvers, async resolvers run by graphql-core, awaitable items) do not get a coroutine
    # and a task each: they are recorded with where their value goes, awaited together once
    # the list's synchronous part is done, and completed in place; what they reveal is
    # awaited in the next round. A failure nulls the nearest nullable position above it,
    # walking the recorded positions the way graphql-core's nested awaits would.

    def _complete_list_entry(self, item_type: GraphQLOutputType, details: FieldDetailsList, info: Any, path: Path,
                             items: Iterable[Any], complete_item: Complete) -> Any:
        outer, self._pending = self._pending, []
        try:
            completed = self._complete_items(item_type, details, info, path, items, complete_item, None)
            pending = self._pending
        finally:
            self._pending = outer
        return self._drain(completed, pending) if pending else completed

    async def _drain(self, result: Any, pending: list[_Deferred]) -> Any:
        while pending:
            values = await gather(*(deferred.awaitable for deferred in pending), return_exceptions=True)
            outer, self._pending = self._pending, []
            try:
                for deferred, value in zip(pending, values, strict=True):
                    self._settle(deferred, value)
                pending = self._pending
            finally:
                self._pending = outer
        return result

    def _settle(self, deferred: _Deferred, value: Any) -> None:
        parent, container, key, _, _, path = deferred.position
        if isinstance(value, BaseException):
            if not isinstance(value, Exception):
                raise value
            # graphql-core already handled an async field's own error; it re-raised for a non-null field.
            self._propagate(value, parent if deferred.complete is None else deferred.position)
            return
        if deferred.complete is None:
            container[key] = value
            return
        if _is_awaitable(value):  # a future that resolved to another future: wait for that too
            self._pending.append(_Deferred(value, deferred.complete, deferred.position))
            return
        try:
            container[key] = deferred.complete(value, path, deferred.position)
        except Exception as error:
            self._propagate(error, deferred.position)

    def _propagate(self, error: Exception, position: Position | None) -> None:
        """Null the nearest nullable position at or above `position`, like nested awaits would."""
        while position is not None:
            parent, container, key, return_type, details, path = position
            try:
                self.handle_field_error(error, return_type, details, path)
            except GraphQLError as located:
                error, position = located, parent
                continue
            container[key] = None
            return
        raise error  # up to the list's own field: graphql-core handles it there

    def _object_completer(self, plan: _ObjectPlan) -> Complete:
        """Completes one object of the plan into a dict; awaitables are deferred (see above)."""
        object_type = plan.type
        type_name = object_type.name
        is_type_of = plan.is_type_of
        fields = plan.fields
        is_awaitable = _is_awaitable
        handle_error = self.handle_field_error
        execute_field = self.execute_field

        def complete(source: Any, path: Path, position: Position | None) -> Any:
            if is_type_of is not None and not is_type_of(source, plan.info):
                raise TypeError(f"Expected value of type '{type_name}' but got: {type(source).__name__}.")
            results: dict[str, Any] = {}
            for field in fields:
                name = field.name
                read = field.read
                if read is None:
                    value = execute_field(object_type, source, field.details, Path(path, name, type_name), None)
                    if value is Undefined:
                        continue
                    if is_awaitable(value):
                        self._pending.append(_Deferred(value, None, (position, results, name, None, None, None)))
                        value = None
                    results[name] = value
                    continue
                field_path = Path(path, name, type_name) if field.path_needed else None
                try:
                    resolved = read(source)
                    if is_awaitable(resolved):
                        here = (position, results, name, field.return_type, field.details, field_path or Path(path, name, type_name))
                        self._pending.append(_Deferred(resolved, field.complete, here))
                        value = None
                    elif field_path is None:
                        value = field.complete(resolved, None, None)
                    else:
                        value = field.complete(resolved, field_path, (position, results, name, field.return_type, field.details, field_path))
                except Exception as error:
                    handle_error(error, field.return_type, field.details, field_path or Path(path, name, type_name))
                    value = None
                results[name] = value
            return results

        return complete

    def _complete_items(self, item_type: GraphQLOutputType, details: FieldDetailsList, info: Any, path: Path,
                        items: Iterable[Any], complete_item: Complete, position: Position | None) -> list[Any]:
        is_awaitable = _is_awaitable
        completed: list[Any] = []
        for index, item in enumerate(items):
            item_path = path.add_key(index, None)
            here = (position, completed, index, item_type, details, item_path)
            if is_awaitable(item):
                completed.append(None)
                self._pending.append(_Deferred(item, complete_item, here))
                continue
            try:
                value = complete_item(item, item_path, here)
            except Exception as error:
                self.handle_field_error(error, item_type, details, item_path)
                value = None
            completed.append(value)
        return completed


# Where a value goes: (parent position, container, key, its type, its field details, its path).
Position = tuple[Any, Any, Any, Any, Any, Any]


class _Deferred:
    __slots__ = ("awaitable", "complete", "position")

    def __init__(self, awaitable: Any, complete: Complete | None, position: Position) -> None:
        self.awaitable = awaitable
        self.complete = complete  # None: graphql-core completes it (an async field)
        self.position = position


def _non_null(inner: Complete, message: str) -> Complete:
    def complete(value: Any, path: Path, position: Any) -> Any:
        completed = inner(value, path, position)
        if completed is None:
            raise TypeError(message)
        return completed

    return complete


def _leaf_completer(leaf_type: Any, complete_leaf: Callable[[Any, Any], Any]) -> Complete:
    if leaf_type.coerce_output_value is GraphQLString.coerce_output_value:
        # The common case, without a call: a str is its own String output.
        return lambda value, path, position: None if value is None else (
            value if type(value) is str else complete_leaf(leaf_type, value))
    return lambda value, path, position: None if value is None else complete_leaf(leaf_type, value)


_AWAITABLE_TYPES: dict[type, bool] = {}


def _is_awaitable(value: Any) -> bool:
    """Asked of every value a planned field reads, so decided once per type: an instance
    check would go through pydantic's `__getattr__` on every SQLModel row."""
    kind = type(value)
    known = _AWAITABLE_TYPES.get(kind)
    if known is None:
        if kind is GeneratorType:  # a generator-based coroutine is awaitable by its flags, not its type
            return inspect.isawaitable(value)
        known = _AWAITABLE_TYPES[kind] = hasattr(kind, "__await__")
    return known


def _nullable(type_: GraphQLOutputType) -> GraphQLOutputType:
    return type_.of_type if is_non_null_type(type_) else type_


def _named(type_: GraphQLOutputType) -> GraphQLOutputType:
    while is_non_null_type(type_) or is_list_type(type_):
        type_ = type_.of_type
    return type_
