"""The deployment recipe (deploy/): the nginx site the load benchmark serves, and the scripts."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from benchmarks import nginx

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"


def test_the_site_is_rendered_with_one_upstream_line_per_process_and_the_given_listen() -> None:
    text = nginx.site_config([9101, 9102, 9103], "127.0.0.1:9200")
    servers = re.findall(r"^\s*server 127\.0\.0\.1:(\d+) max_fails=2 fail_timeout=10s;$", text, re.MULTILINE)
    assert servers == ["9101", "9102", "9103"]
    assert re.findall(r"^\s*listen (\S+);$", text, re.MULTILINE) == ["127.0.0.1:9200"]
    assert "8501" not in text and "8502" not in text  # the recipe's example ports are all replaced


def test_the_site_keeps_sessions_sticky_and_proxies_websockets() -> None:
    text = nginx.SITE.read_text()
    # Every request hashed on the route cookie (address when there is none), set on a first visit.
    assert "hash $swp_route consistent;" in text
    assert re.search(r'map \$cookie_swp_route \$swp_route \{\s*""\s+\$remote_addr;\s*default \$cookie_swp_route;', text)
    assert re.search(r"add_header Set-Cookie \$swp_route_cookie always;", text)
    # A websocket through nginx: HTTP/1.1 with the upgrade headers, the browser's Host (Streamlit's
    # same-origin check compares it with the Origin), and reads that outlast a visitor reading.
    for directive in (
        "proxy_http_version 1.1;",
        "proxy_set_header Upgrade $http_upgrade;",
        "proxy_set_header Connection $connection_upgrade;",
        "proxy_set_header Host $http_host;",
        "proxy_read_timeout 3600s;",
    ):
        assert directive in text


def test_nginx_accepts_the_generated_configuration(tmp_path: Path) -> None:
    if not Path(nginx.NGINX).exists():
        pytest.fail("nginx is not installed: run `apt-get install nginx-light` (bash .ci/run does)")
    path = nginx.write_config([9101, 9102], 9200, tmp_path)
    checked = nginx.check_config(path, tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr


def test_the_scripts_parse() -> None:
    for script in ("healthcheck.sh", "monthly-import.sh", "warm.sh"):
        result = subprocess.run(["bash", "-n", str(DEPLOY / script)], capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stderr
        assert (DEPLOY / script).stat().st_mode & 0o111, f"{script} is not executable"


def test_the_units_run_the_app_on_loopback_at_the_instance_port() -> None:
    unit = (DEPLOY / "systemd" / "swp-dashboard@.service").read_text()
    command = re.search(r"^ExecStart=((?:[^\n]*\\\n)*[^\n]*)", unit, re.MULTILINE)
    assert command is not None
    assert "--server.port %i" in command.group(1) and "--server.address 127.0.0.1" in command.group(1)
    assert "streamlit run app.py" in command.group(1)
    assert "OnCalendar=" in (DEPLOY / "systemd" / "swp-import.timer").read_text()
    # Warmed after each start, and a failure to warm does not fail the unit.
    assert "\nExecStartPost=-/srv/swp/dashboard/deploy/warm.sh %i\n" in unit
    assert "\ndeploy/warm.sh || " in (DEPLOY / "monthly-import.sh").read_text()
