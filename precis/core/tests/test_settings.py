import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from precis.lib import env
from precis.testing import manage

ROOT = Path(__file__).resolve().parents[3]


def test_docs_list_every_environment_variable():
    source = (ROOT / "precis" / "settings.py").read_text()
    used = set(re.findall(r'env\.\w+\(\s*"([A-Z_]+)"', source))
    documented = set(
        re.findall(r"^\| `([A-Z_]+)`", (ROOT / "docs" / "settings.md").read_text(), re.M)
    )
    assert used, "no env reads found; has settings.py changed shape?"
    assert used - documented == set()


def test_a_bad_boolean_is_a_loud_error(monkeypatch):
    monkeypatch.setenv("PRECIS_TEST_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="PRECIS_TEST_FLAG"):
        env.boolean("PRECIS_TEST_FLAG", False)


def test_a_bad_integer_is_a_loud_error(monkeypatch):
    monkeypatch.setenv("PRECIS_TEST_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="not an integer"):
        env.integer("PRECIS_TEST_NUMBER", 1)
    monkeypatch.setenv("PRECIS_TEST_NUMBER", "-3")
    with pytest.raises(ImproperlyConfigured, match="minimum"):
        env.integer("PRECIS_TEST_NUMBER", 1, minimum=0)


def test_a_value_can_come_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("PRECIS_TEST_SECRET_FILE", str(secret))
    assert env.string("PRECIS_TEST_SECRET") == "from-a-file"


def run_manage(*args, **extra_env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SECURE_", "SECRET_KEY", "DEBUG", "DATABASE_URL", "DJANGO_ALLOW"))
    }
    environment.update(extra_env)
    return manage(*args, env=environment, check=False)


def test_production_settings_pass_the_deploy_check():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="a-production-secret-" + "x" * 40,
        ALLOWED_HOSTS="precis.example.org",
        SITE_URL="https://precis.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def start_serving(**extra_env):
    """Import the WSGI app in a fresh process, with DEBUG off, as a server would."""
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SECRET_KEY", "DEBUG", "DJANGO_ALLOW"))
    }
    return subprocess.run(
        [sys.executable, "-c", "import precis.wsgi"],
        cwd=ROOT,
        env={**environment, **extra_env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("key", "complaint"),
    [
        (None, "SECRET_KEY must be set"),
        ("x", "SECRET_KEY is too weak"),
        ("ab" * 40, "SECRET_KEY is too weak"),
    ],
)
def test_it_refuses_to_serve_without_a_strong_secret_key_outside_debug(key, complaint):
    key_env = {} if key is None else {"SECRET_KEY": key}
    deploy = run_manage("check", "--deploy", **key_env)
    assert deploy.returncode != 0
    assert complaint in deploy.stderr
    serve = start_serving(**key_env)
    assert serve.returncode != 0
    assert complaint in serve.stderr


def test_tooling_runs_without_a_secret_key():
    result = run_manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stderr


def test_a_malformed_database_url_is_reported():
    result = run_manage("check", SECRET_KEY="k" * 50, DATABASE_URL="nonsense://")
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


@pytest.mark.parametrize(("value", "expected"), [("true", "True"), (None, "False")])
def test_server_side_cursors_can_be_turned_off_for_pgbouncer(value, expected):
    flag = {} if value is None else {"DISABLE_SERVER_SIDE_CURSORS": value}
    result = run_manage(
        "shell",
        "-c",
        "from django.db import connection; "
        "print(connection.settings_dict['DISABLE_SERVER_SIDE_CURSORS'])",
        DEBUG="true",
        DATABASE_URL="postgres://nobody@127.0.0.1:5432/unused",
        **flag,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected
