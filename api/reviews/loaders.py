"""Per-request batching for reviews (see api/org/loaders.py for the pattern).

Reviews reach the request already filtered by who may read them (visible_reviews_by_ids,
reviews_to_write), so the memo of known reviews only holds readable ones. HR's view of
a cycle (progress per kind and department, overdue reviewers, a page of participants)
costs the same number of statements for 100 participants as for 1,000. Mutations call
`reset()`: a payload is never answered from what the request read before the change.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Sequence
from typing import TYPE_CHECKING, TypeVar
from uuid import UUID

from strawberry.dataloader import DataLoader

from api.graphql.loading import ContextLoaders
from domain.reviews import cycles, nominations, queries, templates
from domain.reviews.models import PeerNomination, Review, ReviewCycle, ReviewTemplate
from domain.reviews.questions import questions_for_reviews
from domain.reviews.rules import Question, RatingLevel
from domain.reviews.settings import rating_scale

if TYPE_CHECKING:
    from api.graphql.context import RequestContext

T = TypeVar("T")

NominationKey = tuple[UUID, UUID | None]  # (cycle, subject or None for every visible one)


async def resolved(value: T | Awaitable[T]) -> T:
    return await value if inspect.isawaitable(value) else value


class ReviewLoaders(ContextLoaders):
    def __init__(self, ctx: RequestContext) -> None:
        self._ctx = ctx
        self.reset()

    def reset(self) -> None:
        self.templates: dict[UUID, ReviewTemplate] = {}
        self.cycles: dict[UUID, ReviewCycle] = {}
        self.reviews: dict[UUID, Review] = {}
        self._template_loader = self._loader(templates.templates_by_ids, self.templates)
        self._cycle_loader = self._loader(cycles.cycles_by_ids, self.cycles)
        self._review_loader = self._loader(self._visible_reviews, self.reviews)
        self.sections = self._loader(templates.sections_by_template_ids, None)
        self.section_questions = self._loader(templates.questions_by_section_ids, None)
        self.template_question = self._loader(templates.questions_by_ids, None)
        self.progress = self._loader(queries.cycle_progress, None)
        self.answers = self._loader(queries.answers_by_review_ids, None)
        self.questions: DataLoader[UUID, list[Question]] = self._loader(self._questions, None)
        self.nominations: DataLoader[NominationKey, list[PeerNomination]] = DataLoader(load_fn=self._nominations)
        self._rating_scale = self._loader(self._fetch_rating_scale, None)


    async def _visible_reviews(self, session, ids: Sequence[UUID]) -> dict[UUID, Review]:
        return await queries.visible_reviews_by_ids(session, self._ctx.actor, ids)

    async def _questions(self, session, ids: Sequence[UUID]) -> dict[UUID, list[Question]]:
        """For reviews a resolver already holds (so the actor may read them); their cycles in one statement."""
        missing = [i for i in ids if i not in self.reviews]
        if missing:  # a review handed to the type without priming (another context's resolver)
            self.reviews.update(await queries.reviews_by_ids(session, missing))
        reviews = [self.reviews[i] for i in ids if i in self.reviews]
        known = await cycles.cycles_by_ids(session, list({r.cycle_id for r in reviews}))
        return await questions_for_reviews(session, reviews, known)

    async def _nominations(self, keys: list[NominationKey]) -> list[list[PeerNomination]]:
        found: list[list[PeerNomination]] = []
        for cycle_id, subject_id in keys:
            found.append(await self._ctx.run(nominations.nominations_of, self._ctx.actor, cycle_id, subject_id))
        return found

    @staticmethod
    async def _fetch_rating_scale(session, keys: Sequence[str]) -> dict[str, list[RatingLevel]]:
        return dict.fromkeys(keys, await rating_scale(session))

    def rating_scale(self) -> Awaitable[list[RatingLevel]]:
        return self._rating_scale.load("scale")

    def prime_reviews(self, rows: Sequence[Review]) -> None:
        """Only ever with reviews the actor may read."""
        for row in rows:
            self.reviews.setdefault(row.id, row)

    def prime_cycles(self, rows: Sequence[ReviewCycle]) -> None:
        for row in rows:
            self.cycles.setdefault(row.id, row)

    def prime_templates(self, rows: Sequence[ReviewTemplate]) -> None:
        for row in rows:
            self.templates.setdefault(row.id, row)

    def template(self, template_id: UUID) -> ReviewTemplate | Awaitable[ReviewTemplate | None]:
        known = self.templates.get(template_id)
        return known if known is not None else self._template_loader.load(template_id)

    def cycle(self, cycle_id: UUID) -> ReviewCycle | Awaitable[ReviewCycle | None]:
        known = self.cycles.get(cycle_id)
        return known if known is not None else self._cycle_loader.load(cycle_id)

    def review(self, review_id: UUID) -> Review | Awaitable[Review | None]:
        known = self.reviews.get(review_id)
        return known if known is not None else self._review_loader.load(review_id)

    async def get_template(self, template_id: UUID) -> ReviewTemplate | None:
        return await resolved(self.template(template_id))

    async def get_cycle(self, cycle_id: UUID) -> ReviewCycle | None:
        return await resolved(self.cycle(cycle_id))

    async def get_review(self, review_id: UUID) -> Review | None:
        return await resolved(self.review(review_id))
