"""Starting ``streamlit run app.py`` and Debian's chromium: shared by the browser tests and benchmarks."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Flags for a closed network (no background calls home) and running as root in CI.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def free_port() -> int:
    """A free TCP port on the loopback address."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_app(
    db_path: Path,
    log_path: Path,
    timeout: float = 60,
    *,
    port: int | None = None,
    secrets: Path | None = None,
    options: tuple[str, ...] = (),
) -> tuple[subprocess.Popen[bytes], str]:
    """Run the app on the given store; return the process and its URL once it answers its health check.

    ``secrets`` is the one secrets.toml the app reads (sign-in tests); by default it reads Streamlit's
    usual places. ``port`` is the loopback port to serve on (a free one by default). ``options`` are
    more ``streamlit run`` options (the load benchmark runs servers as deploy/ does).
    """
    port = port or free_port()
    env = {**os.environ, "SWP_DB_PATH": str(db_path)}
    options = (*options, *(["--secrets.files", str(secrets)] if secrets is not None else []))
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("w") as handle:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(REPO / "app.py"),
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
                *options,
            ],
            cwd=REPO,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return process, url
        except OSError:
            time.sleep(0.1)
    process.terminate()
    raise RuntimeError(f"streamlit did not start within {timeout}s; see {log_path}")


def wait_for_app(tab: object, timeout_ms: int = 30_000) -> None:
    """Wait until Streamlit has finished running the page's script and drawn its title."""
    tab.wait_for_selector('[data-testid="stApp"]', timeout=timeout_ms)  # type: ignore[attr-defined]
    tab.wait_for_function(  # type: ignore[attr-defined]
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            return app && app.getAttribute('data-test-script-state') === 'notRunning'
                && !document.querySelector('[data-testid="stSkeleton"]')
                && document.querySelector('h1');
        }""",
        timeout=timeout_ms,
    )


def start_identity_provider(port: int, log_path: Path, timeout: float = 30) -> tuple[subprocess.Popen[bytes], str]:
    """Run a real OpenID Connect provider on loopback (``oidc-provider-mock``); return it and its issuer URL.

    Its login form takes a subject (``sub``); a subject it was not told about signs in with
    ``email`` = the subject, and ``PUT {issuer}/users/{sub}`` with a JSON object sets a subject's
    claims (``email``, ``email_verified``, ...) beforehand.
    """
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("w") as handle:
        process = subprocess.Popen(
            [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port)],
            cwd=REPO,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    issuer = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration", timeout=2) as response:
                if response.status == 200:
                    return process, issuer
        except OSError:
            time.sleep(0.1)
    process.terminate()
    raise RuntimeError(f"the identity provider did not start within {timeout}s; see {log_path}")
