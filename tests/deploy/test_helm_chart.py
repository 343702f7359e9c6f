"""The helm chart lints, renders and validates offline with the real Helm engine.

helm-python-sdk embeds Helm's Go SDK (no helm binary, no cluster): `helm.lint` is
`helm lint`, `Chart.render` is `helm template`, both applying values.schema.json.
kubernetes-validate ships the Kubernetes OpenAPI schemas, so every rendered object is
checked in strict mode (unknown fields fail) against the oldest Kubernetes the chart
supports and a recent one. The ServiceMonitor is a CRD with no built-in schema; it is
checked against the fields of the prometheus-operator CRD it uses, and against the
Service it must select.
"""

from __future__ import annotations

import re
from pathlib import Path

import helm_python as helm
import jsonschema
import kubernetes_validate
import pytest
import yaml

CHART = Path(__file__).resolve().parents[2] / "helm" / "hr-platform"
RELEASE = "hr"
NAMESPACE = "hr-prod"
# The chart's kubeVersion floor, and a recent release.
KUBE_VERSIONS = ("1.29.0", "1.34.0")

# Environment variables whose values are credentials: they may only come from Secrets.
SECRET_LOOKING = re.compile(r"(^|_)(PASSWORD|SECRET|TOKEN|CREDENTIALS?|PRIVATE_KEY|API_KEY)($|_)|DATABASE_URL|REDIS_URL")
DURATION = r"^[0-9]+(ms|s|m|h)$"

# The prometheus-operator ServiceMonitor (monitoring.coreos.com/v1) fields this chart uses.
SERVICE_MONITOR_SCHEMA = {
    "type": "object",
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "additionalProperties": False,
    "properties": {
        "apiVersion": {"const": "monitoring.coreos.com/v1"},
        "kind": {"const": "ServiceMonitor"},
        "metadata": {
            "type": "object",
            "required": ["name", "labels"],
            "additionalProperties": False,
            "properties": {
                "name": {"type": "string", "pattern": r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", "maxLength": 63},
                "labels": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        },
        "spec": {
            "type": "object",
            "required": ["selector", "endpoints"],
            "additionalProperties": False,
            "properties": {
                "selector": {
                    "type": "object",
                    "required": ["matchLabels"],
                    "additionalProperties": False,
                    "properties": {"matchLabels": {
                        "type": "object", "minProperties": 1, "additionalProperties": {"type": "string"},
                    }},
                },
                "namespaceSelector": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "any": {"type": "boolean"},
                        "matchNames": {"type": "array", "items": {"type": "string"}},
                    },
                },
                "endpoints": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "required": ["port", "path"],
                        "additionalProperties": False,
                        "properties": {
                            "port": {"type": "string"},
                            "path": {"type": "string", "pattern": "^/"},
                            "scheme": {"enum": ["http", "https"]},
                            "interval": {"type": "string", "pattern": DURATION},
                            "scrapeTimeout": {"type": "string", "pattern": DURATION},
                        },
                    },
                },
            },
        },
    },
}


def production_values() -> dict:
    # Parsed by Helm itself, exactly as `-f values-production.yaml` would be.
    return helm.values_from_yaml((CHART / "values-production.yaml").read_text())


def render_files(values: dict | None = None) -> dict[str, str]:
    with helm.Chart.load(CHART) as chart:
        return chart.render(values, name=RELEASE, namespace=NAMESPACE, is_install=True)


def render(values: dict | None = None) -> list[dict]:
    documents = []
    for path, text in sorted(render_files(values).items()):
        if path.endswith(".yaml"):
            documents.extend(doc for doc in yaml.safe_load_all(text) if doc)
    return documents


def one(manifests: list[dict], kind: str, component: str = "api") -> dict:
    found = [m for m in manifests if m["kind"] == kind
             and m["metadata"]["labels"].get("app.kubernetes.io/component") == component]
    assert len(found) == 1, f"expected one {component} {kind}, found {len(found)}"
    return found[0]


def kinds(manifests: list[dict]) -> list[str]:
    return sorted(m["kind"] for m in manifests)


def hook(manifest: dict) -> str | None:
    return manifest["metadata"].get("annotations", {}).get("helm.sh/hook")


@pytest.fixture(scope="module")
def default_manifests() -> list[dict]:
    return render()


@pytest.fixture(scope="module")
def production_manifests() -> list[dict]:
    return render(production_values())


@pytest.fixture(params=["default", "production"])
def manifests(request, default_manifests, production_manifests) -> list[dict]:
    return default_manifests if request.param == "default" else production_manifests


# --- lint and schema validation ---------------------------------------------------------


@pytest.mark.parametrize("values", [None, "production"])
def test_the_chart_lints_without_warnings_in_strict_mode(values):
    report = helm.lint(CHART, production_values() if values else None, strict=True,
                       namespace=NAMESPACE, kube_version=f"v{KUBE_VERSIONS[-1]}")
    assert report["total_charts_linted"] == 1
    assert report["errors"] == []
    # Severity 1 is informational ("icon is recommended"); 2 and 3 are warnings and errors.
    assert [m for m in report["messages"] if m["severity"] >= 2] == []


def test_the_default_and_production_renders_contain_the_expected_objects(default_manifests, production_manifests):
    assert kinds(default_manifests) == [
        "ConfigMap", "Deployment", "Job", "PodDisruptionBudget", "Service", "ServiceAccount", "ServiceAccount",
    ]
    assert kinds(production_manifests) == [
        "ConfigMap", "Deployment", "HorizontalPodAutoscaler", "Ingress", "Job", "NetworkPolicy", "NetworkPolicy",
        "PodDisruptionBudget", "Service", "ServiceAccount", "ServiceAccount", "ServiceMonitor",
    ]


@pytest.mark.parametrize("kube_version", KUBE_VERSIONS)
def test_every_rendered_manifest_is_valid_kubernetes(manifests, kube_version):
    checked = []
    for manifest in manifests:
        if manifest["apiVersion"] == "monitoring.coreos.com/v1":
            continue  # a CRD: no built-in schema; see the ServiceMonitor test below
        # Raises ValidationError on an unknown field, a wrong type or a missing required field.
        kubernetes_validate.validate(manifest, kube_version, strict=True)
        checked.append(manifest["kind"])
    assert "Deployment" in checked and "Job" in checked


def test_strict_validation_catches_a_misplaced_field(default_manifests):
    # Guard for the test above: the validator really is strict about unknown fields.
    deployment = one(default_manifests, "Deployment")
    broken = {**deployment, "spec": {**deployment["spec"], "replica": 3}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBE_VERSIONS[-1], strict=True)


def test_the_service_monitor_scrapes_metrics_from_the_api_service(production_manifests):
    monitor = one(production_manifests, "ServiceMonitor")
    jsonschema.validate(monitor, SERVICE_MONITOR_SCHEMA)
    service = one(production_manifests, "Service")
    # It must select the API Service (by its labels), in the release namespace, on a named port.
    selector = monitor["spec"]["selector"]["matchLabels"]
    assert selector.items() <= service["metadata"]["labels"].items()
    assert monitor["spec"]["namespaceSelector"] == {"matchNames": [NAMESPACE]}
    endpoint = monitor["spec"]["endpoints"][0]
    assert endpoint["port"] in {p["name"] for p in service["spec"]["ports"]}
    assert endpoint["path"] == "/metrics"
    assert monitor["metadata"]["labels"]["release"] == "kube-prometheus-stack"


@pytest.mark.parametrize("values, complaint", [
    ({"replicas": 3}, "additional properties 'replicas' not allowed"),
    ({"image": {"pullPolicy": "Sometimes"}}, "/image/pullPolicy"),
    ({"replicaCount": "three"}, "/replicaCount"),
    ({"config": {"dbPoolSize": 2.5}}, "/config/dbPoolSize"),
    ({"config": {"rateLimits": {"tenantRequests": "lots"}}}, "/config/rateLimits/tenantRequests"),
    # There is no place for a literal secret: references only, and no secret-looking extra env.
    ({"secrets": {"databaseUrl": {"existingSecret": "db", "key": "url", "value": "postgresql://u:p@db/hr"}}},
     "additional properties 'value' not allowed"),
    ({"config": {"extraEnv": {"HR_APP_DB_PASSWORD": "hunter2"}}}, "invalid propertyName 'HR_APP_DB_PASSWORD'"),
])
def test_values_schema_rejects_unknown_keys_and_bad_types(values, complaint):
    with pytest.raises(helm.HelmValuesError) as refused:
        render_files(values)
    assert complaint in str(refused.value)
    report = helm.lint(CHART, values, strict=True)
    assert any(complaint in error for error in report["errors"])


@pytest.mark.parametrize("values, complaint", [
    # No node could ever be drained.
    ({"podDisruptionBudget": {"minAvailable": 2}}, "minAvailable (2) must be below the minimum replica count (2)"),
    # 3 pods (2 + surge) x (2 x 10 + 4 + 1) + 4 = 79 connections do not fit in 50 - 10.
    ({"database": {"maxConnections": 50}}, "connection budget exceeded: 3 pods x 25 connections"),
    # preStop 5 s + shutdown grace 20 s + 5 s margin.
    ({"terminationGracePeriodSeconds": 20}, "terminationGracePeriodSeconds (20) must be at least"),
    ({"secrets": {"databaseUrl": {"existingSecret": "", "key": "DATABASE_URL"}}}, "secrets.databaseUrl.existingSecret is required"),
    ({"secrets": {"appDbPassword": {"existingSecret": "", "key": "HR_APP_DB_PASSWORD"}}}, "request role needs credentials"),
    ({"ingress": {"enabled": True}}, "ingress.hosts must list at least one host"),
])
def test_unsafe_settings_fail_the_render(values, complaint):
    with pytest.raises(helm.HelmRenderError) as refused:
        render_files(values)
    assert complaint in str(refused.value)


# --- the pods -----------------------------------------------------------------------------


def pod_specs(manifests: list[dict]) -> dict[str, dict]:
    return {
        "api": one(manifests, "Deployment")["spec"]["template"]["spec"],
        "migrate": one(manifests, "Job", "migrate")["spec"]["template"]["spec"],
    }


def test_pods_run_as_a_non_root_user_on_a_read_only_filesystem_without_privileges(manifests):
    for name, pod in pod_specs(manifests).items():
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        assert pod["securityContext"]["runAsUser"] == 10001, name  # the Dockerfile's USER
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}, name
        assert pod["automountServiceAccountToken"] is False, name
        assert "hostNetwork" not in pod and "hostPID" not in pod, name
        for container in pod["containers"]:
            context = container["securityContext"]
            assert context["runAsNonRoot"] is True and context["runAsUser"] != 0, name
            assert context["readOnlyRootFilesystem"] is True, name
            assert context["allowPrivilegeEscalation"] is False, name
            assert context["privileged"] is False, name
            assert context["capabilities"] == {"drop": ["ALL"]}, name
            assert context["seccompProfile"] == {"type": "RuntimeDefault"}, name
            # The only writable path is an emptyDir at /tmp (HR_DATA_DIR).
            mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
            assert mounts == {"/tmp": "tmp"}, name
        assert [v for v in pod["volumes"] if v["name"] == "tmp"][0]["emptyDir"]["sizeLimit"], name


def test_every_container_has_resource_requests_and_limits(manifests):
    for name, pod in pod_specs(manifests).items():
        for container in pod["containers"]:
            resources = container["resources"]
            assert set(resources["requests"]) >= {"cpu", "memory"}, name
            assert set(resources["limits"]) >= {"cpu", "memory"}, name


def test_liveness_checks_the_process_and_readiness_checks_the_database(manifests):
    container = one(manifests, "Deployment")["spec"]["template"]["spec"]["containers"][0]
    assert container["ports"] == [{"name": "http", "containerPort": 8000, "protocol": "TCP"}]
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert container["startupProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert container["args"] == ["serve", "--host", "0.0.0.0", "--port", "8000"]


def test_shutdown_drains_endpoints_and_fits_in_the_grace_period(manifests):
    pod = one(manifests, "Deployment")["spec"]["template"]["spec"]
    config = one(manifests, "ConfigMap")["data"]
    sleep = pod["containers"][0]["lifecycle"]["preStop"]["exec"]["command"]
    assert sleep[0] == "sleep" and int(sleep[1]) >= 3
    # preStop sleep, then the app's own bounded drain, must end before the SIGKILL.
    assert int(sleep[1]) + int(config["HR_SHUTDOWN_GRACE_SECONDS"]) < pod["terminationGracePeriodSeconds"]
    strategy = one(manifests, "Deployment")["spec"]["strategy"]["rollingUpdate"]
    assert strategy["maxUnavailable"] == 0


def test_pods_spread_across_zones_and_nodes(manifests):
    deployment = one(manifests, "Deployment")
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    spread = deployment["spec"]["template"]["spec"]["topologySpreadConstraints"]
    assert {c["topologyKey"] for c in spread} == {"topology.kubernetes.io/zone", "kubernetes.io/hostname"}
    for constraint in spread:
        assert constraint["labelSelector"]["matchLabels"].items() <= pod_labels.items()


# --- secrets --------------------------------------------------------------------------


def test_no_secret_value_is_ever_rendered(manifests):
    assert "Secret" not in kinds(manifests)
    text = yaml.safe_dump_all(manifests)
    assert not re.search(r"(postgres(ql)?|redis)s?://", text)
    config = one(manifests, "ConfigMap")["data"]
    assert [key for key in config if SECRET_LOOKING.search(key)] == []
    for name, pod in pod_specs(manifests).items():
        for container in pod["containers"]:
            for variable in container["env"]:
                if SECRET_LOOKING.search(variable["name"]):
                    # Only a reference to a Secret's key, never a value.
                    assert "value" not in variable, (name, variable)
                    assert set(variable["valueFrom"]) == {"secretKeyRef"}, (name, variable)


def test_database_credentials_are_referenced_from_the_configured_secret(manifests):
    for name, pod in pod_specs(manifests).items():
        env = {v["name"]: v for v in pod["containers"][0]["env"]}
        assert env["DATABASE_URL"]["valueFrom"]["secretKeyRef"] == {"name": "hr-platform-database", "key": "DATABASE_URL"}
        assert env["HR_APP_DB_PASSWORD"]["valueFrom"]["secretKeyRef"] == {
            "name": "hr-platform-database", "key": "HR_APP_DB_PASSWORD",
        }
        assert "APP_DATABASE_URL" not in env  # unset reference: no variable at all


def test_redis_is_referenced_only_when_configured(default_manifests, production_manifests):
    def env(manifests):
        return {v["name"]: v for v in pod_specs(manifests)["api"]["containers"][0]["env"]}

    assert "REDIS_URL" not in env(default_manifests)
    assert env(production_manifests)["REDIS_URL"]["valueFrom"]["secretKeyRef"] == {
        "name": "hr-platform-redis", "key": "REDIS_URL",
    }
    # The migration needs the database only.
    assert "REDIS_URL" not in {v["name"] for v in pod_specs(production_manifests)["migrate"]["containers"][0]["env"]}


# --- the migration hook ---------------------------------------------------------------


def test_the_migration_job_runs_hr_migrate_as_a_pre_install_and_pre_upgrade_hook(manifests):
    job = one(manifests, "Job", "migrate")
    annotations = job["metadata"]["annotations"]
    assert annotations["helm.sh/hook"] == "pre-install,pre-upgrade"
    assert annotations["helm.sh/hook-delete-policy"] == "before-hook-creation,hook-succeeded"
    spec = job["spec"]
    assert spec["backoffLimit"] == 2 and spec["activeDeadlineSeconds"] == 600 and spec["ttlSecondsAfterFinished"] > 0
    pod = spec["template"]["spec"]
    assert pod["restartPolicy"] == "Never"
    container = pod["containers"][0]
    assert container["args"] == ["migrate"]
    # Hooks run before the release's regular objects exist: nothing may come from the
    # ConfigMap, and the ServiceAccount (and NetworkPolicy, if any) must be earlier hooks.
    assert "envFrom" not in container
    assert {v["name"]: v.get("value") for v in container["env"]}["HR_ENV"] == "production"
    account = [m for m in manifests if m["kind"] == "ServiceAccount"
               and m["metadata"]["name"] == pod["serviceAccountName"]]
    assert len(account) == 1 and hook(account[0]) == "pre-install,pre-upgrade"
    earlier = [m for m in manifests if hook(m) and m is not job]
    assert earlier and all(
        int(m["metadata"]["annotations"]["helm.sh/hook-weight"]) < int(annotations["helm.sh/hook-weight"]) for m in earlier
    )


# --- wiring between objects -----------------------------------------------------------


def test_service_pdb_and_policies_select_the_api_pods_and_never_the_migration(manifests):
    api_pods = one(manifests, "Deployment")["spec"]["template"]["metadata"]["labels"]
    migration_pods = one(manifests, "Job", "migrate")["spec"]["template"]["metadata"]["labels"]
    selectors = {
        "Service": one(manifests, "Service")["spec"]["selector"],
        "PodDisruptionBudget": one(manifests, "PodDisruptionBudget")["spec"]["selector"]["matchLabels"],
        "Deployment": one(manifests, "Deployment")["spec"]["selector"]["matchLabels"],
    }
    for kind, selector in selectors.items():
        assert selector.items() <= api_pods.items(), kind
        assert not selector.items() <= migration_pods.items(), kind


def test_production_autoscales_with_a_budget_that_keeps_two_pods(production_manifests):
    deployment = one(production_manifests, "Deployment")
    autoscaler = one(production_manifests, "HorizontalPodAutoscaler")
    budget = one(production_manifests, "PodDisruptionBudget")
    # With an HPA the Deployment leaves replicas alone, or every upgrade would reset them.
    assert "replicas" not in deployment["spec"]
    assert autoscaler["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1", "kind": "Deployment", "name": deployment["metadata"]["name"],
    }
    assert (autoscaler["spec"]["minReplicas"], autoscaler["spec"]["maxReplicas"]) == (3, 10)
    assert budget["spec"]["minAvailable"] == 2 and "maxUnavailable" not in budget["spec"]


def test_the_ingress_routes_only_graphql_over_tls(production_manifests):
    ingress = one(production_manifests, "Ingress")
    service = one(production_manifests, "Service")
    assert ingress["spec"]["tls"] == [{"secretName": "hr-platform-tls", "hosts": ["api.example.com"]}]
    [rule] = ingress["spec"]["rules"]
    assert rule["host"] == "api.example.com"
    assert [(p["path"], p["pathType"]) for p in rule["http"]["paths"]] == [("/graphql", "Exact")]
    backend = rule["http"]["paths"][0]["backend"]["service"]
    assert backend == {"name": service["metadata"]["name"], "port": {"name": "http"}}


def test_network_policies_allow_only_the_needed_peers_and_ports(production_manifests):
    api = one(production_manifests, "NetworkPolicy")
    migrate = one(production_manifests, "NetworkPolicy", "migrate")
    pod_labels = one(production_manifests, "Deployment")["spec"]["template"]["metadata"]["labels"]
    assert api["spec"]["podSelector"]["matchLabels"].items() <= pod_labels.items()
    assert api["spec"]["policyTypes"] == ["Ingress", "Egress"]
    namespaces = [rule["from"][0]["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"]
                  for rule in api["spec"]["ingress"]]
    assert namespaces == ["ingress-nginx", "monitoring"]
    assert all(rule["ports"] == [{"port": "http", "protocol": "TCP"}] for rule in api["spec"]["ingress"])

    def egress_ports(policy):
        return sorted({p["port"] for rule in policy["spec"]["egress"] for p in rule["ports"]})

    # DNS, PostgreSQL, Redis, identity providers; no OTLP rule because its `to` is empty.
    assert egress_ports(api) == [53, 443, 5432, 6379]
    assert all(rule["to"] for rule in api["spec"]["egress"])  # an empty `to` would mean anywhere
    # The migration reaches DNS and PostgreSQL only, and accepts no traffic.
    assert egress_ports(migrate) == [53, 5432]
    assert migrate["spec"]["ingress"] == []
    assert hook(migrate) == "pre-install,pre-upgrade"


def test_configuration_is_production_and_stateless(manifests):
    config = one(manifests, "ConfigMap")["data"]
    assert config["HR_ENV"] == "production"
    assert config["HR_DATA_DIR"] == "/tmp"
    assert "HR_DEV_AUTH" not in config
    # Every value is a string, as a ConfigMap requires (and large numbers are not mangled).
    assert config["HR_MAX_DOCUMENT_BYTES"] == "20000" and config["HR_RATE_TENANT_COST"] == "2000000/minute"


def test_the_optional_settings_render_valid_manifests():
    # The branches neither example takes: no chart-made ServiceAccount, no migration hook,
    # extra secret references, an image digest, tracing, introspection, a memory target.
    manifests = render({
        "image": {"digest": "sha256:" + "ab" * 32},
        "serviceAccount": {"create": False, "name": "hr-runtime"},
        "migration": {"enabled": False},
        "networkPolicy": {"enabled": True},
        "autoscaling": {"enabled": True, "targetMemoryUtilizationPercentage": 80},
        "config": {"introspection": True, "otel": {"exporterEndpoint": "http://otel-collector:4318"},
                   "extraEnv": {"HR_FEATURE_X": "on"}},
        "secrets": {"appDatabaseUrl": {"existingSecret": "hr-app-db", "key": "url"},
                    "appDbPassword": {"existingSecret": "", "key": "HR_APP_DB_PASSWORD"},
                    "trustedIssuers": {"existingSecret": "hr-issuers", "key": "issuers"},
                    "extra": [{"env": "OTEL_EXPORTER_OTLP_HEADERS", "existingSecret": "otel", "key": "headers"}]},
    })
    for manifest in manifests:
        kubernetes_validate.validate(manifest, KUBE_VERSIONS[-1], strict=True)
    assert kinds(manifests) == [
        "ConfigMap", "Deployment", "HorizontalPodAutoscaler", "NetworkPolicy", "PodDisruptionBudget", "Service",
    ]
    pod = one(manifests, "Deployment")["spec"]["template"]["spec"]
    assert pod["serviceAccountName"] == "hr-runtime"
    assert pod["containers"][0]["image"] == "ghcr.io/example/hr-platform@sha256:" + "ab" * 32
    env = {v["name"]: v["valueFrom"]["secretKeyRef"] for v in pod["containers"][0]["env"]}
    assert env == {
        "DATABASE_URL": {"name": "hr-platform-database", "key": "DATABASE_URL"},
        "APP_DATABASE_URL": {"name": "hr-app-db", "key": "url"},
        "HR_TRUSTED_ISSUERS": {"name": "hr-issuers", "key": "issuers"},
        "OTEL_EXPORTER_OTLP_HEADERS": {"name": "otel", "key": "headers"},
    }
    config = one(manifests, "ConfigMap")["data"]
    assert "HR_TRUSTED_ISSUERS" not in config  # the Secret provides it
    assert (config["HR_INTROSPECTION"], config["OTEL_EXPORTER_OTLP_ENDPOINT"], config["HR_FEATURE_X"]) == (
        "true", "http://otel-collector:4318", "on",
    )
    metrics = one(manifests, "HorizontalPodAutoscaler")["spec"]["metrics"]
    assert [m["resource"]["name"] for m in metrics] == ["cpu", "memory"]


# Settings the chart deliberately does not put in its ConfigMap: secrets (referenced from
# Secrets instead), the listen address (the container's args), and development-only or
# file-based options. A new setting in api/settings.py fails the test below until the
# chart passes it on (values.yaml, values.schema.json, configmap.yaml) or it is listed here.
NOT_IN_CONFIGMAP = {
    "DATABASE_URL", "APP_DATABASE_URL", "HR_APP_DB_PASSWORD", "REDIS_URL",  # secrets
    "HOST", "PORT",  # `hr serve --host 0.0.0.0 --port 8000`
    "HR_DEV_AUTH", "HR_DEV_ISSUER", "HR_DEV_AUTH_IN_PRODUCTION",  # development and benchmarks only
    "HR_TRUSTED_DOCUMENTS",  # a manifest file: needs a mounted volume (not in the chart yet)
    "HR_INTROSPECTION",  # rendered only when set (null keeps the production default: off)
}


def test_every_setting_of_the_app_is_passed_on_by_the_chart(default_manifests):
    from api.settings import Settings

    aliases = {field.alias for field in Settings.model_fields.values()}
    config = set(one(default_manifests, "ConfigMap")["data"])
    assert NOT_IN_CONFIGMAP <= aliases  # the list names real settings
    assert aliases - NOT_IN_CONFIGMAP - config == set()
    assert config - aliases <= {"OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_SERVICE_NAME"}
