"""The live schema keeps every tenant-owned table tenant-scoped.

These tests read the catalog after all migrations, looping over whatever tables
exist, so a future migration that forgets tenant_id, a policy, or the leading
tenant_id in a key or foreign key fails here without anyone writing a new test.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tenants.database import DatabaseConfig

# Tables deliberately shared by all tenants; anything else must carry tenant_id.
SHARED_TABLES = {"tenants", "alembic_version"}
REGISTRY = "tenants"
APP_ROLE = DatabaseConfig.app_role

APP_SCHEMAS = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'"

TABLES = f"""
SELECT c.oid, c.oid::regclass::text AS name, c.relrowsecurity, c.relforcerowsecurity,
       obj_description(c.oid, 'pg_class') AS comment,
       EXISTS (SELECT 1 FROM pg_attribute a
               WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped) AS tenant_owned
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND {APP_SCHEMAS}
ORDER BY 2
"""


def _columns(key: str, relation: str) -> str:
    """The constraint's columns in key order, as a text array."""
    return (
        f"ARRAY(SELECT a.attname::text FROM unnest(con.{key}) WITH ORDINALITY k(attnum, ord) "
        f"JOIN pg_attribute a ON a.attrelid = con.{relation} AND a.attnum = k.attnum ORDER BY k.ord)"
    )


CONSTRAINTS = f"""
SELECT con.conname, con.contype::text AS contype, con.conrelid::regclass::text AS table_name,
       con.confrelid::regclass::text AS referenced, {_columns('conkey', 'conrelid')} AS columns,
       {_columns('confkey', 'confrelid')} AS referenced_columns
FROM pg_constraint con
WHERE con.contype IN ('p', 'u', 'x', 'f') AND (con.conrelid = ANY(:oids) OR con.confrelid = ANY(:oids))
"""

INDEXES = """
SELECT i.indexrelid::regclass::text AS name, i.indrelid::regclass::text AS table_name, i.indisunique,
       pg_get_indexdef(i.indexrelid, 1, true) AS first_key
FROM pg_index i WHERE i.indrelid = ANY(:oids)
"""


@pytest.fixture(scope="module")
async def catalog(engines) -> dict:
    owner, _ = engines
    async with owner.connect() as conn:
        tables = (await conn.execute(text(TABLES))).mappings().all()
        owned = [t for t in tables if t["tenant_owned"]]
        oids = [t["oid"] for t in owned]
        return {
            "tables": tables,
            "tenant_tables": owned,
            "constraints": (await conn.execute(text(CONSTRAINTS), {"oids": oids})).mappings().all(),
            "indexes": (await conn.execute(text(INDEXES), {"oids": oids})).mappings().all(),
            "policies": (await conn.execute(text(
                "SELECT polrelid, polname, polcmd::text AS polcmd, pg_get_expr(polqual, polrelid) AS qual, "
                "pg_get_expr(polwithcheck, polrelid) AS with_check FROM pg_policy"
            ))).mappings().all(),
        }


async def test_only_the_known_shared_tables_lack_tenant_id(catalog):
    shared = {t["name"] for t in catalog["tables"] if not t["tenant_owned"]}
    assert shared == SHARED_TABLES
    # Guard against the loops below passing vacuously.
    assert {t["name"] for t in catalog["tenant_tables"]} >= {"departments", "employees"}


async def test_tenant_id_leads_every_primary_key_and_unique_constraint(catalog):
    tenant_tables = {t["name"] for t in catalog["tenant_tables"]}
    keys = [c for c in catalog["constraints"] if c["contype"] in ("p", "u", "x") and c["table_name"] in tenant_tables]
    assert {c["table_name"] for c in keys if c["contype"] == "p"} == tenant_tables  # every table has a PK
    offenders = [(c["conname"], c["columns"]) for c in keys if c["columns"][:1] != ["tenant_id"]]
    assert offenders == []


async def test_tenant_id_leads_every_unique_index(catalog):
    # Unique indexes on expressions (lower(email)) are not constraints, so check them separately.
    unique = [i for i in catalog["indexes"] if i["indisunique"]]
    assert len(unique) > len(catalog["tenant_tables"])  # more than just the primary keys
    offenders = [(i["name"], i["first_key"]) for i in unique if i["first_key"] != "tenant_id"]
    assert offenders == []


async def test_every_foreign_key_pairs_tenant_id_with_tenant_id(catalog):
    foreign_keys = [c for c in catalog["constraints"] if c["contype"] == "f"]
    assert foreign_keys
    offenders = []
    for fk in foreign_keys:
        if fk["referenced"] == REGISTRY:
            # The one way out of a tenant: its own tenant_id pointing at the registry.
            ok = fk["columns"] == ["tenant_id"] and fk["referenced_columns"] == ["id"]
        else:
            ok = fk["columns"][:1] == ["tenant_id"] and fk["referenced_columns"][:1] == ["tenant_id"]
        if not ok:
            offenders.append((fk["table_name"], fk["conname"], fk["columns"], fk["referenced"], fk["referenced_columns"]))
    assert offenders == []


async def test_every_tenant_table_has_an_index_led_by_tenant_id(catalog):
    indexed = {i["table_name"] for i in catalog["indexes"] if i["first_key"] == "tenant_id"}
    assert {t["name"] for t in catalog["tenant_tables"]} - indexed == set()


async def test_every_tenant_table_forces_one_tenant_isolation_policy(catalog):
    offenders = []
    for table in catalog["tenant_tables"]:
        policies = [p for p in catalog["policies"] if p["polrelid"] == table["oid"]]
        if not (table["relrowsecurity"] and table["relforcerowsecurity"]):
            offenders.append((table["name"], "row level security not enabled and forced"))
        if len(policies) != 1:
            offenders.append((table["name"], f"{len(policies)} policies"))
            continue
        policy = policies[0]
        # '*' (ALL): one policy covers SELECT, INSERT, UPDATE and DELETE, and checks new rows too.
        if policy["polcmd"] != "*" or "app.tenant_id" not in (policy["qual"] or "") \
                or "app.tenant_id" not in (policy["with_check"] or ""):
            offenders.append((table["name"], policy["polname"], policy["polcmd"], policy["qual"], policy["with_check"]))
    assert offenders == []


async def test_the_request_role_is_powerless(engines):
    owner, _ = engines
    async with owner.connect() as conn:
        role = (await conn.execute(text(
            "SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, rolreplication FROM pg_roles WHERE rolname = :r"
        ), {"r": APP_ROLE})).one()
        assert tuple(role) == (False, False, False, False, False)
        # Membership in another role would let it SET ROLE to that role's powers.
        memberships = await conn.scalars(text(
            "SELECT m.roleid::regrole::text FROM pg_auth_members m WHERE m.member = CAST(:r AS regrole)"
        ), {"r": APP_ROLE})
        assert list(memberships) == []


async def test_the_request_role_owns_nothing(engines):
    owner, _ = engines
    async with owner.connect() as conn:
        owned = await conn.scalars(text("""
            SELECT 'relation ' || oid::regclass::text FROM pg_class WHERE relowner = CAST(:r AS regrole)
            UNION ALL SELECT 'function ' || oid::regprocedure::text FROM pg_proc WHERE proowner = CAST(:r AS regrole)
            UNION ALL SELECT 'schema ' || nspname FROM pg_namespace WHERE nspowner = CAST(:r AS regrole)
            UNION ALL SELECT 'type ' || oid::regtype::text FROM pg_type WHERE typowner = CAST(:r AS regrole)
            UNION ALL SELECT 'database ' || datname FROM pg_database
                      WHERE datname = current_database() AND datdba = CAST(:r AS regrole)
            UNION ALL SELECT pg_describe_object(classid, objid, objsubid) FROM pg_shdepend
                      WHERE deptype = 'o' AND refobjid = CAST(:r AS regrole)
                        AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
        """), {"r": APP_ROLE})
        assert list(owned) == []


async def test_the_request_role_has_no_privilege_that_sidesteps_row_security(engines, catalog):
    owner, _ = engines
    async with owner.connect() as conn:
        rows = await conn.execute(text(f"""
            SELECT c.oid::regclass::text AS name, c.relkind::text AS relkind, p.privilege,
                   coalesce('security_invoker=true' = ANY(c.reloptions) OR 'security_invoker=on' = ANY(c.reloptions),
                            false) AS invoker
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            CROSS JOIN unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'])
                 AS p(privilege)
            WHERE {APP_SCHEMAS} AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
              AND has_table_privilege(:r, c.oid, p.privilege)
        """), {"r": APP_ROLE})
        rows = rows.all()
        granted = {(r.name, r.relkind, r.privilege) for r in rows}
        owner_rights_views = {r.name for r in rows if r.relkind in ("v", "m", "f") and not r.invoker}
        definers = await conn.scalars(text(
            f"SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            f"WHERE p.prosecdef AND {APP_SCHEMAS} AND has_function_privilege(:r, p.oid, 'EXECUTE')"
        ), {"r": APP_ROLE})
        can_create = await conn.scalar(text(
            "SELECT has_database_privilege(:r, current_database(), 'CREATE') OR has_schema_privilege(:r, 'public', 'CREATE')"
        ), {"r": APP_ROLE})

    tenant_tables = {t["name"] for t in catalog["tenant_tables"]}
    # TRUNCATE ignores RLS; REFERENCES and TRIGGER would let it probe or hook other tenants' rows.
    assert {g for g in granted if g[2] in ("TRUNCATE", "REFERENCES", "TRIGGER")} == set()
    # Shared tables are read-only for requests.
    assert {g for g in granted if g[0] in SHARED_TABLES and g[2] != "SELECT"} == set()
    # Views (unless security_invoker) and materialized views read as their owner, who bypasses RLS.
    assert owner_rights_views == set()
    # Sanity: the role does hold data access to every tenant table (RLS, not grants, isolates),
    # except that append-only tables (the audit trail) can be read and added to, never changed.
    append_only = {t["name"] for t in catalog["tenant_tables"] if t.get("comment") == "append-only"}
    assert append_only == {"audit_log", "review_settings_changes", "anonymous_author_readings"}
    assert {g[0] for g in granted if g[2] == "INSERT"} == tenant_tables
    assert {g[0] for g in granted if g[2] == "DELETE"} == tenant_tables - append_only
    assert {g[0] for g in granted if g[2] == "UPDATE"} == tenant_tables - append_only
    # A SECURITY DEFINER function runs as its owner, past RLS.
    assert list(definers) == []
    assert can_create is False


def test_readiness_tolerates_a_newer_schema_but_not_an_older_one():
    from tenants.migrate import head_revision, schema_is_behind

    assert schema_is_behind(head_revision()) is False
    assert schema_is_behind("0001_foundation") is True  # known and older: this pod needs the upgrade
    assert schema_is_behind("f00dcafe1234") is False  # unknown: a rolling upgrade migrated ahead of us
    assert schema_is_behind(None) is True
