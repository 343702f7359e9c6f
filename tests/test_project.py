"""Project-level checks: the checked-in SDL, the layer contracts, models versus migrations."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
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


# --- documentation -------------------------------------------------------------------------

MARKDOWN_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
DOC_PAGES = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", ROOT / "benchmarks" / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _anchors(page: Path) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens."""
    headings = re.findall(r"^#+ (.+)$", page.read_text(), re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-") for heading in headings}


def test_checked_in_configuration_reference_matches_the_settings():
    """`make docs` regenerates it; a diff here means a setting changed without it."""
    from api.settings_docs import render

    assert (ROOT / "docs" / "configuration.md").read_text() == render()


def test_every_setting_is_described_in_the_reference():
    from api.settings_docs import undescribed

    assert undescribed() == [], "add Field(description=...) to these settings, then `make docs`"


def test_a_setting_added_without_regenerating_fails_the_reference_check():
    """The comparison above sees new settings: the page rendered from a class with one more
    setting differs from the checked-in one, and names it with its description and default."""
    from pydantic import Field

    from api.settings import Settings
    from api.settings_docs import render, undescribed

    class Extended(Settings):
        brand_new: int = Field(7, alias="HR_BRAND_NEW", description="A setting nobody documented yet.")

    class Undescribed(Settings):
        brand_new: int = Field(7, alias="HR_BRAND_NEW")

    page = render(Extended)
    assert page != (ROOT / "docs" / "configuration.md").read_text()
    assert "| `HR_BRAND_NEW` | integer | `7` | A setting nobody documented yet. |" in page
    assert undescribed(Undescribed) == ["HR_BRAND_NEW"]


def test_the_readme_stays_a_five_minute_read():
    """What a newcomer needs; the rules of each context live in docs/<context>.md."""
    assert len((ROOT / "README.md").read_text().splitlines()) < 200


def test_the_readme_names_the_two_commands_and_the_makefile_has_them():
    readme = (ROOT / "README.md").read_text()
    makefile = (ROOT / "Makefile").read_text()
    for command in ("run", "test"):
        assert f"make {command}" in readme
        assert re.search(rf"^{command}:", makefile, re.MULTILINE), command


def test_the_readme_links_every_docs_page():
    readme = (ROOT / "README.md").read_text()
    linked = set(MARKDOWN_LINK.findall(readme))
    pages = {f"docs/{page.name}" for page in (ROOT / "docs").glob("*.md")}
    assert pages - linked == set()
    assert {"CONTRIBUTING.md", "benchmarks/README.md", "docs/dependencies.md"} <= linked


@pytest.mark.parametrize("page", DOC_PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_every_relative_link_in_the_docs_resolves(page: Path):
    broken = []
    for target in MARKDOWN_LINK.findall(page.read_text()):
        if re.match(r"^[a-z]+:", target):
            continue  # an external URL
        path, _, anchor = target.partition("#")
        resolved = (page.parent / path).resolve() if path else page
        if not resolved.exists():
            broken.append(target)
        elif anchor and resolved.suffix == ".md" and anchor not in _anchors(resolved):
            broken.append(target)
    assert broken == []
