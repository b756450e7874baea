"""Analyst sign-in end to end: ``st.login`` against a real OpenID Connect provider on loopback.

The provider is ``oidc-provider-mock`` (a dev dependency): a real OpenID Connect server (discovery,
authorization code flow with PKCE, signed ID tokens, end-session) whose login form takes a subject.
The app reads a secrets.toml written for the test ([auth] pointing at the provider, [analysts]
naming one address); the browser clicks "Analyst sign-in", fills the provider's form, comes back
through Streamlit's /oauth2callback with its identity cookie, and signs out through the provider.
"""

from __future__ import annotations

import json
import secrets
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from swp_app import sign_in
from tests.browser.conftest import ARTIFACTS
from tests.browser.harness import free_port, start_app, start_identity_provider, wait_for_app

ANALYST = "community.safety.analyst@wolverhampton.gov.uk"
KNIFE = "Knife crime (violence and robbery)"
HEATH_TOWN_2025 = urllib.parse.urlencode(
    {"wards": "Heath Town", "from": "2025/26Q1", "to": "2025/26Q4", "kpi": KNIFE}, quote_via=urllib.parse.quote
)
SIDEBAR = '[data-testid="stSidebar"]'


@dataclass(frozen=True)
class SignInSite:
    """The app under test and its identity provider."""

    url: str
    issuer: str


def write_secrets(folder: Path, app_port: int, issuer: str) -> Path:
    """The app's .streamlit/secrets.toml for sign-in through ``issuer`` (as the README's, with the test's values)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "secrets.toml"
    path.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{app_port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(32)}"\n'
        'client_id = "swp-dashboard"\n'
        'client_secret = "not-a-secret"\n'
        f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n'
        "\n[analysts]\n"
        f'emails = ["{ANALYST}"]\n'
    )
    return path


@pytest.fixture(scope="module")
def site(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SignInSite]:
    provider, issuer = start_identity_provider(free_port(), ARTIFACTS / "identity-provider.log")
    app_port = free_port()
    secrets_file = write_secrets(tmp_path_factory.mktemp("sign-in"), app_port, issuer)
    try:
        app, url = start_app(demo_db, ARTIFACTS / "streamlit-sign-in.log", port=app_port, secrets=secrets_file)
    except BaseException:
        provider.terminate()
        raise
    yield SignInSite(url, issuer)
    for process in (app, provider):
        process.terminate()
        process.wait(timeout=20)


def set_claims(issuer: str, subject: str, claims: dict[str, object]) -> None:
    """Tell the provider the claims it signs ``subject`` in with (its ``PUT /users/{sub}``)."""
    request = urllib.request.Request(
        f"{issuer}/users/{urllib.parse.quote(subject)}",
        data=json.dumps(claims).encode(),
        method="PUT",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 204


def sidebar_text(tab: object) -> str:
    return tab.locator(SIDEBAR).inner_text()  # type: ignore[attr-defined,no-any-return]


def sign_in_as(tab: object, site: SignInSite, subject: str) -> None:
    """Click "Analyst sign-in", sign in at the provider as ``subject``, and wait for the app again."""
    tab.goto(site.url)  # type: ignore[attr-defined]
    wait_for_app(tab)
    assert "Partner view: small numbers are suppressed." in sidebar_text(tab)
    tab.get_by_role("button", name="Analyst sign-in").click()  # type: ignore[attr-defined]
    tab.wait_for_url(f"{site.issuer}/oauth2/authorize**", timeout=30_000)  # type: ignore[attr-defined]
    tab.locator('input[name="sub"]').fill(subject)  # type: ignore[attr-defined]
    tab.get_by_role("button", name="Authorize").click()  # type: ignore[attr-defined]
    tab.wait_for_url(f"{site.url}/**", timeout=30_000)  # type: ignore[attr-defined]
    wait_for_app(tab)


def open_priority_page(tab: object, site: SignInSite) -> None:
    tab.goto(f"{site.url}/violence_prevention?{HEATH_TOWN_2025}")  # type: ignore[attr-defined]
    wait_for_app(tab)


def test_an_analyst_on_the_list_signs_in_sees_the_records_and_signs_out(site: SignInSite, page: object) -> None:
    sign_in_as(page, site, ANALYST)  # a subject the provider was not told about: email = the subject
    assert f"Analyst view: {ANALYST}. Small numbers are shown." in sidebar_text(page)
    # The identity cookie carries over to another page (a new script run reads it).
    open_priority_page(page, site)
    assert f"Analyst view: {ANALYST}" in sidebar_text(page)
    drilldown = page.get_by_text(f"Records behind {KNIFE} (analysts only)")  # type: ignore[attr-defined]
    drilldown.click()
    listed = page.get_by_text("records: the same as the figure's numerator")  # type: ignore[attr-defined]
    listed.wait_for(timeout=30_000)
    assert page.locator('[data-testid="stExpander"] [data-testid="stDataFrame"]').count() == 1  # type: ignore[attr-defined]
    # Sign out: Streamlit clears its cookie and sends the browser to the provider's end-session page.
    page.get_by_role("button", name="Sign out").click()  # type: ignore[attr-defined]
    page.wait_for_url(f"{site.issuer}/oauth2/end_session**", timeout=30_000)  # type: ignore[attr-defined]
    page.get_by_role("button", name="End session").click()  # type: ignore[attr-defined]
    page.wait_for_url(f"{site.url}/**", timeout=30_000)  # type: ignore[attr-defined]
    wait_for_app(page)
    assert "Partner view: small numbers are suppressed." in sidebar_text(page)
    assert page.get_by_role("button", name="Analyst sign-in").count() == 1  # type: ignore[attr-defined]
    open_priority_page(page, site)
    assert "Partner view" in sidebar_text(page)
    assert page.get_by_text("Records behind").count() == 0  # type: ignore[attr-defined]


def test_a_signed_in_user_not_on_the_list_stays_a_partner(site: SignInSite, page: object) -> None:
    sign_in_as(page, site, "community.officer@example.org")
    open_priority_page(page, site)
    text = sidebar_text(page)
    assert "Partner view: small numbers are suppressed." in text and "Analyst view" not in text
    assert page.get_by_role("button", name="Sign out").count() == 1  # type: ignore[attr-defined]
    assert page.get_by_text("Records behind").count() == 0  # type: ignore[attr-defined]


@pytest.mark.parametrize("verified", [False, True])
def test_an_address_on_the_list_counts_only_if_the_provider_does_not_call_it_unverified(
    site: SignInSite, page: object, verified: bool
) -> None:
    subject = f"someone-{'verified' if verified else 'unverified'}"  # signs in with the claims set here
    set_claims(site.issuer, subject, {"email": ANALYST, "email_verified": verified, "name": "Someone"})
    sign_in_as(page, site, subject)
    open_priority_page(page, site)
    text = sidebar_text(page)
    if verified:
        assert f"Analyst view: {ANALYST}" in text
        assert page.get_by_text(f"Records behind {KNIFE} (analysts only)").count() == 1  # type: ignore[attr-defined]
    else:
        assert "Partner view: small numbers are suppressed." in text and "Analyst view" not in text
        assert page.get_by_text("Records behind").count() == 0  # type: ignore[attr-defined]


def test_sign_in_while_the_provider_is_down_says_so_and_comes_back_by_itself(
    demo_db: Path, tmp_path: Path, browser: object
) -> None:
    app_port, provider_port = free_port(), free_port()
    issuer = f"http://127.0.0.1:{provider_port}"  # nothing listens there yet
    secrets_file = write_secrets(tmp_path, app_port, issuer)
    app, url = start_app(demo_db, ARTIFACTS / "streamlit-sign-in-down.log", port=app_port, secrets=secrets_file)
    provider = None
    context = browser.new_context(viewport={"width": 1280, "height": 720})  # type: ignore[attr-defined]
    try:
        tab = context.new_page()
        tab.goto(url)
        wait_for_app(tab)
        tab.get_by_role("button", name="Analyst sign-in").click()
        tab.get_by_text("Analyst sign-in is not available just now.").wait_for(timeout=30_000)
        assert tab.url.startswith(url)  # still the dashboard, not a bare error page
        text = tab.locator("body").inner_text()
        for leak in ("Authentication error", "Internal Server Error", "Traceback", str(provider_port)):
            assert leak not in text
        assert "Partner view: small numbers are suppressed." in sidebar_text(tab)
        tab.screenshot(path=str(ARTIFACTS / "sign_in_provider_down.png"))
        provider, _ = start_identity_provider(provider_port, ARTIFACTS / "identity-provider-late.log")
        # No reload: the page asks the provider again on its timer and offers sign-in once it answers.
        tab.get_by_role("button", name="Analyst sign-in").wait_for(timeout=(3 * sign_in.RETRY_SECONDS + 10) * 1000)
        assert tab.get_by_text("Analyst sign-in is not available just now.").count() == 0
        tab.get_by_role("button", name="Analyst sign-in").click()
        tab.wait_for_url(f"{issuer}/oauth2/authorize**", timeout=30_000)
    finally:
        context.close()
        for process in (app, provider):
            if process is not None:
                process.terminate()
                process.wait(timeout=20)
