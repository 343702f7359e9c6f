"""Every tenant-owned table can be distributed by tenant_id on Citus, and
migrations/citus.sql is the current script for doing it.

Citus hash-distributes a table by one column and keeps each tenant's rows of all
colocated tables on one shard. It accepts a primary key, unique constraint, unique
index or exclusion constraint only if it contains the distribution column, and a
foreign key only between colocated tables pairing the distribution columns, or to a
reference table. These tests read the live catalog (whatever tables the migrations
created), so a new table that breaks a rule fails here before it reaches a cluster.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import text

from tenants.citus import citus_sql, generate, read_schema

CITUS_SQL = Path(__file__).resolve().parents[2] / "migrations" / "citus.sql"
SHARED_TABLES = {"tenants", "alembic_version"}
REGISTRY = "tenants"

APP_SCHEMAS = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'"


def _columns(key: str, relation: str) -> str:
    return (
        f"ARRAY(SELECT a.attname::text FROM unnest(con.{key}) WITH ORDINALITY k(attnum, ord) "
        f"JOIN pg_attribute a ON a.attrelid = con.{relation} AND a.attnum = k.attnum ORDER BY k.ord)"
    )


CATALOG = {
    "tables": f"""
        SELECT c.oid, c.oid::regclass::text AS name, t.typname AS tenant_type, a.attnotnull AS tenant_not_null
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
        LEFT JOIN pg_type t ON t.oid = a.atttypid
        WHERE c.relkind IN ('r', 'p') AND {APP_SCHEMAS} ORDER BY 2
    """,
    "constraints": f"""
        SELECT con.conname, con.contype::text AS contype, con.conrelid::regclass::text AS table_name,
               con.confrelid::regclass::text AS referenced, {_columns('conkey', 'conrelid')} AS columns,
               {_columns('confkey', 'confrelid')} AS referenced_columns,
               ARRAY(SELECT o.oprname::text FROM unnest(con.conexclop) WITH ORDINALITY x(op, ord)
                     JOIN pg_operator o ON o.oid = x.op ORDER BY x.ord) AS exclusion_operators
        FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE con.contype IN ('p', 'u', 'x', 'f') AND {APP_SCHEMAS}
    """,
    "unique_indexes": f"""
        SELECT i.indexrelid::regclass::text AS name, i.indrelid::regclass::text AS table_name,
               EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = i.indrelid AND a.attname = 'tenant_id'
                       AND a.attnum = ANY(i.indkey::int2[])) AS has_tenant_id
        FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE i.indisunique AND {APP_SCHEMAS}
    """,
    "policies": """
        SELECT polrelid::regclass::text AS table_name, polname,
               coalesce(polqual::text, '') || coalesce(polwithcheck::text, '') AS trees
        FROM pg_policy
    """,
}


@pytest.fixture(scope="module")
async def catalog(engines) -> dict:
    owner, _ = engines
    async with owner.connect() as conn:
        result = {name: (await conn.execute(text(sql))).mappings().all() for name, sql in CATALOG.items()}
        result["script"] = await generate(conn)
    result["tenant_tables"] = {t["name"] for t in result["tables"] if t["tenant_type"] is not None}
    return result


def test_only_the_registry_and_alembic_version_are_shared(catalog):
    shared = {t["name"] for t in catalog["tables"] if t["tenant_type"] is None}
    assert shared == SHARED_TABLES
    assert catalog["tenant_tables"] >= {"departments", "employees", "goals", "competencies"}  # not vacuous


def test_tenant_id_is_a_non_null_uuid_everywhere(catalog):
    # One colocation group needs one distribution type; Citus refuses NULL distribution values.
    offenders = [(t["name"], t["tenant_type"], t["tenant_not_null"]) for t in catalog["tables"]
                 if t["tenant_type"] is not None and (t["tenant_type"] != "uuid" or not t["tenant_not_null"])]
    assert offenders == []


def test_every_key_and_exclusion_constraint_contains_tenant_id(catalog):
    keys = [c for c in catalog["constraints"] if c["contype"] in ("p", "u", "x")
            and c["table_name"] in catalog["tenant_tables"]]
    assert {c["table_name"] for c in keys if c["contype"] == "p"} == catalog["tenant_tables"]
    offenders = [(c["table_name"], c["conname"], c["columns"]) for c in keys if "tenant_id" not in c["columns"]]
    assert offenders == []
    # An exclusion constraint must compare the distribution column with equality.
    exclusions = [c for c in keys if c["contype"] == "x"]
    bad = [(c["conname"], c["exclusion_operators"]) for c in exclusions
           if c["exclusion_operators"][c["columns"].index("tenant_id")] != "="]
    assert bad == []


def test_every_unique_index_contains_tenant_id_as_a_plain_column(catalog):
    # Includes indexes on expressions such as (tenant_id, lower(email)), which are no constraints.
    unique = [i for i in catalog["unique_indexes"] if i["table_name"] in catalog["tenant_tables"]]
    assert len(unique) > len(catalog["tenant_tables"])  # more than the primary keys
    assert [(i["table_name"], i["name"]) for i in unique if not i["has_tenant_id"]] == []


def test_every_foreign_key_pairs_tenant_id_or_points_at_the_registry(catalog):
    foreign_keys = [c for c in catalog["constraints"] if c["contype"] == "f"]
    assert len(foreign_keys) > len(catalog["tenant_tables"])
    offenders = []
    for fk in foreign_keys:
        if fk["table_name"] not in catalog["tenant_tables"]:
            ok = False  # a reference table cannot point at distributed rows
        elif fk["referenced"] == REGISTRY:
            ok = fk["columns"] == ["tenant_id"] and fk["referenced_columns"] == ["id"]
        else:
            pairs = list(zip(fk["columns"], fk["referenced_columns"]))
            ok = fk["referenced"] in catalog["tenant_tables"] and ("tenant_id", "tenant_id") in pairs
        if not ok:
            offenders.append((fk["table_name"], fk["conname"], fk["columns"], fk["referenced"], fk["referenced_columns"]))
    assert offenders == []


def test_no_tenant_policy_uses_a_subquery(catalog):
    # Citus cannot distribute a table whose row-level security policy contains a subquery.
    policies = [p for p in catalog["policies"] if p["table_name"] in catalog["tenant_tables"]]
    assert {p["table_name"] for p in policies} == catalog["tenant_tables"]
    assert [(p["table_name"], p["polname"]) for p in policies if "{SUBLINK" in p["trees"]] == []


def test_the_checked_in_citus_sql_is_current(catalog):
    assert CITUS_SQL.read_text() == catalog["script"], (
        "migrations/citus.sql is stale: regenerate it with "
        "`DATABASE_URL=<owner url, schema at head> python -m tenants.citus > migrations/citus.sql`"
    )


def _statements(script: str, pattern: str) -> list[str]:
    return re.findall(pattern, script, flags=re.MULTILINE)


def test_the_script_distributes_every_tenant_table_once_after_what_it_references(catalog):
    script = catalog["script"]
    assert _statements(script, r"^SELECT create_reference_table\('(\w+)'\);$") == [REGISTRY]
    distributed = _statements(script, r"^SELECT create_distributed_table\('(\w+)', 'tenant_id', colocate_with => '\w+'\);$")
    assert sorted(distributed) == sorted(catalog["tenant_tables"])
    assert script.index("create_reference_table") < script.index("create_distributed_table")
    # One colocation group: the first table starts it, every other joins it.
    colocation = _statements(script, r"colocate_with => '(\w+)'")
    assert colocation == ["none"] + [distributed[0]] * (len(distributed) - 1)

    # Referenced tables come first, except around a cycle (employees <-> departments).
    edges = {(fk["table_name"], fk["referenced"]) for fk in catalog["constraints"] if fk["contype"] == "f"
             and fk["referenced"] in catalog["tenant_tables"] and fk["referenced"] != fk["table_name"]}

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            node = todo.pop()
            if node == goal:
                return True
            if node not in seen:
                seen.add(node)
                todo.extend(b for a, b in edges if a == node)
        return False

    position = {table: n for n, table in enumerate(distributed)}
    late = [(a, b) for a, b in edges if position[b] > position[a] and not reaches(b, a)]
    assert late == []


def test_the_script_recreates_every_foreign_key_it_drops(catalog):
    script = catalog["script"]
    dropped = _statements(script, r'^ALTER TABLE (\w+) DROP CONSTRAINT "(\w+)";$')
    added = _statements(script, r'^ALTER TABLE (\w+) ADD CONSTRAINT "(\w+)" FOREIGN KEY .*;$')
    foreign_keys = {(c["table_name"], c["conname"]) for c in catalog["constraints"] if c["contype"] == "f"}
    assert set(dropped) == set(added) == foreign_keys
    assert len(dropped) == len(added) == len(foreign_keys)
    # Drops before any distribution, re-creation after all of it.
    assert script.rindex("DROP CONSTRAINT") < script.index("create_reference_table")
    assert script.index("ADD CONSTRAINT") > script.rindex("create_distributed_table")


async def test_a_table_that_cannot_be_distributed_is_refused(engines):
    # The generator reads the same catalog; a table breaking the rules makes it refuse
    # rather than emit a script that fails halfway on the cluster. Rolled back.
    owner, _ = engines
    async with owner.connect() as conn:
        transaction = await conn.begin()
        try:
            await conn.execute(text(
                "CREATE TABLE citus_probe (tenant_id uuid NOT NULL REFERENCES tenants (id), id uuid PRIMARY KEY, "
                "employee_id uuid, code text)"
            ))
            await conn.execute(text("CREATE UNIQUE INDEX citus_probe_code_key ON citus_probe (lower(code))"))
            await conn.execute(text(
                "ALTER TABLE citus_probe ADD CONSTRAINT citus_probe_employee_fkey FOREIGN KEY (tenant_id, employee_id) "
                "REFERENCES employees (id, tenant_id)"
            ))
            await conn.execute(text("CREATE TABLE citus_shared_probe (key text PRIMARY KEY)"))
            schema = await read_schema(conn)
        finally:
            await transaction.rollback()
    problems = "\n".join(schema.problems)
    assert "citus_probe: key citus_probe_pkey ['id'] lacks tenant_id" in problems
    assert "citus_probe: unique index citus_probe_code_key lacks tenant_id" in problems
    assert "citus_probe: foreign key citus_probe_employee_fkey" in problems and "does not pair tenant_id" in problems
    assert "citus_shared_probe has no tenant_id" in problems
    assert len(schema.problems) == 4
    with pytest.raises(ValueError, match="cannot be distributed by tenant_id"):
        citus_sql(schema)
