"""The Dockerfile follows the image rules (docker build cannot run on these machines).

dockerfile-parse reads the instructions the way the builder does (continuations, JSON
forms, stages); the tests then check the rules per stage: a slim, non-root runtime that
gets only the builder's virtualenv and the app code, no build tools, no secrets, and
`hr serve` in exec form so SIGTERM reaches the server (graceful shutdown).
"""

from __future__ import annotations

import json
import re
import shlex
import tomllib
from pathlib import Path

import pytest
from dockerfile_parse import DockerfileParser

ROOT = Path(__file__).resolve().parents[2]
SECRET_LOOKING = re.compile(r"(^|_)(PASSWORD|SECRET|TOKEN|CREDENTIALS?|PRIVATE_KEY|API_KEY)($|_)|DATABASE_URL|REDIS_URL")
BUILD_TOOLS = re.compile(r"\b(build-essential|gcc|g\+\+|clang|make|cmake|libc6?-dev|python3?-dev|[a-z0-9]+-dev)\b")


def instructions() -> list[dict]:
    parser = DockerfileParser(path=str(ROOT / "Dockerfile"))
    return [i for i in parser.structure if i["instruction"] != "COMMENT"]


def stages() -> list[tuple[str, str, list[dict]]]:
    """[(base image, stage name, instructions after its FROM)]."""
    result = []
    for instruction in instructions():
        if instruction["instruction"] == "FROM":
            parts = instruction["value"].split()
            name = parts[2] if len(parts) == 3 and parts[1].upper() == "AS" else ""
            result.append((parts[0], name, []))
        else:
            result[-1][2].append(instruction)
    return result


def values(stage: list[dict], kind: str) -> list[str]:
    return [i["value"] for i in stage if i["instruction"] == kind]


def env_assignments(value: str) -> dict[str, str]:
    """ENV/ARG `A=1 B="two"` (or the legacy `ENV A 1`)."""
    words = shlex.split(value)
    if words and "=" not in words[0]:
        return {words[0]: " ".join(words[1:])}
    return dict(word.split("=", 1) if "=" in word else (word, "") for word in words)


@pytest.fixture(scope="module")
def final():
    return stages()[-1]


def test_the_image_is_built_in_stages_and_runs_on_slim_python(final):
    all_stages = stages()
    assert len(all_stages) >= 2
    base, name, _ = final
    assert re.fullmatch(r"python:3\.1[1-9]-slim(-[a-z]+)?(@sha256:[0-9a-f]{64})?", base), base
    assert name == "runtime"
    # Python is the same minor version in every stage: the virtualenv moves between them.
    assert {b.split("-")[0] for b, _, _ in all_stages} == {base.split("-")[0]}


def test_build_tools_exist_only_in_the_builder(final):
    builders = stages()[:-1]
    # Guard: the pattern does find the compilers where they belong.
    assert any(BUILD_TOOLS.search(run) for _, _, body in builders for run in values(body, "RUN"))
    for run in values(final[2], "RUN"):
        assert not re.search(r"apt-get install|apk add|pip install", run), run
        assert not BUILD_TOOLS.search(run), run


def test_the_runtime_copies_only_the_virtualenv_and_the_code_from_the_builder(final):
    builder_names = {name for _, name, _ in stages()[:-1]}
    copies = values(final[2], "COPY") + values(final[2], "ADD")
    assert values(final[2], "ADD") == []
    sources = []
    for copy in copies:
        words = copy.split()
        origin = [w for w in words if w.startswith("--from=")]
        assert origin and origin[0].removeprefix("--from=") in builder_names, copy
        sources.append([w for w in words if not w.startswith("--")][:-1])
    assert sorted(s for group in sources for s in group) == ["/app", "/opt/venv"]


def test_every_packaged_module_and_the_migration_config_go_into_the_image():
    packages = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]["include"]
    top_level = {p.rstrip("*") for p in packages}
    builder_copies = [c.split() for _, _, body in stages()[:-1] for c in values(body, "COPY")]
    copied = {w.rstrip("/") for words in builder_copies for w in words[:-1] if not w.startswith("--")}
    assert top_level | {"alembic.ini", "pyproject.toml"} <= copied
    # ...and .dockerignore does not drop them from the build context.
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()}
    assert copied & ignored == set()


def test_the_container_runs_as_a_numeric_non_root_user_before_it_starts(final):
    body = final[2]
    positions = {i["instruction"]: n for n, i in enumerate(body)}
    users = values(body, "USER")
    assert users, "the runtime stage sets no USER"
    uid, _, gid = users[-1].partition(":")
    # Numeric, so the kubelet can check runAsNonRoot without reading /etc/passwd.
    assert uid.isdigit() and int(uid) >= 1000, users[-1]
    assert gid == "" or (gid.isdigit() and int(gid) != 0)
    last_user = max(n for n, i in enumerate(body) if i["instruction"] == "USER")
    assert last_user < positions["ENTRYPOINT"] and last_user < positions["CMD"]
    # The chart's securityContext runs the pods as this same user.
    chart_uids = set(re.findall(r"runAsUser: (\d+)", (ROOT / "helm/hr-platform/templates/_helpers.tpl").read_text()))
    assert chart_uids == {uid}


def test_no_secret_is_baked_into_the_image():
    for _, name, body in stages():
        for kind in ("ENV", "ARG"):
            for value in values(body, kind):
                names = [n for n in env_assignments(value) if SECRET_LOOKING.search(n)]
                assert names == [], f"{kind} {names} in stage {name}"
        for copy in values(body, "COPY"):
            assert not re.search(r"\.env\b|\.pem\b|\.key\b|id_rsa", copy), copy


def test_the_image_defaults_to_production_with_a_writable_tmp_only(final):
    env = {}
    for value in values(final[2], "ENV"):
        env.update(env_assignments(value))
    assert env["HR_ENV"] == "production"
    assert env["HR_DATA_DIR"] == "/tmp"
    assert env["PYTHONDONTWRITEBYTECODE"] == "1"  # no __pycache__ writes on a read-only root
    assert "HR_DEV_AUTH" not in env


def test_the_container_serves_hr_on_port_8000_in_exec_form(final):
    body = final[2]
    assert values(body, "EXPOSE") == ["8000"]
    # Exec (JSON) form: `hr` is PID 1 and gets SIGTERM itself, so it can drain.
    entrypoint = json.loads(values(body, "ENTRYPOINT")[-1])
    command = json.loads(values(body, "CMD")[-1])
    assert entrypoint + command == ["hr", "serve", "--host", "0.0.0.0", "--port", "8000"]
    healthcheck = values(body, "HEALTHCHECK")[-1]
    assert "/healthz" in healthcheck


def test_dockerignore_keeps_local_state_tests_and_secrets_out_of_the_context():
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
               if line.strip() and not line.startswith("#")}
    assert {".venv", ".data", ".git", "tests", ".env", "**/__pycache__"} <= ignored
