"""Pure org rules and policy: no database, examples plus hypothesis properties."""

from __future__ import annotations

import re
import unicodedata
import uuid
from datetime import date, timedelta
from itertools import chain, combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.actor import Actor
from domain.errors import DomainError, ErrorCode
from domain.org import policy
from domain.org.models import Role
from domain.org.rules import (
    EMAIL_MAX,
    NAME_MAX,
    check_date_order,
    clean_email,
    clean_slug,
    clean_text,
    creates_cycle,
    duplicates,
    email_key,
    find_cycles,
)

FAST = settings(max_examples=200, deadline=None)
TENANT = uuid.uuid4()


def _error(call, *args, **kwargs) -> tuple[ErrorCode, list[str] | None]:
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    return caught.value.code, caught.value.field


# --- hierarchy cycles --------------------------------------------------------------------


@st.composite
def forests(draw) -> dict[int, int | None]:
    """A parent mapping without cycles: each node's parent comes earlier in a random order."""
    size = draw(st.integers(1, 25))
    order = draw(st.permutations(range(size)))
    parent_of: dict[int, int | None] = {}
    for position, node in enumerate(order):
        parent_of[node] = draw(st.one_of(st.none(), st.sampled_from(order[:position]))) if position else None
    return parent_of


def _descendants(parent_of: dict[int, int | None], node: int) -> set[int]:
    """Top-down through a children map, so it shares nothing with the bottom-up code under test."""
    children: dict[int, list[int]] = {}
    for child, parent in parent_of.items():
        if parent is not None:
            children.setdefault(parent, []).append(child)
    found, frontier = set(), [node]
    while frontier:
        for child in children.get(frontier.pop(), []):
            found.add(child)
            frontier.append(child)
    return found


@FAST
@given(forests(), st.data())
def test_hanging_a_node_under_its_own_descendant_is_a_cycle_and_elsewhere_is_not(parent_of, data):
    node = data.draw(st.sampled_from(sorted(parent_of)))
    new_parent = data.draw(st.sampled_from(sorted(parent_of)))
    expected = new_parent == node or new_parent in _descendants(parent_of, node)
    assert creates_cycle(node, new_parent, parent_of.get) is expected


@FAST
@given(forests(), st.data())
def test_becoming_a_root_never_creates_a_cycle(parent_of, data):
    node = data.draw(st.sampled_from(sorted(parent_of)))
    assert creates_cycle(node, None, parent_of.get) is False


def test_cycle_examples():
    chain_of = {"ceo": None, "vp": "ceo", "lead": "vp", "dev": "lead"}.get
    assert creates_cycle("ceo", "dev", chain_of) is True  # the top under the bottom
    assert creates_cycle("vp", "vp", chain_of) is True  # under oneself
    assert creates_cycle("dev", "ceo", chain_of) is False  # a skip-level move
    assert creates_cycle("new", "dev", chain_of) is False  # not yet in the mapping


def test_an_existing_cycle_elsewhere_does_not_hang_the_check():
    # Corrupt data (a <-> b) reached from the new parent: refuse rather than loop forever.
    broken = {"a": "b", "b": "a", "c": "a", "x": None}.get
    assert creates_cycle("x", "c", broken) is True


def _on_a_cycle(parent_of: dict[int, int | None], key: int) -> bool:
    """Brute force: follow parents for as many steps as there are keys; a cycle comes back."""
    current = parent_of.get(key)
    for _ in range(len(parent_of)):
        if current is None or current not in parent_of:
            return False
        if current == key:
            return True
        current = parent_of[current]
    return False


@FAST
@given(
    st.integers(1, 15).flatmap(
        lambda n: st.dictionaries(st.integers(0, n - 1), st.one_of(st.none(), st.integers(0, n + 2)), min_size=1)
    )
)
def test_find_cycles_reports_exactly_the_keys_on_a_cycle(parent_of):
    # Values may point outside the mapping (n, n+1, n+2): such a row simply ends its chain.
    assert find_cycles(parent_of) == {key for key in parent_of if _on_a_cycle(parent_of, key)}


def test_find_cycles_examples():
    assert find_cycles({}) == set()
    assert find_cycles({"a": None, "b": "a"}) == set()
    assert find_cycles({"a": "a"}) == {"a"}
    # Rows merely leading into a cycle are not on it (a tail listed first is walked first).
    assert find_cycles({"e": "d", "d": "a", "a": "b", "b": "c", "c": "a", "f": None}) == {"a", "b", "c"}
    assert find_cycles({"a": "b", "b": "a", "x": "y", "y": "x", "z": "missing"}) == {"a", "b", "x", "y"}


# --- text, emails, slugs -----------------------------------------------------------------


def test_clean_text_trims_and_names_the_field():
    assert clean_text("  Ada Lovelace \n", "name") == "Ada Lovelace"
    assert clean_text("x" * NAME_MAX, "name") == "x" * NAME_MAX
    assert clean_text(None, "title", required=False) is None
    assert clean_text("   ", "title", required=False) is None


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (None, ErrorCode.REQUIRED),
        ("", ErrorCode.REQUIRED),
        (" \t\n ", ErrorCode.REQUIRED),
        ("x" * (NAME_MAX + 1), ErrorCode.TOO_LONG),
        ("  " + "x" * NAME_MAX + "x  ", ErrorCode.TOO_LONG),
        ("Ann\x00Lee", ErrorCode.INVALID),
        ("Ann\nLee", ErrorCode.INVALID),
        ("Ann\tLee", ErrorCode.INVALID),
        ("Ann\x1b[31mLee", ErrorCode.INVALID),
        ("Ann\x7fLee", ErrorCode.INVALID),  # DEL
        ("Ann\x85Lee", ErrorCode.INVALID),  # a C1 control (NEL)
    ],
)
def test_clean_text_rejects(value, code):
    assert _error(clean_text, value, "name") == (code, ["name"])


def test_trimming_happens_before_the_length_check():
    assert clean_text("   abc   ", "jobLevel", max_length=3) == "abc"
    assert _error(clean_text, "abcd", "jobLevel", max_length=3) == (ErrorCode.TOO_LONG, ["jobLevel"])


@FAST
@given(st.text(max_size=60), st.integers(1, 40), st.booleans())
def test_an_accepted_text_is_trimmed_short_enough_and_free_of_controls(value, max_length, required):
    try:
        cleaned = clean_text(value, "name", required=required, max_length=max_length)
    except DomainError as error:
        assert error.code in {ErrorCode.REQUIRED, ErrorCode.TOO_LONG, ErrorCode.INVALID}
        assert error.field == ["name"]
        if error.code is ErrorCode.REQUIRED:
            assert required and not value.strip()
        return
    if cleaned is None:
        assert not required and not value.strip()
        return
    assert cleaned == cleaned.strip() == value.strip()
    assert 0 < len(cleaned) <= max_length
    assert not any(unicodedata.category(ch) == "Cc" for ch in cleaned)


def test_clean_email_trims_and_keeps_the_case():
    assert clean_email("  Ada.Lovelace+hr@Example.TEST ") == "Ada.Lovelace+hr@Example.TEST"
    assert clean_email("a@b.co") == "a@b.co"
    assert email_key("  Ada@Example.TEST ") == "ada@example.test"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (None, ErrorCode.REQUIRED),
        ("", ErrorCode.REQUIRED),
        ("   ", ErrorCode.REQUIRED),
        ("no-at-sign", ErrorCode.INVALID),
        ("a@b", ErrorCode.INVALID),
        ("a@b.c", ErrorCode.INVALID),
        ("two@@signs.test", ErrorCode.INVALID),
        ("a@b@c.test", ErrorCode.INVALID),
        ("@example.test", ErrorCode.INVALID),
        ("sp ace@example.test", ErrorCode.INVALID),
        ("x" * 65 + "@example.test", ErrorCode.INVALID),
        ("a" * 293 + "@x.test", ErrorCode.INVALID),  # 300 characters
        ("nul\x00@example.test", ErrorCode.INVALID),
        ("del\x7f@example.test", ErrorCode.INVALID),
    ],
)
def test_clean_email_rejects(value, code):
    assert _error(clean_email, value, "adminEmail") == (code, ["adminEmail"])


EMAILISH = st.builds(
    "{}@{}.{}".format,
    st.text(alphabet="aZ.+\x00\x1f\x7f\x85 @", min_size=1, max_size=6),
    st.text(alphabet="b-.\x00\t@", min_size=1, max_size=6),
    st.text(alphabet="cd\x7f.", min_size=1, max_size=4),
)


@FAST
@given(st.one_of(EMAILISH, st.text(alphabet="ab.@ \t\x00\x7fZ-", max_size=30)))
def test_an_accepted_email_is_trimmed_bounded_and_has_one_at_sign(value):
    try:
        cleaned = clean_email(value)
    except DomainError as error:
        assert error.code in {ErrorCode.REQUIRED, ErrorCode.INVALID} and error.field == ["email"]
        return
    assert cleaned == value.strip()
    assert cleaned.count("@") == 1 and len(cleaned) <= EMAIL_MAX
    local, domain = cleaned.split("@")
    assert local and "." in domain and not domain.endswith(".")
    assert not any(ch.isspace() or unicodedata.category(ch) == "Cc" for ch in cleaned)


@pytest.mark.parametrize("slug", ["abc", "acme-corp", "a1b", "x" * 40, "a--b", " padded "])
def test_clean_slug_accepts(slug):
    assert clean_slug(slug) == slug.strip()


@pytest.mark.parametrize(
    "slug", ["AB", "ab", "a" * 41, "has space", "-leading", "trailing-", "UPPER", "Acme", "9lives", "under_score", "", None]
)
def test_clean_slug_rejects(slug):
    assert _error(clean_slug, slug) == (ErrorCode.INVALID, ["slug"])


@FAST
@given(st.text(alphabet="abz09-_ A\n", max_size=45))
def test_a_slug_is_accepted_exactly_when_it_has_the_documented_shape(value):
    shape = re.fullmatch(r"[a-z][a-z0-9-]{1,38}[a-z0-9]", value.strip())
    try:
        cleaned = clean_slug(value)
    except DomainError:
        assert shape is None
        return
    assert shape is not None and cleaned == value.strip()


# --- dates -------------------------------------------------------------------------------


def test_dates_in_order_or_missing_are_fine():
    day = date(2024, 5, 1)
    check_date_order(day, day, "terminationDate")
    check_date_order(day, day + timedelta(days=1), "terminationDate")
    check_date_order(None, day, "terminationDate")
    check_date_order(day, None, "terminationDate")


def test_an_end_before_the_start_names_the_field_being_set():
    with pytest.raises(DomainError) as caught:
        check_date_order(date(2024, 5, 1), date(2024, 4, 30), "terminationDate", "hire date")
    assert (caught.value.code, caught.value.field) == (ErrorCode.INVALID, ["terminationDate"])
    assert caught.value.message == "terminationDate must not be before the hire date"


def test_a_start_after_the_end_says_after():
    with pytest.raises(DomainError) as caught:
        check_date_order(date(2025, 1, 1), date(2024, 6, 30), "hireDate", "termination date", field_is_start=True)
    assert (caught.value.field, caught.value.message) == (["hireDate"], "hireDate must not be after the termination date")


@FAST
@given(st.one_of(st.none(), st.dates()), st.one_of(st.none(), st.dates()))
def test_date_order_fails_exactly_when_both_are_set_and_the_end_comes_first(start, end):
    out_of_order = start is not None and end is not None and end < start
    try:
        check_date_order(start, end, "terminationDate")
    except DomainError as error:
        assert out_of_order and error.field == ["terminationDate"]
    else:
        assert not out_of_order


# --- duplicates --------------------------------------------------------------------------


def test_duplicates_examples():
    assert duplicates([]) == set()
    assert duplicates(["a", "b", "c"]) == set()
    assert duplicates(["a", "b", "a", "a", "c", "b"]) == {"a", "b"}
    assert duplicates(email_key(e) for e in ["X@Y.test", "x@y.TEST", "z@y.test"]) == {"x@y.test"}


@FAST
@given(st.lists(st.integers(0, 12), max_size=30))
def test_duplicates_are_exactly_the_values_seen_more_than_once(values):
    assert duplicates(values) == {v for v in values if values.count(v) > 1}
    assert duplicates(iter(values)) == duplicates(values)  # a one-shot iterable works too


# --- policy ------------------------------------------------------------------------------

ROLE_SETS = {
    "employee": frozenset({Role.EMPLOYEE.value}),
    "hr_admin": frozenset({Role.EMPLOYEE.value, Role.HR_ADMIN.value}),
    "tenant_admin_only": frozenset({Role.EMPLOYEE.value, Role.TENANT_ADMIN.value}),
    "tenant_admin": frozenset({Role.EMPLOYEE.value, Role.HR_ADMIN.value, Role.TENANT_ADMIN.value}),
}


def _actor(kind: str, employee_id: uuid.UUID | None = None) -> Actor:
    return Actor(TENANT, employee_id or uuid.uuid4(), ROLE_SETS[kind])


@pytest.mark.parametrize(
    ("kind", "allowed"), [("employee", False), ("hr_admin", True), ("tenant_admin_only", True), ("tenant_admin", True)]
)
def test_hr_and_tenant_admins_manage_the_org(kind, allowed):
    assert policy.can_manage_org(_actor(kind)) is allowed
    if allowed:
        policy.require_org_manager(_actor(kind))
    else:
        assert _error(policy.require_org_manager, _actor(kind)) == (ErrorCode.FORBIDDEN, None)


def test_an_hr_admin_cannot_grant_tenant_admin_but_can_grant_hr_admin():
    hr = _actor("hr_admin")
    assert _error(policy.require_role_assigner, hr, {Role.TENANT_ADMIN.value}) == (ErrorCode.FORBIDDEN, ["roles"])
    assert _error(policy.require_role_assigner, hr, {"EMPLOYEE", "HR_ADMIN", "TENANT_ADMIN"}) == (ErrorCode.FORBIDDEN, ["roles"])
    policy.require_role_assigner(hr, {Role.HR_ADMIN.value})
    policy.require_role_assigner(_actor("tenant_admin"), {Role.TENANT_ADMIN.value})


ALL_GRANTS = [set(c) for c in chain.from_iterable(combinations([r.value for r in Role], k) for k in range(4))]


@pytest.mark.parametrize("kind", sorted(ROLE_SETS))
def test_role_assignment_table(kind):
    actor = _actor(kind)
    for roles in ALL_GRANTS:
        allowed = actor.is_hr_admin and (Role.TENANT_ADMIN.value not in roles or actor.is_tenant_admin)
        if allowed:
            policy.require_role_assigner(actor, roles)
        else:
            code, _ = _error(policy.require_role_assigner, actor, roles)
            assert code is ErrorCode.FORBIDDEN, (kind, roles)


def test_private_profile_is_for_the_person_and_hr_only():
    me, someone = uuid.uuid4(), uuid.uuid4()
    assert policy.can_see_private_profile(_actor("employee", me), me) is True
    assert policy.can_see_private_profile(_actor("employee", me), someone) is False
    for kind in ("hr_admin", "tenant_admin_only", "tenant_admin"):
        assert policy.can_see_private_profile(_actor(kind, me), someone) is True, kind
