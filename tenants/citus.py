"""Distribution of the schema on Citus, generated from the live catalog.

Every tenant-owned table is hash-distributed by tenant_id in one colocation group, so a
tenant's rows of every table live on the same shard and joins and foreign keys stay
local to one node; the tenant registry is a reference table (a copy on every node);
alembic_version stays an ordinary table on the coordinator.

    DATABASE_URL=postgresql://owner@host/db python -m tenants.citus > migrations/citus.sql

reads the schema (migrated to head) as the owner and prints the script. The script
refuses nothing itself: `distribution_problems` lists what would stop Citus (a key or
foreign key without tenant_id, an unknown shared table) and the generator raises then.
See docs/scaling.md for what the script does and what to verify on a real cluster.
"""

from __future__ import annotations

import asyncio
import os
import sys
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

DISTRIBUTION_COLUMN = "tenant_id"
REFERENCE_TABLES = ("tenants",)
LOCAL_TABLES = ("alembic_version",)  # written by migrations on the coordinator only

_APP_SCHEMAS = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'"

_TABLES = f"""
SELECT c.oid, c.oid::regclass::text AS name,
       format_type(a.atttypid, a.atttypmod) AS tenant_type, a.attnotnull AS tenant_not_null,
       a.attnum AS tenant_attnum
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = '{DISTRIBUTION_COLUMN}' AND NOT a.attisdropped
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND {_APP_SCHEMAS}
ORDER BY 2
"""


def _columns(key: str, relation: str) -> str:
    return (
        f"ARRAY(SELECT a.attname::text FROM unnest(con.{key}) WITH ORDINALITY k(attnum, ord) "
        f"JOIN pg_attribute a ON a.attrelid = con.{relation} AND a.attnum = k.attnum ORDER BY k.ord)"
    )


_CONSTRAINTS = f"""
SELECT con.conname AS name, con.contype::text AS kind, con.conrelid::regclass::text AS table_name,
       con.confrelid::regclass::text AS referenced, {_columns('conkey', 'conrelid')} AS columns,
       {_columns('confkey', 'confrelid')} AS referenced_columns, pg_get_constraintdef(con.oid) AS definition
FROM pg_constraint con
WHERE con.contype IN ('p', 'u', 'x', 'f') AND (con.conrelid = ANY(:oids) OR con.confrelid = ANY(:oids))
ORDER BY 3, 1
"""

# Unique indexes not backing a constraint (e.g. on lower(email)) must contain the plain column.
_UNIQUE_INDEXES = """
SELECT i.indexrelid::regclass::text AS name, i.indrelid::regclass::text AS table_name,
       a.attnum = ANY(i.indkey::int2[]) AS has_tenant_id
FROM pg_index i
LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attname = :column AND NOT a.attisdropped
WHERE i.indisunique AND i.indrelid = ANY(:oids)
  AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid)
ORDER BY 2, 1
"""

_TRIGGERS = """
SELECT t.tgrelid::regclass::text AS table_name, t.tgname AS name
FROM pg_trigger t WHERE NOT t.tgisinternal AND t.tgrelid = ANY(:oids) ORDER BY 1, 2
"""


@dataclass(frozen=True)
class ForeignKey:
    name: str
    table: str
    columns: tuple[str, ...]
    referenced: str
    referenced_columns: tuple[str, ...]
    definition: str


@dataclass
class Schema:
    """What the distribution depends on, read from the catalog."""

    tenant_tables: list[str] = field(default_factory=list)
    shared_tables: list[str] = field(default_factory=list)
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    triggers: dict[str, list[str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


async def read_schema(connection: AsyncConnection) -> Schema:
    """The catalog as the owner sees it (the request role cannot see every constraint)."""
    schema = Schema()
    tables = (await connection.execute(text(_TABLES))).mappings().all()
    for table in tables:
        if table["tenant_type"] is None:
            schema.shared_tables.append(table["name"])
            continue
        schema.tenant_tables.append(table["name"])
        if table["tenant_type"] != "uuid" or not table["tenant_not_null"]:
            # Colocation needs one type, and Citus refuses NULL distribution values.
            schema.problems.append(f"{table['name']}.{DISTRIBUTION_COLUMN} must be uuid NOT NULL")
    for name in schema.shared_tables:
        if name not in REFERENCE_TABLES + LOCAL_TABLES:
            schema.problems.append(f"{name} has no {DISTRIBUTION_COLUMN}: add it, or make it a reference table here")

    oids = [t["oid"] for t in tables]
    constraints = (await connection.execute(text(_CONSTRAINTS), {"oids": oids})).mappings().all()
    for con in constraints:
        if con["kind"] == "f":
            schema.foreign_keys.append(ForeignKey(
                con["name"], con["table_name"], tuple(con["columns"]), con["referenced"],
                tuple(con["referenced_columns"]), con["definition"],
            ))
        elif con["table_name"] in schema.tenant_tables and DISTRIBUTION_COLUMN not in con["columns"]:
            schema.problems.append(f"{con['table_name']}: key {con['name']} {con['columns']} lacks {DISTRIBUTION_COLUMN}")
    for fk in schema.foreign_keys:
        problem = _foreign_key_problem(schema, fk)
        if problem:
            schema.problems.append(f"{fk.table}: foreign key {fk.name} {problem}")

    tenant_oids = [t["oid"] for t in tables if t["tenant_type"] is not None]
    indexes = (await connection.execute(text(_UNIQUE_INDEXES), {"oids": tenant_oids, "column": DISTRIBUTION_COLUMN}))
    for index in indexes.mappings():
        if not index["has_tenant_id"]:
            schema.problems.append(f"{index['table_name']}: unique index {index['name']} lacks {DISTRIBUTION_COLUMN}")
    for trigger in (await connection.execute(text(_TRIGGERS), {"oids": tenant_oids})).mappings():
        schema.triggers.setdefault(trigger["table_name"], []).append(trigger["name"])
    return schema


def _foreign_key_problem(schema: Schema, fk: ForeignKey) -> str | None:
    """Citus keeps a foreign key between colocated tables when it pairs the distribution
    columns, and from a distributed table to a reference table; nothing else."""
    if fk.table not in schema.tenant_tables:
        return "leaves a shared table (a reference table cannot point at distributed rows)"
    if fk.referenced in REFERENCE_TABLES:
        return None
    if fk.referenced not in schema.tenant_tables:
        return f"points at {fk.referenced}, which is neither distributed nor a reference table"
    pairs = list(zip(fk.columns, fk.referenced_columns))
    if (DISTRIBUTION_COLUMN, DISTRIBUTION_COLUMN) not in pairs:
        return f"{list(fk.columns)} -> {fk.referenced}{list(fk.referenced_columns)} does not pair {DISTRIBUTION_COLUMN}"
    return None


def distribution_order(schema: Schema) -> list[str]:
    """Tenant tables, each after the tables it references (cycles, such as departments'
    head and employees' department, are broken at the first table by name)."""
    references: dict[str, set[str]] = {t: set() for t in schema.tenant_tables}
    for fk in schema.foreign_keys:
        if fk.table in references and fk.referenced in references and fk.referenced != fk.table:
            references[fk.table].add(fk.referenced)
    order: list[str] = []
    visiting: set[str] = set()

    def visit(table: str) -> None:
        if table in order or table in visiting:
            return
        visiting.add(table)
        for referenced in sorted(references[table]):
            visit(referenced)
        visiting.discard(table)
        order.append(table)

    for table in sorted(references):
        visit(table)
    return order


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def citus_sql(schema: Schema) -> str:
    """The script, deterministic for a given schema (the test compares it with the file)."""
    if schema.problems:
        raise ValueError("schema cannot be distributed by tenant_id:\n  " + "\n  ".join(schema.problems))
    order = distribution_order(schema)
    foreign_keys = sorted(schema.foreign_keys, key=lambda fk: (order.index(fk.table), fk.name))
    anchor = order[0]
    lines = [
        "-- Generated by `python -m tenants.citus` from the migrated schema; do not edit.",
        "-- Regenerate after every migration: tests/service/test_citus_distribution.py compares.",
        "--",
        "-- Run once, as the owner, on the Citus coordinator, after `hr migrate` (docs/scaling.md).",
        "-- Foreign keys are dropped first and re-created last: a foreign key between a",
        "-- distributed table and a not-yet-distributed one is refused in either direction,",
        "-- and the registry's foreign keys would otherwise turn tables into Citus local tables.",
        "BEGIN;",
        "-- Foreign keys to reference tables are created in the same transaction.",
        "SET LOCAL citus.multi_shard_modify_mode TO 'sequential';",
    ]
    if schema.triggers:
        lines += [
            "-- These tables have triggers, which Citus distributes only when allowed; each trigger",
            "-- function then runs on the worker holding the shard (verify them, docs/scaling.md):",
        ]
        lines += [f"--   {table}: {', '.join(names)}" for table, names in sorted(schema.triggers.items())]
        lines.append("SET LOCAL citus.enable_unsafe_triggers TO on;")
    lines += ["", "-- 1. Foreign keys out of the way."]
    lines += [f"ALTER TABLE {fk.table} DROP CONSTRAINT {_identifier(fk.name)};" for fk in foreign_keys]
    lines += ["", "-- 2. The tenant registry on every node."]
    lines += [f"SELECT create_reference_table({_literal(t)});" for t in REFERENCE_TABLES]
    lines += ["", f"-- 3. Every tenant table by {DISTRIBUTION_COLUMN}, colocated with {anchor}."]
    for table in order:
        colocate = "none" if table == anchor else anchor
        lines.append(
            f"SELECT create_distributed_table({_literal(table)}, {_literal(DISTRIBUTION_COLUMN)}, "
            f"colocate_with => {_literal(colocate)});"
        )
    lines += ["", "-- 4. The foreign keys back, now between colocated shards."]
    lines += [
        f"ALTER TABLE {fk.table} ADD CONSTRAINT {_identifier(fk.name)} {fk.definition};" for fk in foreign_keys
    ]
    lines += ["", "COMMIT;", ""]
    return "\n".join(lines)


async def generate(connection: AsyncConnection) -> str:
    return citus_sql(await read_schema(connection))


async def _main() -> None:
    from tenants.database import DatabaseConfig, create_owner_engine

    url = os.environ.get("DATABASE_URL")
    if not url:
        sys.exit("DATABASE_URL (the owner role, schema at head) must be set")
    engine = create_owner_engine(DatabaseConfig(owner_url=url))
    try:
        async with engine.connect() as connection:
            sys.stdout.write(await generate(connection))
    finally:
        await engine.dispose()


if __name__ == "__main__":
    asyncio.run(_main())
