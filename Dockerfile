# syntax=docker/dockerfile:1
# The HR platform API image: `hr serve` by default, `hr migrate` for the migration Job.
#
# Two stages: the builder has compilers (for any dependency without a wheel for the
# target platform) and installs everything into a virtualenv; the runtime stage is a
# slim Python with no build tools that gets only that virtualenv and the app code.
# Nothing secret is baked in: DATABASE_URL, HR_APP_DB_PASSWORD/APP_DATABASE_URL and
# REDIS_URL come from the environment at run time (Kubernetes Secrets, see helm/).
# Pin the base images by digest in your registry mirror for reproducible builds.

FROM python:3.11-slim AS builder

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

# Dependencies first, from pyproject.toml alone, so code changes reuse this layer.
WORKDIR /app
COPY pyproject.toml README.md ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt

# The app itself. An editable install keeps the code at /app (the same path in the
# runtime stage): `hr migrate` reads alembic.ini and migrations/versions next to the
# code (tenants/migrate.py resolves them from its own location), which a wheel would
# not carry. Bytecode is compiled here because the runtime filesystem is read-only.
COPY alembic.ini ./
COPY api ./api
COPY domain ./domain
COPY tenants ./tenants
COPY migrations ./migrations
RUN pip install --no-deps -e /app \
    && python -m compileall -q /app/api /app/domain /app/tenants /app/migrations

FROM python:3.11-slim AS runtime

# Production by default; HR_DATA_DIR points at the only writable place (/tmp, an
# emptyDir in Kubernetes), so the image runs with a read-only root filesystem.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HR_ENV=production \
    HR_DATA_DIR=/tmp \
    HOST=0.0.0.0 \
    PORT=8000

# A fixed numeric user (no login, no home) so Kubernetes can verify runAsNonRoot.
RUN groupadd --system --gid 10001 hr \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin hr

# Only the virtualenv and the app code; both stay owned by root, so the app cannot
# modify itself.
COPY --from=builder /opt/venv /opt/venv
COPY --from=builder /app /app
WORKDIR /app

USER 10001:10001
EXPOSE 8000

# For `docker run` and compose. Kubernetes ignores HEALTHCHECK and uses the chart's
# probes instead (liveness /healthz, readiness /readyz, which also checks the database).
HEALTHCHECK --interval=30s --timeout=3s --start-period=15s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]

ENTRYPOINT ["hr"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
