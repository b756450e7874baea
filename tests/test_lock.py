"""The locks: every package is pinned, the pins are what is installed, and a server gets no test tools."""

from __future__ import annotations

import re
import sys
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parent.parent
RUNTIME_LOCK = REPO / "requirements.txt"
DEV_LOCK = REPO / "requirements-dev.txt"
INSTALLERS = {"pip", "setuptools", "wheel"}  # the venv's own installer, not the project's dependencies
TEST_TOOLS = {
    "pytest",
    "pytest-xdist",
    "hypothesis",
    "playwright",
    "ruff",
    "uv",
    "oidc-provider-mock",
    "axe-playwright-python",
}
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")


def locked(path: Path) -> dict[str, str]:
    """Package name to version, for the pins whose markers hold on this Python and platform."""
    pins: dict[str, str] = {}
    for line in path.read_text().splitlines():
        match = _PIN.match(line)
        if match and (match[3] is None or Marker(match[3]).evaluate()):
            pins[canonicalize_name(match[1])] = match[2]
    assert pins, f"no pins read from {path.name}"
    return pins


def direct(path: Path) -> set[str]:
    names = set()
    for line in path.read_text().splitlines():
        text = line.split("#", 1)[0].strip()
        if text and not text.startswith("-"):
            names.add(canonicalize_name(Requirement(text).name))
    return names


def test_every_pin_carries_hashes() -> None:
    for path in (RUNTIME_LOCK, DEV_LOCK):
        text = path.read_text()
        assert text.count("==") <= text.count("--hash=sha256:"), path.name


def test_every_direct_dependency_is_locked() -> None:
    assert direct(REPO / "requirements.in") <= set(locked(RUNTIME_LOCK))
    assert direct(REPO / "requirements-dev.in") <= set(locked(DEV_LOCK))


def test_a_server_install_gets_no_test_tools() -> None:
    assert not TEST_TOOLS & set(locked(RUNTIME_LOCK))
    assert set(locked(DEV_LOCK)) >= TEST_TOOLS


def test_a_server_install_has_what_sign_in_imports() -> None:
    """``st.login``'s routes import Authlib's Starlette client, which needs httpx: Streamlit's ``auth`` extra.

    Without them in the runtime lock, "Analyst sign-in" on a server answers a bare Internal Server Error.
    """
    needed = {
        canonicalize_name(requirement.name)
        for requirement in map(Requirement, metadata.requires("streamlit") or [])
        if requirement.marker
        and requirement.marker.evaluate({"extra": "auth"})
        and not requirement.marker.evaluate({"extra": ""})
    }
    assert {"authlib", "httpx"} <= needed
    assert needed <= set(locked(RUNTIME_LOCK))


def test_shared_packages_agree_between_the_locks() -> None:
    runtime, dev = locked(RUNTIME_LOCK), locked(DEV_LOCK)
    assert {
        name: (runtime[name], dev[name]) for name in runtime.keys() & dev.keys() if runtime[name] != dev[name]
    } == {}


def test_what_is_locked_is_what_is_installed() -> None:
    pins = locked(RUNTIME_LOCK) | locked(DEV_LOCK)
    wrong = {}
    for name, version in pins.items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = "not installed"
        if installed != version:
            wrong[name] = (version, installed)
    assert wrong == {}


def test_the_locks_are_closed_under_dependencies() -> None:
    """Every requirement of every locked package is itself locked (so pip resolves nothing of its own)."""
    pins = locked(RUNTIME_LOCK) | locked(DEV_LOCK)
    missing = set()
    for name in pins:
        for text in metadata.requires(name) or []:
            requirement = Requirement(text)
            if requirement.marker and not requirement.marker.evaluate({"extra": ""}):
                continue
            if canonicalize_name(requirement.name) not in pins:
                missing.add(f"{name} needs {requirement}")
    assert missing == set()


@pytest.mark.skipif(
    sys.prefix == sys.base_prefix, reason="outside a virtual environment other packages may be installed"
)
def test_nothing_is_installed_that_the_locks_do_not_pin() -> None:
    pins = locked(RUNTIME_LOCK) | locked(DEV_LOCK)
    installed = {canonicalize_name(d.metadata["Name"]): d.version for d in metadata.distributions()}
    assert {name: v for name, v in installed.items() if name not in pins and name not in INSTALLERS} == {}
