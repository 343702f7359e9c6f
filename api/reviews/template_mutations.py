"""Review template mutations: create, and change (questions only while no launched cycle uses it)."""

from __future__ import annotations

import strawberry

from api.graphql.errors import UserError
from api.graphql.ids import require_uuid
from api.org.types import Ctx
from api.reviews.mutating import id_or_nothing, perform_fresh
from api.reviews.types import QuestionKindType, ReviewerKindType, ReviewTemplateType
from domain.reviews import templates
from domain.reviews.rules import QuestionSpec, SectionSpec
from domain.reviews.templates import NewTemplate


@strawberry.input
class TemplateQuestionInput:
    kind: QuestionKindType
    prompt: str
    reviewer_kinds: list[ReviewerKindType] = strawberry.field(description="Who answers it.")
    required: bool = True
    competency_id: strawberry.ID | None = strawberry.field(default=None, description="For RATING_COMPETENCY only.")


@strawberry.input
class TemplateSectionInput:
    title: str
    questions: list[TemplateQuestionInput]
    description: str | None = None


@strawberry.input
class CreateReviewTemplateInput:
    name: str
    sections: list[TemplateSectionInput]
    description: str | None = None
    include_leadership_for_managers: bool = strawberry.field(
        default=True,
        description="A people-manager's reviews also rate the LEADERSHIP competencies expected at their job level.",
    )


@strawberry.input(description="Fields left out stay as they are.")
class UpdateReviewTemplateInput:
    id: strawberry.ID
    name: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    include_leadership_for_managers: bool | None = strawberry.UNSET
    sections: list[TemplateSectionInput] | None = strawberry.field(
        default=strawberry.UNSET, description="Replaces every section and question; refused once a launched cycle uses it."
    )


@strawberry.type
class ReviewTemplatePayload:
    template: ReviewTemplateType | None
    errors: list[UserError]


def _sections(sections: list[TemplateSectionInput]) -> list[SectionSpec]:
    return [
        SectionSpec(
            title=section.title,
            description=section.description,
            questions=[
                QuestionSpec(
                    kind=question.kind,
                    prompt=question.prompt,
                    reviewer_kinds=[kind.value for kind in question.reviewer_kinds],
                    required=question.required,
                    competency_id=id_or_nothing(question.competency_id, "Competency"),
                )
                for question in section.questions
            ],
        )
        for section in sections
    ]


def _changes(input: UpdateReviewTemplateInput) -> dict:
    changes = {
        name: getattr(input, name)
        for name in ("name", "description", "include_leadership_for_managers")
        if getattr(input, name) is not strawberry.UNSET
    }
    if input.sections is not strawberry.UNSET and input.sections is not None:
        changes["sections"] = _sections(input.sections)
    return changes


@strawberry.type
class TemplateMutations:
    @strawberry.mutation(description="HR admins: a template of ordered sections and questions.")
    async def create_review_template(self, info: Ctx, input: CreateReviewTemplateInput) -> ReviewTemplatePayload:
        async def work(session, actor):
            data = NewTemplate(input.name, _sections(input.sections), input.description, input.include_leadership_for_managers)
            return await templates.create_template(session, actor, data)

        template, errors = await perform_fresh(info, work)
        return ReviewTemplatePayload(template=template, errors=errors)

    @strawberry.mutation(description="HR admins. The questions change only while no launched cycle uses the template.")
    async def update_review_template(self, info: Ctx, input: UpdateReviewTemplateInput) -> ReviewTemplatePayload:
        async def work(session, actor):
            template_id = require_uuid(input.id, "ReviewTemplate", "id")
            return await templates.update_template(session, actor, template_id, _changes(input))

        template, errors = await perform_fresh(info, work)
        return ReviewTemplatePayload(template=template, errors=errors)
