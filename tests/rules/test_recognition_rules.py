"""Pure recognition rules: recipients, messages, value tags, emojis, the evidence window,
and who sees a recognition or may delete a comment."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.actor import Actor
from domain.errors import DomainError, ErrorCode
from domain.org.models import Role
from domain.recognition import policy, rules


def _error(call, *args) -> tuple[ErrorCode, list[str] | None]:
    with pytest.raises(DomainError) as caught:
        call(*args)
    return caught.value.code, caught.value.field


def _actor(employee_id: uuid.UUID | None = None, *roles: Role) -> Actor:
    return Actor(uuid.uuid4(), employee_id or uuid.uuid4(), frozenset({Role.EMPLOYEE, *roles}))


# --- recipients -----------------------------------------------------------------------------


def test_nobody_recognizes_themselves_and_the_error_names_the_index():
    me, other = uuid.uuid4(), uuid.uuid4()
    assert _error(rules.check_recipients, me, [other, me]) == (ErrorCode.INVALID, ["recipientIds", "1"])


def test_recipients_are_one_to_twenty_distinct_people_in_the_order_given():
    me = uuid.uuid4()
    people = [uuid.uuid4() for _ in range(21)]
    assert _error(rules.check_recipients, me, []) == (ErrorCode.REQUIRED, ["recipientIds"])
    assert _error(rules.check_recipients, me, people) == (ErrorCode.INVALID, ["recipientIds"])
    # Twenty distinct, each named twice, is still twenty people.
    assert rules.check_recipients(me, people[:20] * 2) == people[:20]
    assert rules.check_recipients(me, [people[1], people[0], people[1]]) == [people[1], people[0]]


def test_at_most_ten_distinct_competencies():
    ids = [uuid.uuid4() for _ in range(11)]
    assert rules.check_competency_count(ids[:10] + ids[:3]) == ids[:10]
    assert _error(rules.check_competency_count, ids) == (ErrorCode.INVALID, ["competencyIds"])


# --- text -----------------------------------------------------------------------------------


def test_a_message_is_trimmed_and_1_to_2000_characters():
    assert rules.clean_message("  Well done  ") == "Well done"
    assert rules.clean_message("x" * 2000) == "x" * 2000
    assert _error(rules.clean_message, "x" * 2001) == (ErrorCode.TOO_LONG, ["message"])
    assert _error(rules.clean_message, "   ") == (ErrorCode.REQUIRED, ["message"])
    assert _error(rules.clean_message, "bell\x07") == (ErrorCode.INVALID, ["message"])


def test_a_comment_body_is_1_to_1000_characters():
    assert rules.clean_comment("x" * 1000) == "x" * 1000
    assert _error(rules.clean_comment, "x" * 1001) == (ErrorCode.TOO_LONG, ["body"])
    assert _error(rules.clean_comment, "") == (ErrorCode.REQUIRED, ["body"])


# --- value tags -----------------------------------------------------------------------------


def test_value_tags_are_normalized_and_deduplicated_after_normalizing():
    assert rules.clean_value_tags(["#Customer Focus", "  OWNERSHIP ", "ownership", "Dünya_1"]) == [
        "customer-focus", "ownership", "dünya_1",
    ]


@pytest.mark.parametrize(
    ("tags", "error"),
    [
        (["ok", "  "], (ErrorCode.REQUIRED, ["valueTags", "1"])),
        (["#"], (ErrorCode.REQUIRED, ["valueTags", "0"])),
        (["x" * 31], (ErrorCode.TOO_LONG, ["valueTags", "0"])),
        (["a/b"], (ErrorCode.INVALID, ["valueTags", "0"])),
        (["tab\there"], (ErrorCode.INVALID, ["valueTags", "0"])),
        (["a", "b", "c", "d", "e", "f"], (ErrorCode.INVALID, ["valueTags"])),
    ],
)
def test_bad_value_tags_name_the_tag(tags, error):
    assert _error(rules.clean_value_tags, tags) == error


def test_five_tags_and_thirty_characters_are_allowed():
    tags = ["a", "b", "c", "d", "x" * 30]
    assert rules.clean_value_tags(tags + ["A"]) == tags  # "A" is "a" again


@given(st.text(alphabet=st.characters(categories=["Ll", "Lu", "Nd", "Zs"]) | st.sampled_from("#-_"), max_size=40))
def test_normalizing_a_tag_twice_changes_nothing(raw):
    try:
        once = rules.normalize_tag(raw, 0)
    except DomainError:
        return
    assert rules.normalize_tag(once, 0) == once
    assert once == once.lower() and " " not in once and 1 <= len(once) <= rules.VALUE_TAG_MAX


# --- emojis ---------------------------------------------------------------------------------


def test_only_the_offered_emojis_are_accepted_with_or_without_a_variation_selector():
    assert rules.clean_emoji("👏") == "👏"
    assert rules.clean_emoji(" 🎉\ufe0f ") == "🎉"
    for bad in ("💩", "", None, ":clap:", "👏👏"):
        assert _error(rules.clean_emoji, bad) == (ErrorCode.INVALID, ["emoji"])


# --- evidence window ------------------------------------------------------------------------


def test_the_evidence_window_is_twelve_months():
    assert rules.evidence_since(date(2026, 6, 1)) == date(2025, 6, 1)
    assert rules.evidence_since(date(2028, 2, 29)) == date(2027, 2, 28)


def test_the_explanation_says_how_often_and_that_the_level_is_untouched():
    since = date(2025, 6, 1)
    assert rules.explain_evidence(0, "Coaching", since) == "No recognition tagged Coaching since 2025-06-01."
    once = rules.explain_evidence(1, "Coaching", since)
    assert once.startswith("Recognized once for Coaching since 2025-06-01.")
    assert "never changes the current level" in once
    assert rules.explain_evidence(3, "Coaching", since).startswith("Recognized 3 times")


# --- policy ---------------------------------------------------------------------------------


def test_a_private_recognition_is_seen_by_giver_recipients_and_their_managers_only():
    giver, recipient, manager, peer = (uuid.uuid4() for _ in range(4))

    def sees(actor: Actor, visibility: str = "PRIVATE") -> bool:
        return policy.can_see(actor, visibility, giver, [recipient], [manager])

    assert sees(_actor(giver)) and sees(_actor(recipient)) and sees(_actor(manager))
    assert not sees(_actor(peer))
    assert not sees(_actor(peer, Role.HR_ADMIN)) and not sees(_actor(peer, Role.TENANT_ADMIN))
    assert sees(_actor(peer), "PUBLIC")


def test_a_comment_is_deleted_by_its_author_or_an_hr_admin():
    author = uuid.uuid4()
    assert policy.can_delete_comment(_actor(author), author)
    assert policy.can_delete_comment(_actor(None, Role.HR_ADMIN), author)
    assert policy.can_delete_comment(_actor(None, Role.TENANT_ADMIN), author)
    assert not policy.can_delete_comment(_actor(), author)


# --- who a notification is for ------------------------------------------------------------


def test_a_subscriber_gets_public_recognition_once_and_private_only_when_named():
    from domain.recognition.events import RECOGNITION_POSTED, is_for
    from tenants.notify import Notification

    tenant, me, other = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()

    def note(recipient: uuid.UUID | None, visibility: str, in_tenant: uuid.UUID = tenant) -> Notification:
        payload = {"tenant_id": str(in_tenant), "object_id": str(uuid.uuid4()), "visibility": visibility,
                   "recipient_id": None if recipient is None else str(recipient)}
        return Notification(RECOGNITION_POSTED, payload)

    feed = [note(None, "PUBLIC"), note(me, "PUBLIC"), note(other, "PUBLIC"), note(me, "PRIVATE"),
            note(other, "PRIVATE"), note(None, "PUBLIC", uuid.uuid4())]
    assert [is_for(n, tenant, me, only_mine=False) for n in feed] == [True, False, False, True, False, False]
    assert [is_for(n, tenant, me, only_mine=True) for n in feed] == [False, True, False, True, False, False]
