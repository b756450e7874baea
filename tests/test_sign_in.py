"""Analyst sign-in: the ``email_verified`` rule, and a plain message when the identity provider does not answer.

The whole flow through a real OpenID Connect provider (``st.login``, the redirect, the cookie,
sign-out) is tested in a browser: tests/browser/test_sign_in.py.
"""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest
from test_pages import ANALYST_EMAIL, APP, HEATH_TOWN_2025, HIDDEN_HARM, SIGN_IN, metric, open_page, signed_in
from test_store_unavailable import page_text

from swp_app import sign_in
from swp_data import access

ANALYSTS = {"emails": ["Analyst@Wolverhampton.gov.uk"], "groups": ["1a2b-group"]}


pytestmark = pytest.mark.usefixtures("app_on_demo")  # every test here runs the app on the demo store


@pytest.mark.parametrize(
    ("claims", "level"),
    [
        ({"email": "analyst@wolverhampton.gov.uk"}, "analyst"),  # not sent (Entra ID): the name counts
        ({"email": "analyst@wolverhampton.gov.uk", "email_verified": True}, "analyst"),
        ({"email": "analyst@wolverhampton.gov.uk", "email_verified": "true"}, "analyst"),  # sent as a string
        ({"email": "analyst@wolverhampton.gov.uk", "email_verified": False}, "partner"),
        ({"email": "analyst@wolverhampton.gov.uk", "email_verified": "false"}, "partner"),
        ({"email": "analyst@wolverhampton.gov.uk", "email_verified": None}, "partner"),
        ({"email": "analyst@wolverhampton.gov.uk", "email_verified": 1}, "partner"),  # only true is true
        # An unverified address makes every name claim count for nothing, not only ``email``.
        ({"email": "x@y.org", "preferred_username": "Analyst@wolverhampton.gov.uk", "email_verified": 0}, "partner"),
        ({"upn": "ANALYST@wolverhampton.gov.uk", "email_verified": False}, "partner"),
        ({"upn": "ANALYST@wolverhampton.gov.uk", "email_verified": True}, "analyst"),
        # Groups are the directory's word, not the user's: an unverified address does not change them.
        ({"email": "x@y.org", "email_verified": False, "groups": ["1A2B-group"]}, "analyst"),
        ({"email": "officer@wolverhampton.gov.uk", "email_verified": True}, "partner"),
    ],
)
def test_a_name_on_the_list_counts_only_when_the_provider_does_not_say_it_is_unverified(
    claims: dict[str, object], level: str
) -> None:
    assert access.level_for(claims, ANALYSTS) == level


def test_an_analyst_on_the_list_with_a_verified_address_gets_the_analyst_view() -> None:
    app = open_page("victimisation", HEATH_TOWN_2025, user=signed_in(ANALYST_EMAIL, email_verified=True))
    assert not app.exception, [e.value for e in app.exception]
    assert any(s.value.startswith(f"Analyst view: {ANALYST_EMAIL}") for s in app.sidebar.success)
    assert metric(app, HIDDEN_HARM) != "<5"
    assert any(e.label.startswith("Records behind") for e in app.expander)


def test_on_the_list_but_unverified_is_a_partner() -> None:
    app = open_page("victimisation", HEATH_TOWN_2025, user=signed_in(ANALYST_EMAIL, email_verified=False))
    assert not app.exception, [e.value for e in app.exception]
    assert not app.sidebar.success
    assert any(i.value.startswith("Partner view") for i in app.sidebar.info)
    assert metric(app, HIDDEN_HARM) == "<5"
    assert not any(e.label.startswith("Records behind") for e in app.expander)
    assert [b.label for b in app.sidebar.button] == ["Sign out"]  # signed in, but as a partner


def test_verified_but_not_on_the_list_is_a_partner() -> None:
    app = open_page("victimisation", HEATH_TOWN_2025, user=signed_in("officer@example.org", email_verified=True))
    assert not app.sidebar.success
    assert metric(app, HIDDEN_HARM) == "<5"
    assert not any(e.label.startswith("Records behind") for e in app.expander)


def loopback_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def provider(kind: str) -> Iterator[str]:
    """A ``server_metadata_url`` on loopback whose provider is ``kind``: down, silent or not OpenID Connect."""
    if kind == "down":  # nothing listens: the connection is refused
        yield f"http://127.0.0.1:{loopback_port()}/.well-known/openid-configuration"
        return
    if kind == "silent":  # it accepts the connection and never answers
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            sock.listen(8)
            yield f"http://127.0.0.1:{sock.getsockname()[1]}/.well-known/openid-configuration"
        return

    class Broken(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(500 if kind == "failing" else 200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<html>Service unavailable</html>")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Broken)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/.well-known/openid-configuration"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("kind", ["down", "silent", "failing", "not OpenID Connect"])
def test_sign_in_with_the_provider_not_answering_gives_a_plain_message_not_an_error_page(kind: str) -> None:
    with provider(kind) as url:
        app = AppTest.from_file(APP, default_timeout=60)
        app.secrets = {**SIGN_IN, "auth": {**SIGN_IN["auth"], "server_metadata_url": url}}
        app.user = {"is_logged_in": False}
        app.run()
        assert [b.label for b in app.sidebar.button] == ["Analyst sign-in"]
        app.sidebar.button[0].click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert sign_in.UNREACHABLE in [w.value for w in app.sidebar.warning]
    assert f"Sign-in service: no answer. Asking again every {sign_in.RETRY_SECONDS} seconds." in [
        c.value for c in app.sidebar.caption
    ]
    assert "Partner view: small numbers are suppressed." in [i.value for i in app.sidebar.info]
    assert not app.sidebar.button  # no sign-in to press until the provider answers (the timer asks it)
    text = page_text(app)
    for leak in ("Traceback", "127.0.0.1", url, "Error", "openid-configuration"):
        assert leak not in text, leak
    assert app.title[0].value.startswith("Overview")  # the partner's page is drawn as ever
    app.run()  # a rerun (any click) keeps the message and does not wait on the provider again
    assert sign_in.UNREACHABLE in [w.value for w in app.sidebar.warning]


def test_sign_in_with_the_provider_answering_goes_to_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """The button calls ``st.login`` once the provider's metadata answers (a real provider on loopback).

    ``st.login`` itself is replaced here: under AppTest it reads this machine's secrets, not the test's.
    """
    from oidc_provider_mock import run_server_in_thread

    logins: list[object] = []
    monkeypatch.setattr(st, "login", lambda provider=None: logins.append(provider))
    with run_server_in_thread() as server:
        url = f"http://localhost:{server.server_port}/.well-known/openid-configuration"
        assert sign_in.provider_problem(url) is None
        app = AppTest.from_file(APP, default_timeout=60)
        app.secrets = {**SIGN_IN, "auth": {**SIGN_IN["auth"], "server_metadata_url": url}}
        app.user = {"is_logged_in": False}
        app.run()
        app.sidebar.button[0].click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert logins == [None]
    assert not app.sidebar.warning
    assert [b.label for b in app.sidebar.button] == ["Analyst sign-in"]
