"""Project-level checks: the checked-in SDL, the layer contracts, models versus migrations."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from sqlalchemy import inspect
from sqlmodel import SQLModel

import domain.org.models  # noqa: F401 - registers the org tables on SQLModel.metadata
import tenants.models  # noqa: F401
from api.schema import schema

ROOT = Path(__file__).resolve().parent.parent


def test_checked_in_schema_matches_the_code():
    """`make schema` regenerates it; a diff here means the SDL was not updated with the code."""
    assert (ROOT / "schema.graphql").read_text() == schema.as_str() + "\n"


def test_layer_contracts_hold():
    """api -> domain -> tenants, and no web framework below api (import-linter)."""
    linter = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(linter)], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_sql_in_the_api_layer():
    """The api layer may name a session type; queries and statements live in domain/ and tenants/."""
    sql_import = re.compile(r"^\s*(from sqlalchemy(?!\.ext\.asyncio import)|import sqlalchemy)", re.MULTILINE)
    offenders = [
        str(path.relative_to(ROOT)) for path in (ROOT / "api").rglob("*.py") if sql_import.search(path.read_text())
    ]
    assert offenders == []


async def test_models_match_the_migrated_tables(engines):
    owner, _ = engines
    async with owner.connect() as connection:
        live = await connection.run_sync(
            lambda sync: {
                table: {column["name"]: column["nullable"] for column in inspect(sync).get_columns(table)}
                for table in inspect(sync).get_table_names()
            }
        )
    for table in SQLModel.metadata.sorted_tables:
        assert table.name in live, table.name
        modelled = {column.name for column in table.columns}
        assert modelled == set(live[table.name]), table.name
        primary = [column.name for column in table.primary_key.columns]
        if "tenant_id" in modelled:
            assert primary[0] == "tenant_id", table.name
