"""Compensation queries and mutations."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

import strawberry

from api.compensation.types import (
    BonusFormulaType,
    BonusProposalType,
    BonusRecommendationType,
    CompensationCycleType,
    FormulaPreviewLineType,
    FormulaPreviewType,
    formula_type,
    recommendation_type,
)
from api.graphql.errors import UserError
from api.graphql.ids import require_uuid, uuid_of
from api.graphql.mutation import perform
from api.org.types import Ctx
from domain.compensation import cycles, formulas, proposals
from domain.compensation.cycles import CycleSpec
from domain.compensation.formulas import require_hr
from domain.compensation.rules import Band
from domain.errors import DomainError, ErrorCode, NotFound


@strawberry.input
class RatingMultiplierInput:
    rating: int
    multiplier: str = strawberry.field(description="A decimal string, e.g. \"1.25\".")


@strawberry.input
class LeadershipBandInput:
    min_score: str
    multiplier: str


@strawberry.input
class BonusFormulaInput:
    rating_multipliers: list[RatingMultiplierInput]
    leadership_bands: list[LeadershipBandInput] = strawberry.field(default_factory=list)


def _decimal(text: str, field: list[str]) -> Decimal:
    try:
        return Decimal(text.strip())
    except (InvalidOperation, AttributeError):
        raise DomainError(ErrorCode.INVALID, "A decimal number such as 1.25", field) from None


def _formula_parts(formula: BonusFormulaInput, prefix: list[str]):
    multipliers = {m.rating: _decimal(m.multiplier, [*prefix, "ratingMultipliers", str(i), "multiplier"])
                   for i, m in enumerate(formula.rating_multipliers)}
    bands = [Band(_decimal(b.min_score, [*prefix, "leadershipBands", str(i), "minScore"]),
                  _decimal(b.multiplier, [*prefix, "leadershipBands", str(i), "multiplier"]))
             for i, b in enumerate(formula.leadership_bands)]
    return multipliers, bands


def _level(value: str, index: int):
    raw = uuid_of(value, "JobLevel")
    if raw is None:
        raise NotFound("JobLevel", ["jobLevelIds", str(index)])
    return raw


@strawberry.input
class PreviewFormulaInput:
    cycle_id: strawberry.ID
    formula: BonusFormulaInput


@strawberry.type
class CompensationQuery:
    @strawberry.field(description="Null when missing or not visible to you (HR admins and people-managers see cycles).")
    async def compensation_cycle(self, info: Ctx, id: strawberry.ID) -> CompensationCycleType | None:
        ctx = info.context
        raw = uuid_of(id, "CompensationCycle")
        if raw is None:
            return None
        try:
            return await ctx.run(cycles.get_cycle, ctx.actor, raw)
        except NotFound:
            return None

    @strawberry.field(description="Newest first; empty unless you are an HR admin or a people-manager.")
    async def compensation_cycles(self, info: Ctx) -> list[CompensationCycleType]:
        return await info.context.run(cycles.list_cycles, info.context.actor)

    @strawberry.field(description="The current bonus formula (HR admins; null for others or before one is saved).")
    async def bonus_formula(self, info: Ctx) -> BonusFormulaType | None:
        if not info.context.actor.is_hr_admin:
            return None
        found = await info.context.run(formulas.current_formula)
        return formula_type(found) if found is not None else None

    @strawberry.field(description="What-if (HR admins): the cycle's recommendations under its formula and under this "
                      "one, per employee and in total. Saves nothing. Null for a cycle that is not found.")
    async def preview_formula(self, info: Ctx, input: PreviewFormulaInput) -> FormulaPreviewType | None:
        ctx = info.context
        raw = uuid_of(input.cycle_id, "CompensationCycle")
        if raw is None:
            return None
        require_hr(ctx.actor)
        multipliers, bands = _formula_parts(input.formula, ["formula"])
        try:
            found = await ctx.run(proposals.preview_formula, ctx.actor, raw, multipliers, bands)
        except NotFound as error:
            if error.field == ["cycleId"]:
                return None
            raise
        return FormulaPreviewType(
            version=found.version, old_total=found.old_total, new_total=found.new_total,
            lines=[FormulaPreviewLineType(employee=line.employee, old=recommendation_type(line.old) if line.old else None,
                                          new=recommendation_type(line.new)) for line in found.lines],
        )

    @strawberry.field(description="Your own bonus in a cycle: only once approved and the cycle is CLOSED, else null.")
    async def my_bonus(self, info: Ctx, cycle_id: strawberry.ID) -> BonusProposalType | None:
        raw = uuid_of(cycle_id, "CompensationCycle")
        return None if raw is None else await info.context.run(proposals.own_bonus, info.context.actor, raw)


@strawberry.input
class CreateCompensationCycleInput:
    name: str
    budget: str = strawberry.field(description="A decimal string in the cycle's currency.")
    currency: str
    hired_before: date | None = None
    job_level_ids: list[strawberry.ID] = strawberry.field(default_factory=list)


@strawberry.type
class CompensationCyclePayload:
    cycle: CompensationCycleType | None
    errors: list[UserError]


@strawberry.input
class AdvanceCompensationCycleInput:
    cycle_id: strawberry.ID


@strawberry.input
class SetBonusFormulaInput:
    formula: BonusFormulaInput


@strawberry.type
class BonusFormulaPayload:
    formula: BonusFormulaType | None
    errors: list[UserError]


@strawberry.input
class SetBonusTargetInput:
    job_level_id: strawberry.ID
    amount: str
    currency: str


@strawberry.type
class BonusTargetPayload:
    amount: str | None
    currency: str | None
    errors: list[UserError]


@strawberry.input
class ProposeBonusInput:
    cycle_id: strawberry.ID
    employee_id: strawberry.ID
    amount: str = strawberry.field(description="A decimal string; rounded half-even to the currency's minor unit.")
    note: str | None = None


@strawberry.type
class ProposeBonusPayload:
    proposal: BonusProposalType | None
    recommendation: BonusRecommendationType | None
    warnings: list[str] = strawberry.field(description="Saved anyway: over budget, or >20% from the recommendation.")
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class ApproveProposalInput:
    proposal_id: strawberry.ID


@strawberry.input
class SendBackProposalInput:
    proposal_id: strawberry.ID
    reason: str


@strawberry.type
class BonusProposalPayload:
    proposal: BonusProposalType | None
    errors: list[UserError]


@strawberry.type
class CompensationMutations:
    @strawberry.mutation(description="HR admins. Starts in DRAFT.")
    async def create_compensation_cycle(self, info: Ctx, input: CreateCompensationCycleInput) -> CompensationCyclePayload:
        async def work(session, actor):
            levels = tuple(_level(value, i) for i, value in enumerate(input.job_level_ids))
            return await cycles.create_cycle(session, actor, CycleSpec(input.name, input.budget, input.currency,
                                                                        input.hired_before, levels))

        cycle, errors = await perform(info.context, work)
        return CompensationCyclePayload(cycle=cycle, errors=errors)

    @strawberry.mutation(description="HR admins: DRAFT -> OPEN (pins the current formula) -> APPROVAL -> CLOSED.")
    async def advance_compensation_cycle(self, info: Ctx, input: AdvanceCompensationCycleInput) -> CompensationCyclePayload:
        async def work(session, actor):
            return await cycles.advance_cycle(session, actor, require_uuid(input.cycle_id, "CompensationCycle", "cycleId"))

        cycle, errors = await perform(info.context, work)
        return CompensationCyclePayload(cycle=cycle, errors=errors)

    @strawberry.mutation(description="HR admins. Saves a new version; open cycles keep the version they pinned.")
    async def set_bonus_formula(self, info: Ctx, input: SetBonusFormulaInput) -> BonusFormulaPayload:
        async def work(session, actor):
            require_hr(actor)
            multipliers, bands = _formula_parts(input.formula, ["formula"])
            return await formulas.save_formula(session, actor, multipliers, bands)

        saved, errors = await perform(info.context, work)
        return BonusFormulaPayload(formula=formula_type(saved) if saved else None, errors=errors)

    @strawberry.mutation(description="HR admins: the target bonus of a job level.")
    async def set_bonus_target(self, info: Ctx, input: SetBonusTargetInput) -> BonusTargetPayload:
        async def work(session, actor):
            level = require_uuid(input.job_level_id, "JobLevel", "jobLevelId")
            return await formulas.set_bonus_target(session, actor, level, input.amount, input.currency)

        target, errors = await perform(info.context, work)
        return BonusTargetPayload(amount=str(target.amount) if target else None,
                                  currency=target.currency if target else None, errors=errors)

    @strawberry.mutation(description="A manager (direct or indirect) proposes a report's bonus; warnings do not block.")
    async def propose_bonus(self, info: Ctx, input: ProposeBonusInput) -> ProposeBonusPayload:
        async def work(session, actor):
            cycle = require_uuid(input.cycle_id, "CompensationCycle", "cycleId")
            employee = require_uuid(input.employee_id, "Employee", "employeeId")
            return await proposals.propose_bonus(session, actor, cycle, employee, input.amount, input.note)

        made, errors = await perform(info.context, work)
        if made is None:
            return ProposeBonusPayload(proposal=None, recommendation=None, warnings=[], errors=errors)
        return ProposeBonusPayload(proposal=made.proposal, recommendation=recommendation_type(made.recommendation),
                                   warnings=made.warnings, errors=[])

    @strawberry.mutation(description="HR admins.")
    async def approve_proposal(self, info: Ctx, input: ApproveProposalInput) -> BonusProposalPayload:
        async def work(session, actor):
            return await proposals.approve_proposal(session, actor, require_uuid(input.proposal_id, "BonusProposal", "proposalId"))

        found, errors = await perform(info.context, work)
        return BonusProposalPayload(proposal=found, errors=errors)

    @strawberry.mutation(description="HR admins, with a reason; the manager may propose again.")
    async def send_back_proposal(self, info: Ctx, input: SendBackProposalInput) -> BonusProposalPayload:
        async def work(session, actor):
            raw = require_uuid(input.proposal_id, "BonusProposal", "proposalId")
            return await proposals.send_back_proposal(session, actor, raw, input.reason)

        found, errors = await perform(info.context, work)
        return BonusProposalPayload(proposal=found, errors=errors)
