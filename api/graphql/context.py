"""Per-request context: the principal, the tenant transaction, the batching loaders."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.principal import Principal
from domain.actor import Actor
from domain.errors import DomainError, ErrorCode

if TYPE_CHECKING:
    from api.competencies.loaders import CompetencyLoaders
    from api.development.plan_loaders import PlanLoaders
    from api.development.program_loaders import ProgramLoaders
    from api.feedback.loaders import FeedbackLoaders
    from api.goals.loaders import GoalLoaders
    from api.insights.leadership_loaders import LeadershipLoaders
    from api.one_on_ones.loaders import OneOnOneLoaders
    from api.org.loaders import OrgLoaders
    from api.recognition.loaders import RecognitionLoaders
    from api.reviews.loaders import ReviewLoaders
    from api.reviews.results_queries import ResultLoaders
    from api.services import Services

P = ParamSpec("P")
T = TypeVar("T")


class Unauthorized(DomainError):
    def __init__(self, message: str = "This needs a signed-in employee of a tenant") -> None:
        super().__init__(ErrorCode.FORBIDDEN, message)


@dataclass
class RequestContext:
    request_id: str
    services: Services
    principal: Principal
    session: AsyncSession | None
    today: date
    # One AsyncSession allows one statement at a time; resolvers and loaders run
    # concurrently, so every use of the session goes through this lock.
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    statements: int = 0

    @property
    def actor(self) -> Actor:
        if self.principal.actor is None:
            raise Unauthorized()
        return self.principal.actor

    @property
    def db(self) -> AsyncSession:
        if self.session is None:
            raise Unauthorized()
        return self.session

    async def run(self, work: Callable[Concatenate[AsyncSession, P], Awaitable[T]], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run one domain read with the request's session, one at a time."""
        session = self.db
        async with self.lock:
            return await work(session, *args, **kwargs)

    @cached_property
    def competencies(self) -> CompetencyLoaders:
        from api.competencies.loaders import CompetencyLoaders

        return CompetencyLoaders(self)

    @cached_property
    def feedback(self) -> FeedbackLoaders:
        from api.feedback.loaders import FeedbackLoaders

        return FeedbackLoaders(self)

    @cached_property
    def leadership(self) -> LeadershipLoaders:
        from api.insights.leadership_loaders import LeadershipLoaders

        return LeadershipLoaders(self)

    @cached_property
    def goals(self) -> GoalLoaders:
        from api.goals.loaders import GoalLoaders

        return GoalLoaders(self)

    @cached_property
    def programs(self) -> ProgramLoaders:
        from api.development.program_loaders import ProgramLoaders

        return ProgramLoaders(self)

    @cached_property
    def org(self) -> OrgLoaders:
        from api.org.loaders import OrgLoaders

        return OrgLoaders(self)

    @cached_property
    def recognition(self) -> RecognitionLoaders:
        from api.recognition.loaders import RecognitionLoaders

        return RecognitionLoaders(self)

    @cached_property
    def one_on_ones(self) -> OneOnOneLoaders:
        from api.one_on_ones.loaders import OneOnOneLoaders

        return OneOnOneLoaders(self)

    @cached_property
    def plans(self) -> PlanLoaders:
        from api.development.plan_loaders import PlanLoaders

        return PlanLoaders(self)

    @cached_property
    def reviews(self) -> ReviewLoaders:
        from api.reviews.loaders import ReviewLoaders

        return ReviewLoaders(self)

    @cached_property
    def review_results(self) -> ResultLoaders:
        from api.reviews.results_queries import ResultLoaders

        return ResultLoaders(self)

    def extra(self) -> dict[str, Any]:
        return {"request_id": self.request_id}
