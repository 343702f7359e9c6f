"""Planned list completion (api/graphql/execution.py) answers exactly like graphql-core.

A small schema with every kind of field the planner meets (plain attributes, synchronous
resolvers with and without `info`, async resolvers, arguments, nested objects and lists,
interfaces, unions, non-null fields that break, resolvers that raise) runs each document
twice: with strawberry's own execution and with the planned one. Data, error messages and
error paths must be identical.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from enum import Enum
from typing import Annotated

import pytest
import strawberry
from strawberry.types import Info

from api.graphql.execution import PlannedExecutionContext


@dataclass
class PetRow:
    name: str
    legs: int


@dataclass
class PersonRow:
    id: int
    name: str | None
    nickname: str | None = None
    boss: PersonRow | None = None
    pets: list[PetRow] = field(default_factory=list)
    broken: bool = False


@strawberry.interface
class Named:
    name: str


@strawberry.type
class Pet(Named):
    legs: int

    @classmethod
    def is_type_of(cls, obj: object, info: object) -> bool:
        return isinstance(obj, PetRow)


@dataclass
class StoneRow:
    weight: int


@strawberry.type
class Stone:
    weight: int

    @classmethod
    def is_type_of(cls, obj: object, info: object) -> bool:
        return isinstance(obj, StoneRow)


@strawberry.enum
class Mood(Enum):
    CALM = "calm"
    GRUMPY = "grumpy"


@strawberry.type
class Person:
    nickname: str | None

    @classmethod
    def is_type_of(cls, obj: object, info: object) -> bool:
        return isinstance(obj, PersonRow)

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(f"P{self.id}")

    @strawberry.field
    def name(self) -> str:  # non-null, but some rows have no name
        return self.name

    @strawberry.field
    def shout(self, info: Info) -> str:
        return f"{self.name or '?'}!{info.context['suffix']}"

    @strawberry.field
    def mood(self) -> Mood:
        return Mood.GRUMPY if self.broken else Mood.CALM

    @strawberry.field
    def tags(self) -> list[str] | None:
        return None if self.name is None else [self.name.lower(), "person"]

    @strawberry.field
    def boss(self) -> Person | None:
        return self.boss

    @strawberry.field
    def pets(self) -> list[Pet]:
        return self.pets

    @strawberry.field
    def strict_pets(self) -> list[Pet | None]:
        return [None if pet.legs == 0 else pet for pet in self.pets]

    @strawberry.field
    def explode(self) -> str | None:
        if self.broken:
            raise ValueError(f"person {self.id} is broken")
        return "fine"

    @strawberry.field
    def must(self) -> str:
        if self.broken:
            raise ValueError(f"person {self.id} must not break")
        return "ok"

    @strawberry.field
    async def later(self) -> int:
        await asyncio.sleep(0)
        if self.broken:
            raise ValueError(f"person {self.id} is late")
        return self.id * 10

    @strawberry.field
    async def later_boss(self) -> Person | None:
        await asyncio.sleep(0)
        return self.boss

    @strawberry.field
    def boss_soon(self) -> Person | None:
        """Synchronous, but hands back an awaitable (as a DataLoader's load does)."""

        async def soon() -> PersonRow | None:
            if self.broken:
                raise ValueError(f"person {self.id} has no boss soon")
            return self.boss

        return soon()  # type: ignore[return-value]

    @strawberry.field
    def boss_soon_strict(self) -> Person:
        """Non-null, synchronous, awaitable, and null for people without a boss."""

        async def soon() -> PersonRow | None:
            return self.boss

        return soon()  # type: ignore[return-value]

    @strawberry.field
    def broken_boss(self) -> Person | None:
        return PersonRow(100 + self.id, f"Broken {self.id}", boss=self.boss, broken=True)

    @strawberry.field
    def greet(self, greeting: str = "hi") -> str:
        return f"{greeting} {self.name}"

    @strawberry.field
    def friend(self) -> Named | None:
        return self.pets[0] if self.pets else None

    @strawberry.field
    def buddy(self) -> Annotated[Pet | Stone, strawberry.union("Buddy")] | None:
        return self.pets[-1] if self.pets else StoneRow(self.id)


def _people() -> list[PersonRow]:
    boss = PersonRow(1, "Ada", pets=[PetRow("Rex", 4)])
    return [
        boss,
        PersonRow(2, "Bo", "bobo", boss, [PetRow("Tweety", 2), PetRow("Snake", 0)]),
        PersonRow(3, None, None, boss),  # name is null: Person.name is non-null
        PersonRow(4, "Cy", None, None, [], broken=True),
    ]


@strawberry.type
class Query:
    @strawberry.field
    def people(self) -> list[Person]:
        return _people()

    @strawberry.field
    def strict_people(self) -> list[Person]:
        return [p for p in _people() if p.name is not None]

    @strawberry.field
    def nullable_people(self) -> list[Person | None] | None:
        return [*_people(), None]

    @strawberry.field
    async def async_people(self) -> list[Person]:
        return _people()

    @strawberry.field
    def awaitable_items(self) -> list[Person | None]:
        async def one(row: PersonRow) -> PersonRow:
            return row

        return [one(row) for row in _people()]  # type: ignore[misc]


def _schemas() -> tuple[strawberry.Schema, strawberry.Schema]:
    return (strawberry.Schema(query=Query), strawberry.Schema(query=Query, execution_context_class=PlannedExecutionContext))


DOCUMENTS = {
    "plain": "{ strictPeople { id nickname mood tags shout boss { id nickname } pets { name legs } } }",
    "null in a non-null field nulls the item's parent": "{ people { id name } }",
    "nullable list items": "{ nullablePeople { id tags nickname } nameless: nullablePeople { name } }",
    "raising resolvers": "{ nullablePeople { id explode must } }",
    "async fields inside planned items": "{ strictPeople { id later laterBoss { id later pets { name } } } }",
    "async field that raises (non-null)": "{ nullablePeople { id later } }",
    "synchronous resolvers returning awaitables": "{ nullablePeople { id bossSoon { id name bossSoon { id } } } }",
    "awaitable null in a non-null field": "{ nullablePeople { id bossSoonStrict { id name } } }",
    "failures deep inside deferred objects": "{ strictPeople { id brokenBoss { id later must bossSoonStrict { id } } } }",
    "deferred failures under non-null items": "{ strictPeople { id bossSoonStrict { id bossSoon { id } } } }",
    "arguments go through graphql-core": '{ strictPeople { greet greet2: greet(greeting: "yo") } }',
    "aliases, typename, fragments, directives": """
        query($no: Boolean = false) {
          strictPeople { __typename key: id ...F  nickname @include(if: $no) boss @skip(if: $no) { ... on Person { id } } }
        }
        fragment F on Person { pets { __typename n: name } }""",
    "interfaces and unions": "{ strictPeople { friend { __typename name ... on Pet { legs } } buddy { __typename ... on Pet { name } ... on Stone { weight } } } }",
    "null item in a list of nullable items": "{ strictPeople { strictPets { name } } }",
    "list under an async root": "{ asyncPeople { id shout pets { name } } }",
    "awaitable list items": "{ awaitableItems { id later } }",
}


@pytest.mark.parametrize("name", DOCUMENTS)
async def test_planned_execution_answers_like_graphql_core(name: str) -> None:
    reference, planned = _schemas()
    document = DOCUMENTS[name]
    expected = await reference.execute(document, context_value={"suffix": "?"})
    actual = await planned.execute(document, context_value={"suffix": "?"})
    assert actual.data == expected.data
    assert _errors(actual) == _errors(expected)


async def test_the_planner_runs_on_lists_of_objects() -> None:
    """Proof that the comparison above exercises the planner, not graphql-core twice."""
    seen = []

    class Spy(PlannedExecutionContext):
        def _object_completer(self, plan):  # noqa: ANN001, ANN202
            seen.append(plan.type.name)
            return super()._object_completer(plan)

    schema = strawberry.Schema(query=Query, execution_context_class=Spy)
    result = await schema.execute("{ strictPeople { id boss { id } pets { name } } }", context_value={"suffix": ""})
    assert result.errors is None
    assert {"Person", "Pet"} <= set(seen)


def _errors(result) -> list[tuple[str, list | None]]:  # noqa: ANN001
    return sorted((error.message, error.path) for error in result.errors or [])
