"""A small leadership scene for the development-program API tests, built in five requests.

Competencies Coaching and Delegation (LEADERSHIP); manager levels M1 < M2 < M3 expecting
Coaching 3 and Delegation 3; IC1 expecting Coaching 2 and Delegation 2.
People: hr (HR admin), ceo (M3, Sales), vp (M2, Engineering), lead (M1, Engineering,
reports to vp), dev (IC1, Engineering, reports to lead), peer (IC1, Sales).
Reviews: lead Coaching 1 / Delegation 2 (gaps 2 and 1), dev Coaching 1 (gap 1),
ceo 4 / 3, vp 5 / 5 (the strongest, but lead's own manager).
"""

from __future__ import annotations

from tests.support.api import TenantHandle

ERRORS = "errors { code field message }"
PEOPLE = (  # key, department, job level, manager, roles
    ("hr", None, None, None, ["HR_ADMIN"]),
    ("ceo", "sales", "M3", None, None),
    ("vp", "eng", "M2", None, None),
    ("lead", "eng", "M1", "vp", None),
    ("dev", "eng", "IC1", "lead", None),
    ("peer", "sales", "IC1", None, None),
)
REVIEWS = {"lead": (1, 2), "dev": (1, None), "ceo": (4, 3), "vp": (5, 5)}


async def mutate(tenant: TenantHandle, field: str, input_type: str, values: dict, returns: str, token: str | None = None) -> dict:
    query = f"mutation($input: {input_type}!) {{ {field}(input: $input) {{ {returns} {ERRORS} }} }}"
    return (await tenant.gql(query, {"input": values}, token=token)).data[field]


def codes(payload: dict) -> list[tuple[str, list[str] | None]]:
    return [(error["code"], error["field"]) for error in payload["errors"]]


async def build_scene(tenant: TenantHandle) -> dict[str, str]:
    """Global IDs by key ("coaching", "delegation", "eng", "sales", people), and "<person>_token"."""
    framework = (await tenant.gql("""mutation {
      coaching: createCompetency(input: {name: "Coaching", category: "LEADERSHIP"}) { competency { id } errors { code } }
      delegation: createCompetency(input: {name: "Delegation", category: "LEADERSHIP"}) { competency { id } errors { code } }
      m1: createJobLevel(input: {name: "M1", rank: 1, track: MANAGER}) { jobLevel { id } errors { code } }
      m2: createJobLevel(input: {name: "M2", rank: 2, track: MANAGER}) { jobLevel { id } errors { code } }
      m3: createJobLevel(input: {name: "M3", rank: 3, track: MANAGER}) { jobLevel { id } errors { code } }
      ic1: createJobLevel(input: {name: "IC1", rank: 1, track: INDIVIDUAL_CONTRIBUTOR}) { jobLevel { id } errors { code } }
      eng: createDepartment(input: {name: "Engineering"}) { department { id } errors { code } }
      sales: createDepartment(input: {name: "Sales"}) { department { id } errors { code } }
    }""")).data
    ids = {key: next(v for k, v in value.items() if k != "errors")["id"] for key, value in framework.items()}
    expectations = " ".join(
        f"""{level}: setJobLevelExpectations(input: {{jobLevelId: "{ids[level]}", expectations: [
              {{competencyId: "{ids['coaching']}", expectedLevel: {expected}}},
              {{competencyId: "{ids['delegation']}", expectedLevel: {expected}}}]}}) {{ errors {{ code }} }}"""
        for level, expected in (("m1", 3), ("m2", 3), ("m3", 3), ("ic1", 2))
    )
    assert all(v["errors"] == [] for v in (await tenant.gql(f"mutation {{ {expectations} }}")).data.values())
    email = lambda key: f"{key}@{tenant.slug}.test"  # noqa: E731
    rows = [
        {"email": email(key), "name": key.upper(), "departmentId": ids.get(department), "jobLevel": level,
         "managerEmail": email(manager) if manager else None, "roles": roles}
        for key, department, level, manager, roles in PEOPLE
    ]
    ids.update({p["email"].split("@")[0]: p["id"] for p in await tenant.import_rows(rows)})
    reviews = " ".join(
        f"""{key}_{name}: assessCompetency(input: {{employeeId: "{ids[key]}", competencyId: "{ids[name]}",
              level: {level}, source: REVIEW}}) {{ errors {{ code }} }}"""
        for key, levels in REVIEWS.items()
        for name, level in zip(("coaching", "delegation"), levels, strict=True)
        if level is not None
    )
    assert all(v["errors"] == [] for v in (await tenant.gql(f"mutation {{ {reviews} }}")).data.values())
    for key, *_ in PEOPLE:
        ids[f"{key}_token"] = tenant.token_for(email(key))
    return ids
