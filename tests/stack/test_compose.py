"""docker-compose.yml (cannot run here): structure, connections, mounts and secrets hygiene."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from stir import config

REPO = config.REPO_ROOT
COMPOSE = yaml.safe_load((REPO / "docker-compose.yml").read_text())
SERVICES: dict[str, dict] = COMPOSE["services"]
CONN_IDS = sorted(v for k, v in vars(config).items() if k.endswith("_CONN_ID"))
VAR = re.compile(r"\$\{(\w+)(?::?[-?][^}]*)?\}")
SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|FERNET|_KEY$")


def _env(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {k: str(v) for k, v in env.items()}


def _airflow_services() -> dict[str, dict]:
    return {name: s for name, s in SERVICES.items() if str(s.get("command", [""])[0]) == "airflow"}


def _substituted(text: str) -> str:
    """What compose would produce with placeholder values, enough to parse the JSON."""
    return VAR.sub(lambda m: f"<{m.group(1)}>", text)


def _strings(node):
    if isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)
    elif isinstance(node, str):
        yield node


def test_every_service_has_a_healthcheck_or_is_a_one_shot():
    for name, service in SERVICES.items():
        one_shot = service.get("restart") == "no"
        assert "healthcheck" in service or one_shot, name
        if one_shot:
            assert "healthcheck" not in service or service["healthcheck"].get("disable"), name


def test_dependencies_wait_for_health_or_completion():
    for name, service in SERVICES.items():
        for dependency, rule in (service.get("depends_on") or {}).items():
            assert dependency in SERVICES, f"{name} depends on unknown {dependency}"
            condition = rule["condition"]
            if condition == "service_completed_successfully":
                assert SERVICES[dependency].get("restart") == "no"
            else:
                assert condition == "service_healthy" and "healthcheck" in SERVICES[dependency]


@pytest.mark.parametrize("service", ["airflow-apiserver", "airflow-scheduler", "airflow-dag-processor",
                                     "airflow-triggerer", "airflow-init"])
def test_airflow_services_exist(service):
    assert service in _airflow_services()


def test_every_connection_id_is_defined_as_json_for_airflow():
    for name, service in _airflow_services().items():
        env = _env(service)
        for conn_id in CONN_IDS:
            raw = env.get(f"AIRFLOW_CONN_{conn_id.upper()}")
            assert raw, f"{name} lacks connection {conn_id}"
            conn = json.loads(_substituted(raw))
            assert conn["conn_type"]
        clickhouse = json.loads(_substituted(env["AIRFLOW_CONN_CLICKHOUSE_GCC"]))
        assert clickhouse["extra"]["secure"] is False and clickhouse["host"] == "clickhouse"


def test_connections_point_at_services():
    env = _env(SERVICES["airflow-scheduler"])
    hosts = {json.loads(_substituted(env[f"AIRFLOW_CONN_{c.upper()}"])).get("host") for c in CONN_IDS}
    assert {"clickhouse", "postgres", "pg-host-ssh"} <= hosts
    aws = json.loads(_substituted(env["AIRFLOW_CONN_AWS_GCC"]))
    assert aws["extra"]["endpoint_url"] == "http://minio:9000"


def test_repo_code_is_mounted_into_airflow():
    for name, service in _airflow_services().items():
        sources = {str(v).split(":")[0] for v in service.get("volumes", [])}
        assert {"./dags", "./plugins", "./gcc_social"} <= sources, name
        env = _env(service)
        targets = {str(v).split(":")[0]: str(v).split(":")[1] for v in service["volumes"]}
        assert env["AIRFLOW__CORE__DAGS_FOLDER"] == targets["./dags"]
        assert env["AIRFLOW__CORE__PLUGINS_FOLDER"] == targets["./plugins"]
        assert env["STIR_DBT_PROJECT_DIR"] == targets["./gcc_social"]


def test_ssh_host_shares_the_import_volume_with_postgres():
    def volume_at(service, path):
        return {str(v).split(":")[0] for v in SERVICES[service]["volumes"] if str(v).split(":")[1] == path}

    assert volume_at("pg-host-ssh", "/import") == volume_at("postgres", "/import") == {"pg-import"}
    for name, service in _airflow_services().items():
        assert _env(service)["STIR_SYNC_LOCAL_DIR"] == "/import", name


def test_no_literal_credentials():
    for name, service in SERVICES.items():
        for key, value in _env(service).items():
            if SECRET_NAME.search(key) and not key.endswith("_FILE") and value not in ("true", "false"):
                assert VAR.fullmatch(value), f"{name}.{key} must come from .env, got a literal"
            if key.startswith("AIRFLOW_CONN_"):
                conn = json.loads(_substituted(value))
                password = conn.get("password")
                assert password is None or re.fullmatch(r"<\w+>", password), f"{name}.{key} password"
    for text in _strings(COMPOSE):
        # user:password@host must take its password from a variable
        for match in re.finditer(r"://[^/@\s:]+:([^@\s]+)@", text):
            assert VAR.fullmatch(match.group(1)), text


def test_env_example_lists_required_variables_without_secrets():
    example = {}
    for line in (REPO / ".env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            example[key] = value
    text = (REPO / "docker-compose.yml").read_text()
    required = {m.group(1) for m in re.finditer(r"\$\{(\w+):\?", text)}
    assert required <= set(example), required - set(example)
    for key, value in example.items():
        if SECRET_NAME.search(key) and not key.endswith("_FILE"):
            assert value == "", f".env.example must not ship a value for {key}"


def test_ssh_keys_are_ignored_by_git():
    ignore = (REPO / "docker" / "secrets" / ".gitignore").read_text().splitlines()
    assert "*" in ignore and "!.gitignore" in ignore
    for secret in COMPOSE["secrets"].values():
        assert VAR.search(secret["file"]) and "docker/secrets/" in secret["file"]
