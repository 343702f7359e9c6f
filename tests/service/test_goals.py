"""Goal services on real PostgreSQL, as the restricted request role.

Each test runs in the `session` fixture's transaction (tenant A, rolled back afterwards).
Refused calls run in a savepoint, as the API runs every mutation, and each negative
case re-reads the rows to show nothing changed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from domain.actor import Actor
from domain.competencies.models import Competency
from domain.competencies.profile import completed_goal_evidence
from domain.errors import DomainError, ErrorCode
from domain.goals import alignment, check_ins, competency_links, goals, key_results, queries
from domain.goals.check_ins import NewCheckIn
from domain.goals.goals import MeasureSpec, NewGoal
from domain.goals.key_results import WeightChange
from domain.goals.models import (
    Confidence,
    Direction,
    Goal,
    GoalCheckIn,
    GoalKind,
    GoalScope,
    GoalStatus,
    KeyResult,
    Visibility,
)
from domain.goals.rules import Health
from domain.org.models import Department, Employee, Role
from domain.pagination import PageRequest
from domain.persistence import session_tenant
from tests.factories import TODAY, hr_admin, make_department, make_employee, plain_employee

D = Decimal
DUE = TODAY + timedelta(days=180)


@dataclass
class Org:
    """company (head: boss) > eng (head: manager); boss > manager > (owner, peer); hr aside."""

    boss: Employee
    manager: Employee
    owner: Employee
    peer: Employee
    hr: Employee
    company: Department
    eng: Department

    def actor(self, who: str, session) -> Actor:
        person = getattr(self, who)
        return hr_admin(session, person.id) if who == "hr" else plain_employee(session, person.id)


@pytest.fixture
async def org(session) -> Org:
    company = await make_department(session, "Company")
    eng = await make_department(session, "Engineering", company)
    boss = await make_employee(session, name="Boss", department=company)
    manager = await make_employee(session, name="Manager", manager=boss, department=eng)
    owner = await make_employee(session, name="Owner", manager=manager, department=eng)
    peer = await make_employee(session, name="Peer", manager=manager, department=eng)
    hr = await make_employee(session, name="HR", roles=[Role.HR_ADMIN])
    company.head_id, eng.head_id = boss.id, manager.id
    await session.flush()
    return Org(boss, manager, owner, peer, hr, company, eng)


def metric(**overrides) -> MeasureSpec:
    values = {"name": "participation", "unit": "%", "baseline": D(40), "relative_change_percent": D(30)}
    return MeasureSpec(**{**values, **overrides})


def kr(name: str, weight: int, **overrides) -> MeasureSpec:
    values = {"name": name, "unit": "calls", "baseline": D(0), "target": D(10), "weight": D(weight)}
    return MeasureSpec(**{**values, **overrides})


async def new_goal(session, actor: Actor, **fields) -> Goal:
    values = {"title": "Grow", "due_date": DUE, "status": GoalStatus.ACTIVE, "metric": metric()}
    values.update(fields)
    if values.get("key_results"):
        values["metric"] = fields.get("metric")
    return await goals.create_goal(session, actor, NewGoal(**values), TODAY)


async def refused(session, work) -> DomainError:
    """Run `work()` in a savepoint, as perform() does, and return the domain error it raised."""
    with pytest.raises(DomainError) as caught:
        async with session.begin_nested():
            await work()
    return caught.value


def code_and_field(error: DomainError) -> tuple[ErrorCode, list[str] | None]:
    return error.code, error.field


async def stored(session, goal: Goal) -> Goal:
    """The row as the database holds it now."""
    await session.refresh(goal)
    return goal


# --- creating goals -------------------------------------------------------------------------


async def test_a_new_goal_defaults_to_a_draft_of_the_actor_visible_to_the_chain(session, org):
    goal = await goals.create_goal(session, org.actor("owner", session), NewGoal(title="  Learn  ", due_date=DUE), TODAY)
    assert (goal.title, goal.owner_id, goal.status, goal.visibility) == ("Learn", org.owner.id, "DRAFT", "MANAGER_CHAIN")
    assert (goal.start_date, goal.kind, goal.scope, goal.created_by) == (TODAY, "PERFORMANCE", "INDIVIDUAL", org.owner.id)
    assert goal.metric_target is None  # a draft may wait for its target


async def test_a_relative_target_is_stored_both_ways(session, org):
    goal = await new_goal(session, org.actor("owner", session))
    goal = await stored(session, goal)
    assert (goal.metric_baseline, goal.metric_target, goal.metric_relative_change_percent) == (D(40), D(52), D(30))
    assert (goal.metric_direction, goal.metric_unit, goal.metric_current) == ("INCREASE", "%", None)


async def test_an_active_goal_needs_a_measurable_target(session, org):
    actor = org.actor("owner", session)
    error = await refused(session, lambda: new_goal(session, actor, metric=None))
    assert code_and_field(error) == (ErrorCode.REQUIRED, ["metric"])
    assert await session.scalar(select(func.count()).select_from(Goal)) == 0


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"title": " "}, (ErrorCode.REQUIRED, ["title"])),
        ({"title": "x" * 201}, (ErrorCode.TOO_LONG, ["title"])),
        ({"due_date": TODAY - timedelta(days=1)}, (ErrorCode.INVALID, ["dueDate"])),
        ({"weight": D("100.5")}, (ErrorCode.INVALID, ["weight"])),
        ({"weight": D(-1)}, (ErrorCode.INVALID, ["weight"])),
        ({"metric": metric(target=D(40), relative_change_percent=None)}, (ErrorCode.INVALID, ["metric", "target"])),
        ({"metric": metric(target=D(30), relative_change_percent=None, direction=Direction.INCREASE)},
         (ErrorCode.INVALID, ["metric", "direction"])),
        ({"metric": metric(unit=" ")}, (ErrorCode.REQUIRED, ["metric", "unit"])),
        ({"metric": metric(target=D(50))}, (ErrorCode.INVALID, ["metric", "target"])),  # 30% of 40 is 52
        ({"key_results": [kr("a", 60), kr("b", 30)]}, (ErrorCode.INVALID, ["keyResults"])),
        ({"key_results": [kr("a", 60), kr("b", 140)]}, (ErrorCode.INVALID, ["keyResults", "1", "weight"])),
        ({"key_results": [kr("a", 100, unit="")]}, (ErrorCode.REQUIRED, ["keyResults", "0", "unit"])),
        ({"key_results": [kr("a", 100)], "metric": metric()}, (ErrorCode.INVALID, ["keyResults"])),
        ({"status": GoalStatus.COMPLETED}, (ErrorCode.INVALID, ["status"])),
        ({"scope": GoalScope.DEPARTMENT}, (ErrorCode.REQUIRED, ["departmentId"])),
        ({"parent_id": uuid.uuid4()}, (ErrorCode.NOT_FOUND, ["parentId"])),
        ({"department_id": uuid.uuid4()}, (ErrorCode.NOT_FOUND, ["departmentId"])),
        ({"owner_id": uuid.uuid4()}, (ErrorCode.NOT_FOUND, ["ownerId"])),
    ],
)
async def test_bad_goals_are_refused_naming_the_field(session, org, fields, expected):
    error = await refused(session, lambda: new_goal(session, org.actor("hr", session), **fields))
    assert code_and_field(error) == expected
    assert await session.scalar(select(func.count()).select_from(Goal)) == 0
    assert await session.scalar(select(func.count()).select_from(KeyResult)) == 0


async def test_a_draft_may_hold_unbalanced_weights_until_it_is_activated(session, org):
    actor = org.actor("owner", session)
    goal = await new_goal(session, actor, status=GoalStatus.DRAFT, key_results=[kr("a", 60), kr("b", 30)])
    error = await refused(session, lambda: goals.activate_goal(session, actor, goal.id))
    assert (error.code, error.field, error.message) == (
        ErrorCode.INVALID, ["id"], "Key-result weights must sum to 100 (they sum to 90)",
    )
    assert (await stored(session, goal)).status == "DRAFT"


async def test_managers_create_goals_for_their_reports_but_peers_cannot(session, org):
    for who in ("manager", "boss", "hr"):
        goal = await new_goal(session, org.actor(who, session), owner_id=org.owner.id, title=f"from {who}")
        assert (goal.owner_id, goal.created_by) == (org.owner.id, getattr(org, who).id)
    error = await refused(session, lambda: new_goal(session, org.actor("peer", session), owner_id=org.owner.id))
    assert code_and_field(error) == (ErrorCode.FORBIDDEN, ["ownerId"])
    assert await session.scalar(select(func.count()).select_from(Goal)) == 3


# --- scope and ownership --------------------------------------------------------------------


async def test_department_goals_belong_to_the_head_of_it_or_of_a_department_above(session, org):
    for who in ("manager", "boss"):  # heads eng, heads company (above eng)
        goal = await new_goal(
            session, org.actor(who, session), scope=GoalScope.DEPARTMENT, department_id=org.eng.id, title=who
        )
        assert (goal.scope, goal.department_id) == ("DEPARTMENT", org.eng.id)
    # The manager heads eng, not the company above it.
    error = await refused(session, lambda: new_goal(
        session, org.actor("manager", session), scope=GoalScope.DEPARTMENT, department_id=org.company.id
    ))
    assert code_and_field(error) == (ErrorCode.INVALID, ["ownerId"])


async def test_an_hr_admin_may_own_department_and_company_goals_but_not_a_plain_employee(session, org):
    hr = org.actor("hr", session)
    for scope in (GoalScope.DEPARTMENT, GoalScope.COMPANY):
        goal = await new_goal(session, hr, scope=scope, department_id=org.eng.id, title=scope.value)
        assert goal.owner_id == org.hr.id
    for scope in (GoalScope.DEPARTMENT, GoalScope.COMPANY):
        # Even HR cannot make a plain employee the owner of a department or company goal.
        error = await refused(session, lambda: new_goal(
            session, hr, owner_id=org.owner.id, scope=scope, department_id=org.eng.id
        ))
        assert code_and_field(error) == (ErrorCode.INVALID, ["ownerId"])
    company = await new_goal(session, org.actor("manager", session), scope=GoalScope.COMPANY)  # heads a department
    assert company.scope == "COMPANY"


# --- the state machine ----------------------------------------------------------------------


async def test_completing_dates_the_goal_and_closed_goals_cannot_move(session, org):
    actor = org.actor("owner", session)
    goal = await new_goal(session, actor)
    done = await goals.complete_goal(session, actor, goal.id, TODAY + timedelta(days=30))
    assert (done.status, done.completed_on) == ("COMPLETED", TODAY + timedelta(days=30))
    for move in (goals.activate_goal, goals.cancel_goal):
        error = await refused(session, lambda move=move: move(session, actor, goal.id))
        assert (error.code, error.field, error.message) == (
            ErrorCode.INVALID_STATE, ["id"], f"A COMPLETED goal cannot become {'ACTIVE' if move is goals.activate_goal else 'CANCELLED'}",
        )
    error = await refused(session, lambda: goals.update_goal(session, actor, goal.id, {"title": "Again"}))
    assert code_and_field(error) == (ErrorCode.INVALID_STATE, ["id"])
    assert ((await stored(session, goal)).status, goal.title) == ("COMPLETED", "Grow")


async def test_a_draft_cannot_be_completed_but_can_be_cancelled(session, org):
    actor = org.actor("owner", session)
    goal_id = (await new_goal(session, actor, status=GoalStatus.DRAFT, metric=None)).id
    error = await refused(session, lambda: goals.complete_goal(session, actor, goal_id, TODAY))
    assert code_and_field(error) == (ErrorCode.INVALID_STATE, ["id"])
    error = await refused(session, lambda: goals.activate_goal(session, actor, goal_id))
    assert code_and_field(error) == (ErrorCode.INVALID, ["id"])  # no measurable target yet
    assert (await goals.cancel_goal(session, actor, goal_id)).status == "CANCELLED"


async def test_completing_a_leadership_goal_makes_it_evidence_for_its_competencies(session, org):
    actor = org.actor("owner", session)
    coaching = Competency(tenant_id=session_tenant(session), name="Coaching", category="LEADERSHIP")
    session.add(coaching)
    await session.flush()
    goal = await new_goal(session, actor, kind=GoalKind.LEADERSHIP)
    await competency_links.link_competencies(session, actor, goal.id, [coaching.id, coaching.id])  # duplicates collapse
    assert await completed_goal_evidence(session, [org.owner.id]) == []  # not yet: it is still active
    await goals.complete_goal(session, actor, goal.id, TODAY)
    evidence = await completed_goal_evidence(session, [org.owner.id])
    assert [(competency_id, g.id, g.completed_on) for competency_id, g in evidence] == [(coaching.id, goal.id, TODAY)]


async def test_only_leadership_and_development_goals_link_active_competencies(session, org):
    actor = org.actor("owner", session)
    tenant = session_tenant(session)
    active = Competency(tenant_id=tenant, name="Delegation", category="LEADERSHIP")
    archived = Competency(tenant_id=tenant, name="Old", category="CORE", active=False)
    session.add_all([active, archived])
    await session.flush()
    performance = await new_goal(session, actor)
    development = await new_goal(session, actor, kind=GoalKind.DEVELOPMENT)

    error = await refused(session, lambda: competency_links.link_competencies(session, actor, performance.id, [active.id]))
    assert code_and_field(error) == (ErrorCode.INVALID, ["competencyIds"])
    error = await refused(session, lambda: competency_links.link_competencies(
        session, actor, development.id, [active.id, archived.id]
    ))
    assert code_and_field(error) == (ErrorCode.INVALID_STATE, ["competencyIds", "1"])
    error = await refused(session, lambda: competency_links.link_competencies(
        session, actor, development.id, [uuid.uuid4()]
    ))
    assert code_and_field(error) == (ErrorCode.NOT_FOUND, ["competencyIds", "0"])
    assert (await queries.competencies_by_goal_ids(session, [development.id]))[development.id] == []
    # Linked competencies keep a goal a development goal.
    await competency_links.link_competencies(session, actor, development.id, [active.id])
    error = await refused(session, lambda: goals.update_goal(session, actor, development.id, {"kind": GoalKind.PERFORMANCE}))
    assert code_and_field(error) == (ErrorCode.INVALID, ["kind"])


# --- updates --------------------------------------------------------------------------------


async def test_update_changes_only_what_is_given_and_keeps_the_measured_value(session, org):
    actor = org.actor("owner", session)
    goal = await new_goal(session, actor)
    await check_ins.check_in(session, actor, NewCheckIn(goal.id, D(46), Confidence.ON_TRACK), TODAY)
    changed = await goals.update_goal(session, actor, goal.id, {
        "description": "Why it matters", "metric": metric(baseline=D(50), relative_change_percent=D(20)),
        "visibility": Visibility.PUBLIC,
    })
    changed = await stored(session, changed)
    assert (changed.title, changed.description, changed.visibility) == ("Grow", "Why it matters", "PUBLIC")
    assert (changed.metric_baseline, changed.metric_target, changed.metric_current) == (D(50), D(60), D(46))


async def test_dates_keep_their_order_whichever_one_changes(session, org):
    actor = org.actor("owner", session)
    goal = await new_goal(session, actor)
    error = await refused(session, lambda: goals.update_goal(session, actor, goal.id, {"start_date": DUE + timedelta(days=1)}))
    assert code_and_field(error) == (ErrorCode.INVALID, ["startDate"])
    error = await refused(session, lambda: goals.update_goal(session, actor, goal.id, {"due_date": TODAY - timedelta(days=1)}))
    assert code_and_field(error) == (ErrorCode.INVALID, ["dueDate"])
    assert ((await stored(session, goal)).start_date, goal.due_date) == (TODAY, DUE)


async def test_an_active_goal_keeps_its_target(session, org):
    actor = org.actor("owner", session)
    goal = await new_goal(session, actor)
    error = await refused(session, lambda: goals.update_goal(session, actor, goal.id, {"metric": None}))
    assert code_and_field(error) == (ErrorCode.INVALID, ["metric"])
    assert (await stored(session, goal)).metric_target == D(52)


# --- key results ----------------------------------------------------------------------------


async def test_an_active_goal_rebalances_its_weights_in_one_step(session, org):
    actor = org.actor("owner", session)
    goal = await new_goal(session, actor, key_results=[kr("a", 50), kr("b", 50)])
    error = await refused(session, lambda: key_results.add_key_result(session, actor, goal.id, kr("c", 20)))
    assert (error.code, error.field) == (ErrorCode.INVALID, ["weight"])
    added = await key_results.add_key_result(session, actor, goal.id, kr("c", 0))
    a, b, c = [r.id for r in (await queries.key_results_by_goal_ids(session, [goal.id]))[goal.id]]
    assert c == added.id
    error = await refused(session, lambda: key_results.update_key_result(session, actor, a, {"weight": D(40)}))
    assert code_and_field(error) == (ErrorCode.INVALID, ["weight"])
    await key_results.set_weights(session, actor, goal.id, [
        WeightChange(a, D(40)), WeightChange(b, D(30)), WeightChange(c, D(30)),
    ])
    results = (await queries.key_results_by_goal_ids(session, [goal.id]))[goal.id]
    assert [(r.name, r.weight, r.position) for r in results] == [("a", D(40), 0), ("b", D(30), 1), ("c", D(30), 2)]


async def test_set_weights_refuses_sums_duplicates_and_foreign_key_results(session, org):
    actor = org.actor("owner", session)
    goal = await new_goal(session, actor, key_results=[kr("a", 50), kr("b", 50)])
    other = await new_goal(session, actor, key_results=[kr("x", 100)])
    a, b = (await queries.key_results_by_goal_ids(session, [goal.id]))[goal.id]
    x = (await queries.key_results_by_goal_ids(session, [other.id]))[other.id][0]
    cases = [
        ([WeightChange(a.id, D(60))], (ErrorCode.INVALID, ["weights"])),
        ([WeightChange(a.id, D(60)), WeightChange(a.id, D(40))], (ErrorCode.DUPLICATE, ["weights", "1", "keyResultId"])),
        ([WeightChange(x.id, D(50))], (ErrorCode.NOT_FOUND, ["weights", "0", "keyResultId"])),
        ([WeightChange(a.id, D(101)), WeightChange(b.id, D(-1))], (ErrorCode.INVALID, ["weights", "0", "weight"])),
    ]
    for changes, expected in cases:
        error = await refused(session, lambda changes=changes: key_results.set_weights(session, actor, goal.id, changes))
        assert code_and_field(error) == expected
    rows = (await queries.key_results_by_goal_ids(session, [goal.id]))[goal.id]
    assert [(await stored(session, r)).weight for r in rows] == [D(50), D(50)]


async def test_removing_a_key_result_on_an_active_goal_needs_a_rebalance_first(session, org):
    actor = org.actor("owner", session)
    goal = await new_goal(session, actor, key_results=[kr("a", 50), kr("b", 50)])
    a, b = (await queries.key_results_by_goal_ids(session, [goal.id]))[goal.id]
    await check_ins.check_in(session, actor, NewCheckIn(goal.id, D(5), Confidence.ON_TRACK, a.id), TODAY)
    error = await refused(session, lambda: key_results.remove_key_result(session, actor, a.id))
    assert code_and_field(error) == (ErrorCode.INVALID, ["id"])
    await key_results.set_weights(session, actor, goal.id, [WeightChange(a.id, D(0)), WeightChange(b.id, D(100))])
    await key_results.remove_key_result(session, actor, a.id)
    assert [r.name for r in (await queries.key_results_by_goal_ids(session, [goal.id]))[goal.id]] == ["b"]
    assert await session.scalar(select(func.count()).select_from(GoalCheckIn)) == 0  # its history went with it
    error = await refused(session, lambda: key_results.remove_key_result(session, actor, b.id))
    assert (error.code, error.field, error.message) == (ErrorCode.INVALID, ["id"], "An active goal keeps at least one key result")


async def test_a_goal_measures_a_metric_or_key_results_never_both(session, org):
    actor = org.actor("owner", session)
    goal = await new_goal(session, actor)
    error = await refused(session, lambda: key_results.add_key_result(session, actor, goal.id, kr("a", 0)))
    assert code_and_field(error) == (ErrorCode.INVALID, ["goalId"])
    with_results = await new_goal(session, actor, key_results=[kr("a", 100)])
    error = await refused(session, lambda: goals.update_goal(session, actor, with_results.id, {"metric": metric()}))
    assert code_and_field(error) == (ErrorCode.INVALID, ["metric"])


async def test_a_relative_key_result_follows_a_new_baseline_and_an_absolute_one_stays(session, org):
    actor = org.actor("owner", session)
    goal = await new_goal(session, actor, key_results=[
        kr("relative", 50, baseline=D(40), target=None, relative_change_percent=D(25)),
        kr("absolute", 50, baseline=D(40), target=D(50)),
    ])
    relative, absolute = (await queries.key_results_by_goal_ids(session, [goal.id]))[goal.id]
    assert relative.target == D(50)
    moved = await key_results.update_key_result(session, actor, relative.id, {"baseline": D(80)})
    assert (moved.baseline, moved.target, moved.relative_change_percent) == (D(80), D(100), D(25))
    kept = await key_results.update_key_result(session, actor, absolute.id, {"baseline": D(30)})
    assert (kept.baseline, kept.target, kept.relative_change_percent) == (D(30), D(50), None)
    error = await refused(session, lambda: key_results.update_key_result(session, actor, absolute.id, {"baseline": D(50)}))
    assert code_and_field(error) == (ErrorCode.INVALID, ["target"])  # now equal to the baseline


# --- check-ins ------------------------------------------------------------------------------


async def test_check_ins_keep_the_full_history_and_set_the_current_value(session, org):
    actor = org.actor("owner", session)
    goal = await new_goal(session, actor)
    for value, confidence in ((D(43), Confidence.ON_TRACK), (D(47), Confidence.AT_RISK), (D(45), Confidence.ON_TRACK)):
        await check_ins.check_in(session, actor, NewCheckIn(goal.id, value, confidence, note=f"at {value}"), TODAY)
    assert (await stored(session, goal)).metric_current == D(45)
    page = (await queries.check_in_pages(session, [goal.id], 2, None))[goal.id]
    assert [(c.value, c.confidence, c.note) for c in page.items] == [(D(45), "ON_TRACK", "at 45"), (D(47), "AT_RISK", "at 47")]
    assert page.has_next
    rest = (await queries.check_in_pages(session, [goal.id], 2, page.keys[-1]))[goal.id]
    assert ([c.value for c in rest.items], rest.has_next) == ([D(43)], False)
    assert (await queries.latest_check_ins(session, [goal.id]))[goal.id].value == D(45)


async def test_key_result_goals_check_in_one_named_key_result(session, org):
    actor = org.actor("owner", session)
    goal = await new_goal(session, actor, key_results=[kr("a", 50), kr("b", 50)])
    other = await new_goal(session, actor, key_results=[kr("x", 100)])
    a, b = (await queries.key_results_by_goal_ids(session, [goal.id]))[goal.id]
    x = (await queries.key_results_by_goal_ids(session, [other.id]))[other.id][0]
    error = await refused(session, lambda: check_ins.check_in(session, actor, NewCheckIn(goal.id, D(5), Confidence.ON_TRACK), TODAY))
    assert code_and_field(error) == (ErrorCode.REQUIRED, ["keyResultId"])
    error = await refused(session, lambda: check_ins.check_in(
        session, actor, NewCheckIn(goal.id, D(5), Confidence.ON_TRACK, x.id), TODAY
    ))
    assert code_and_field(error) == (ErrorCode.NOT_FOUND, ["keyResultId"])
    await check_ins.check_in(session, actor, NewCheckIn(goal.id, D(5), Confidence.ON_TRACK, b.id), TODAY)
    assert ((await stored(session, a)).current, (await stored(session, b)).current) == (None, D(5))
    progress = queries.rules.goal_progress(goal, [a, b])
    assert progress.value == D("0.25")


@pytest.mark.parametrize("close", ["complete", "cancel", "draft"])
async def test_only_active_goals_take_check_ins(session, org, close):
    actor = org.actor("owner", session)
    goal = await new_goal(session, actor, status=GoalStatus.DRAFT if close == "draft" else GoalStatus.ACTIVE)
    if close == "complete":
        await goals.complete_goal(session, actor, goal.id, TODAY)
    elif close == "cancel":
        await goals.cancel_goal(session, actor, goal.id)
    error = await refused(session, lambda: check_ins.check_in(session, actor, NewCheckIn(goal.id, D(50), Confidence.ON_TRACK), TODAY))
    assert code_and_field(error) == (ErrorCode.INVALID_STATE, ["goalId"])
    assert (await stored(session, goal)).metric_current is None
    assert await session.scalar(select(func.count()).select_from(GoalCheckIn)) == 0


# --- who sees and changes -------------------------------------------------------------------


async def goal_per_visibility(session, org) -> dict[str, Goal]:
    actor = org.actor("owner", session)
    return {
        v.value: await new_goal(session, actor, visibility=v, title=v.value, due_date=DUE + timedelta(days=i))
        for i, v in enumerate(Visibility)
    }


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("owner", ["PUBLIC", "MANAGER_CHAIN", "PRIVATE"]),
        ("manager", ["PUBLIC", "MANAGER_CHAIN"]),
        ("boss", ["PUBLIC", "MANAGER_CHAIN"]),  # a skip-level manager is up the chain too
        ("peer", ["PUBLIC"]),
        ("hr", ["PUBLIC", "MANAGER_CHAIN", "PRIVATE"]),
    ],
)
async def test_the_list_shows_each_role_exactly_the_goals_it_may_see(session, org, who, sees):
    await goal_per_visibility(session, org)
    listing = await queries.list_goals(session, org.actor(who, session), queries.GoalFilter(), PageRequest(100, with_total=True), TODAY)
    assert [g.title for g in listing.page.items] == sees
    assert listing.page.total == len(sees)


async def test_goals_by_owner_walk_up_and_agree_with_the_list_for_every_viewer(session, org):
    """Employee.goals batches owners and finds "below me" by walking up from them; the list
    walks down the viewer's subtree. One batch mixes owners below, above and beside."""
    chain_goals = {}
    for who in ("owner", "peer", "manager", "boss", "hr"):
        person = getattr(org, who)
        chain_goals[who] = await new_goal(session, plain_employee(session, person.id), title=who,
                                          visibility=Visibility.MANAGER_CHAIN)
    owners = [getattr(org, who).id for who in chain_goals]
    for viewer in ("owner", "peer", "manager", "boss", "hr"):
        actor = org.actor(viewer, session)
        by_owner = await queries.visible_goals_by_owner_ids(session, actor, owners)
        seen = sorted(g.title for goals_of in by_owner.values() for g in goals_of if g.visibility == "MANAGER_CHAIN")
        listing = await queries.list_goals(session, actor, queries.GoalFilter(), PageRequest(100), TODAY)
        assert seen == sorted(g.title for g in listing.page.items if g.visibility == "MANAGER_CHAIN"), viewer
    boss = await queries.visible_goals_by_owner_ids(session, org.actor("boss", session), owners)
    assert {who: [g.title for g in boss[getattr(org, who).id]] for who in chain_goals} == {
        "owner": ["owner"], "peer": ["peer"], "manager": ["manager"], "boss": ["boss"], "hr": [],
    }


async def test_invisible_goals_are_not_found_and_visible_ones_forbidden_to_change(session, org):
    by_visibility = await goal_per_visibility(session, org)
    peer, manager = org.actor("peer", session), org.actor("manager", session)
    error = await refused(session, lambda: goals.update_goal(session, peer, by_visibility["PRIVATE"].id, {"title": "x"}))
    assert (error.code, error.field, error.message) == (ErrorCode.NOT_FOUND, ["id"], "Goal not found")
    error = await refused(session, lambda: goals.update_goal(session, peer, by_visibility["PUBLIC"].id, {"title": "x"}))
    assert code_and_field(error) == (ErrorCode.FORBIDDEN, None)
    error = await refused(session, lambda: goals.cancel_goal(session, manager, by_visibility["PRIVATE"].id))
    assert code_and_field(error) == (ErrorCode.NOT_FOUND, ["id"])
    changed = await goals.update_goal(session, manager, by_visibility["MANAGER_CHAIN"].id, {"title": "Sharpened"})
    assert changed.title == "Sharpened"
    assert [(await stored(session, g)).title for g in by_visibility.values()] == ["PUBLIC", "Sharpened", "PRIVATE"]


async def test_visibility_is_applied_before_paging(session, org):
    # Hidden goals interleave the visible ones; pages of two still hold two visible goals each.
    owner, peer = org.actor("owner", session), org.actor("peer", session)
    for day in range(8):
        visibility = Visibility.PUBLIC if day % 2 else Visibility.PRIVATE
        await new_goal(session, owner, visibility=visibility, title=f"d{day}", due_date=DUE + timedelta(days=day))
    seen, after, pages = [], None, 0
    while True:
        listing = await queries.list_goals(session, peer, queries.GoalFilter(), PageRequest(2, after), TODAY)
        seen += [g.title for g in listing.page.items]
        pages += 1
        if not listing.page.has_next:
            break
        after = listing.page.keys[-1]
    assert (seen, pages) == (["d1", "d3", "d5", "d7"], 2)


async def test_filters_combine(session, org):
    owner, manager = org.actor("owner", session), org.actor("manager", session)
    await new_goal(session, owner, title="mine", kind=GoalKind.LEADERSHIP, due_date=DUE)
    await new_goal(session, manager, title="dept", scope=GoalScope.DEPARTMENT, department_id=org.eng.id, due_date=DUE)
    await new_goal(session, owner, title="soon", due_date=TODAY + timedelta(days=10), status=GoalStatus.DRAFT, metric=None)

    async def titles(**criteria) -> list[str]:
        listing = await queries.list_goals(session, manager, queries.GoalFilter(**criteria), PageRequest(100), TODAY)
        return [g.title for g in listing.page.items]

    assert await titles(owner_id=org.owner.id) == ["soon", "mine"]
    assert await titles(department_id=org.eng.id) == ["dept"]
    assert await titles(kind="LEADERSHIP") == ["mine"]
    assert await titles(status="DRAFT") == ["soon"]
    assert await titles(due_before=DUE) == ["soon"]
    assert await titles(health=Health.NOT_STARTED) == ["soon"]
    assert await titles(owner_id=org.owner.id, status="ACTIVE", health=Health.ON_TRACK) == ["mine"]


async def test_the_health_filter_reads_in_bounded_chunks_and_resumes_where_it_stopped(session, org, monkeypatch):
    monkeypatch.setattr(queries, "MAX_SCANNED", 60)  # chunks of 50: a second chunk passes 60, then it stops
    tenant, owner = session_tenant(session), org.owner.id
    # 120 goals due one per day; only every 40th is a draft (NOT_STARTED).
    session.add_all(
        Goal(tenant_id=tenant, title=f"g{i:03}", owner_id=owner, kind="PERFORMANCE", scope="INDIVIDUAL",
             status="DRAFT" if i % 40 == 39 else "CANCELLED", visibility="PUBLIC", start_date=TODAY,
             due_date=TODAY + timedelta(days=i))
        for i in range(120)
    )
    await session.flush()
    peer = org.actor("peer", session)
    criteria = queries.GoalFilter(health=Health.NOT_STARTED)
    first = await queries.list_goals(session, peer, criteria, PageRequest(10), TODAY)
    assert ([g.title for g in first.page.items], first.page.has_next) == (["g039", "g079"], True)
    assert first.page.resume_key[0] == TODAY + timedelta(days=99)  # two chunks read, not the third
    second = await queries.list_goals(session, peer, criteria, PageRequest(10, first.page.resume_key), TODAY)
    assert ([g.title for g in second.page.items], second.page.has_next) == (["g119"], False)


# --- alignment ------------------------------------------------------------------------------


async def test_alignment_refuses_cycles_and_keeps_the_tree(session, org):
    hr = org.actor("hr", session)
    company = await new_goal(session, hr, scope=GoalScope.COMPANY, title="company")
    dept = await new_goal(session, hr, scope=GoalScope.DEPARTMENT, department_id=org.eng.id, title="dept", parent_id=company.id)
    team = await new_goal(session, hr, scope=GoalScope.TEAM, title="team", parent_id=dept.id)
    company_id, dept_id, team_id = company.id, dept.id, team.id
    cases = [
        (company_id, team_id, ErrorCode.INVALID),  # narrower, and a cycle: the scope speaks first
        (dept_id, dept_id, ErrorCode.CYCLE),
        (company_id, company_id, ErrorCode.CYCLE),
    ]
    for goal_id, parent_id, code in cases:
        error = await refused(session, lambda g=goal_id, p=parent_id: alignment.set_parent(session, hr, g, p))
        assert code_and_field(error) == (code, ["parentId"])
    # Same scope, so only the cycle stops it: team under a goal aligned under it.
    peer_team = await new_goal(session, hr, scope=GoalScope.TEAM, title="peer team", parent_id=team_id)
    peer_team_id = peer_team.id
    error = await refused(session, lambda: alignment.set_parent(session, hr, team_id, peer_team_id))
    assert (error.code, error.field, error.message) == (
        ErrorCode.CYCLE, ["parentId"], "A goal cannot align under itself or a goal aligned under it",
    )
    tree = await queries.goal_tree(session, hr, company_id)
    assert [(g.title, depth) for g, depth in tree] == [("company", 0), ("dept", 1), ("team", 2), ("peer team", 3)]
    paths = await queries.alignment_paths(session, hr, [peer_team_id])
    assert [g.title for g in paths[peer_team_id]] == ["company", "dept", "team", "peer team"]


async def test_a_goal_never_aligns_under_a_narrower_one(session, org):
    hr = org.actor("hr", session)
    team = await new_goal(session, hr, scope=GoalScope.TEAM, title="team")
    dept = await new_goal(session, hr, scope=GoalScope.DEPARTMENT, department_id=org.eng.id, title="dept")
    error = await refused(session, lambda: alignment.set_parent(session, hr, dept.id, team.id))
    assert (error.code, error.field, error.message) == (
        ErrorCode.INVALID, ["parentId"], "A DEPARTMENT goal cannot align under a TEAM goal",
    )
    await alignment.set_parent(session, hr, team.id, dept.id)
    error = await refused(session, lambda: goals.update_goal(session, hr, dept.id, {"scope": GoalScope.INDIVIDUAL}))
    assert code_and_field(error) == (ErrorCode.INVALID, ["scope"])  # its child is a TEAM goal
    assert (await stored(session, team)).parent_id == dept.id


async def test_trees_and_paths_only_pass_through_goals_the_actor_sees(session, org):
    owner, peer = org.actor("owner", session), org.actor("peer", session)
    top = await new_goal(session, owner, visibility=Visibility.PUBLIC, title="top")
    hidden = await new_goal(session, owner, visibility=Visibility.PRIVATE, title="hidden", parent_id=top.id)
    below = await new_goal(session, owner, visibility=Visibility.PUBLIC, title="below", parent_id=hidden.id)
    beside = await new_goal(
        session, owner, visibility=Visibility.PUBLIC, title="beside", parent_id=top.id, due_date=DUE + timedelta(days=1)
    )

    assert [(g.title, d) for g, d in await queries.goal_tree(session, peer, top.id)] == [("top", 0), ("beside", 1)]
    assert [(g.title, d) for g, d in await queries.goal_tree(session, owner, top.id)] == [
        ("top", 0), ("hidden", 1), ("beside", 1), ("below", 2),  # level by level, soonest due first
    ]
    assert await queries.goal_tree(session, peer, hidden.id) is None
    paths = await queries.alignment_paths(session, peer, [below.id, beside.id])
    assert [g.title for g in paths[below.id]] == ["below"]  # the walk up stops below the hidden goal
    assert [g.title for g in paths[beside.id]] == ["top", "beside"]
    # A hidden goal is no parent for someone who cannot see it.
    manager_private = await new_goal(session, org.actor("manager", session), visibility=Visibility.PRIVATE, title="m")
    error = await refused(session, lambda: alignment.set_parent(session, owner, beside.id, manager_private.id))
    assert (error.code, error.field, error.message) == (ErrorCode.NOT_FOUND, ["parentId"], "Goal not found")
