"""Recognition mutations: recognize, react and unreact, comment and delete a comment.

Each runs in a savepoint (`perform`); afterwards the request's recognition loaders are
reset so the payload shows the state after the change.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from uuid import UUID

import strawberry

from api.graphql.errors import UserError
from api.graphql.ids import require_uuid, uuid_of
from api.graphql.mutation import perform
from api.org.types import Ctx
from api.recognition.types import (
    RecognitionCommentType,
    RecognitionKindType,
    RecognitionType,
    RecognitionVisibilityType,
)
from domain.recognition import recognitions
from domain.recognition.models import RecognitionKind, RecognitionVisibility
from domain.recognition.recognitions import NewRecognition

T = TypeVar("T")
_NOTHING = UUID(int=0)  # a malformed ID in a list: the domain reports it as not found, at its index


@strawberry.input
class RecognizeInput:
    recipient_ids: list[strawberry.ID] = strawberry.field(description="1 to 20 active colleagues; never yourself.")
    message: str = strawberry.field(description="1 to 2,000 characters.")
    competency_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Active competencies (at most 10); each counts as weak evidence."
    )
    value_tags: list[str] = strawberry.field(
        default_factory=list,
        description="At most 5, normalized: \"#Customer Focus\" becomes \"customer-focus\" (1 to 30 characters).",
    )
    kind: RecognitionKindType = RecognitionKind.KUDOS
    visibility: RecognitionVisibilityType = RecognitionVisibility.PUBLIC


@strawberry.input
class ReactInput:
    recognition_id: strawberry.ID
    emoji: str = strawberry.field(description="One of `recognitionEmojis`.")


@strawberry.input
class CommentInput:
    recognition_id: strawberry.ID
    body: str = strawberry.field(description="1 to 1,000 characters.")


@strawberry.input
class DeleteCommentInput:
    id: strawberry.ID


@strawberry.type
class RecognitionPayload:
    recognition: RecognitionType | None
    errors: list[UserError]


@strawberry.type
class CommentPayload:
    comment: RecognitionCommentType | None
    recognition: RecognitionType | None
    errors: list[UserError]


@strawberry.type
class DeleteCommentPayload:
    deleted_comment_id: strawberry.ID | None
    recognition: RecognitionType | None
    errors: list[UserError]


def _ids(values: list[str], type_name: str) -> list[UUID]:
    return [uuid_of(value, type_name) or _NOTHING for value in values]


async def _fresh(info: Ctx, work: Callable[[Any, Any], Awaitable[T]]) -> tuple[T | None, list[UserError]]:
    result, errors = await perform(info.context, work)
    info.context.recognition.reset()
    return result, errors


@strawberry.type
class RecognitionMutations:
    @strawberry.mutation(description="Recognizes colleagues: PUBLIC ones appear in the tenant's feed at once.")
    async def recognize(self, info: Ctx, input: RecognizeInput) -> RecognitionPayload:
        async def work(session, actor):
            data = NewRecognition(
                recipient_ids=_ids(input.recipient_ids, "Employee"),
                message=input.message,
                competency_ids=_ids(input.competency_ids, "Competency"),
                value_tags=list(input.value_tags),
                kind=input.kind,
                visibility=input.visibility,
            )
            return await recognitions.recognize(session, actor, data)

        recognition, errors = await _fresh(info, work)
        return RecognitionPayload(recognition=recognition, errors=errors)

    @strawberry.mutation(description="One reaction of each emoji per person, on recognition you can see.")
    async def react(self, info: Ctx, input: ReactInput) -> RecognitionPayload:
        async def work(session, actor):
            recognition_id = require_uuid(input.recognition_id, "Recognition", "recognitionId")
            return await recognitions.react(session, actor, recognition_id, input.emoji)

        recognition, errors = await _fresh(info, work)
        return RecognitionPayload(recognition=recognition, errors=errors)

    @strawberry.mutation(description="Takes back your reaction with this emoji.")
    async def unreact(self, info: Ctx, input: ReactInput) -> RecognitionPayload:
        async def work(session, actor):
            recognition_id = require_uuid(input.recognition_id, "Recognition", "recognitionId")
            return await recognitions.unreact(session, actor, recognition_id, input.emoji)

        recognition, errors = await _fresh(info, work)
        return RecognitionPayload(recognition=recognition, errors=errors)

    @strawberry.mutation(description="Comments on recognition you can see.")
    async def comment(self, info: Ctx, input: CommentInput) -> CommentPayload:
        async def work(session, actor):
            recognition_id = require_uuid(input.recognition_id, "Recognition", "recognitionId")
            return await recognitions.comment(session, actor, recognition_id, input.body)

        row, errors = await _fresh(info, work)
        recognition = await info.context.recognition.get(row.recognition_id) if row is not None else None
        return CommentPayload(comment=row, recognition=recognition, errors=errors)

    @strawberry.mutation(description="Deletes a comment: its author, or an HR admin.")
    async def delete_comment(self, info: Ctx, input: DeleteCommentInput) -> DeleteCommentPayload:
        async def work(session, actor):
            return await recognitions.delete_comment(session, actor, require_uuid(input.id, "RecognitionComment", "id"))

        recognition, errors = await _fresh(info, work)
        deleted = input.id if recognition is not None else None
        return DeleteCommentPayload(
            deleted_comment_id=strawberry.ID(deleted) if deleted else None, recognition=recognition, errors=errors
        )
