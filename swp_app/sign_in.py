"""Analyst sign-in and sign-out, with a plain message when the identity provider does not answer.

``st.login`` only tells the browser to open Streamlit's own ``/auth/login`` route, which fetches
the provider's OpenID Connect metadata (``server_metadata_url``) and redirects there. When the
provider does not answer, that route answers a bare text page, "Authentication error" (and
"Internal Server Error" where httpx is not installed: the runtime lock now has it, through
``streamlit[auth]``), and the app has no hook into that route.
So the button asks the provider first, the same way that route does (an HTTP GET of the
metadata with httpx, which Authlib uses): only when it answers does it call ``st.login``;
otherwise the sidebar says so in plain words, asks again every ``RETRY_SECONDS`` by itself, and
offers sign-in again as soon as the provider answers. What went wrong goes to the server log,
never to the page (it names the provider's address; the visitor is not signed in, so a partner).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import httpx
import streamlit as st
from streamlit.errors import StreamlitAuthError

PROBE_TIMEOUT_SECONDS = 5.0
RETRY_SECONDS = 10
UNREACHABLE = (
    "**Analyst sign-in is not available just now.** The sign-in service did not answer, so "
    "you are still seeing the partner view. This page asks it again every "
    f"{RETRY_SECONDS} seconds and offers sign-in again as soon as it answers: there is no need to reload."
)
_DOWN = "_swp_sign_in_unreachable"  # session state: the provider did not answer this session's last try
_TIMER_RUNS = "_swp_sign_in_retry_calls"  # session state: calls of the retry fragment since the full run
_LOGGER = logging.getLogger(__name__)


def provider_problem(url: object) -> str | None:
    """Why sign-in cannot start now, or None when the provider answers at ``url``.

    ``url`` is the ``[auth]`` settings' ``server_metadata_url``. The provider answers when it
    returns an OpenID Connect discovery document (a JSON object naming an ``authorization_endpoint``)
    within ``PROBE_TIMEOUT_SECONDS``.
    """
    if not isinstance(url, str) or not url:
        return "no server_metadata_url in the [auth] settings"
    try:
        response = httpx.get(url, timeout=PROBE_TIMEOUT_SECONDS, follow_redirects=True)
        response.raise_for_status()
        metadata = response.json()
    except (httpx.HTTPError, ValueError) as error:  # ValueError: the answer is not JSON
        return f"{type(error).__name__}: {error}"
    if not isinstance(metadata, dict) or not metadata.get("authorization_endpoint"):
        return f"{url} answered, but not with OpenID Connect metadata (no authorization_endpoint)"
    return None


def _start_sign_in(url: str | None) -> None:
    """The "Analyst sign-in" button: go to the provider only if it answers (a callback, before the rerun)."""
    problem = provider_problem(url)
    if problem is None:
        try:
            st.login()
        except StreamlitAuthError as error:  # the [auth] settings are incomplete: Streamlit's own check
            problem = f"{type(error).__name__}: {error}"
    if problem is None:
        st.session_state.pop(_DOWN, None)
        return
    _LOGGER.warning("Analyst sign-in not started: the identity provider could not be used (%s)", problem)
    st.session_state[_DOWN] = True


def _ask_again(url: str | None) -> None:
    """On the timer, while the provider is down: ask it again; once it answers, rerun the app to offer sign-in.

    The fragment also runs inline in each full run: that call only draws its caption, so a provider
    that does not answer never holds up the page the partner is reading (the probe can wait 5 seconds).
    """
    calls = st.session_state.get(_TIMER_RUNS, 0)
    st.session_state[_TIMER_RUNS] = calls + 1
    if calls and provider_problem(url) is None:
        st.session_state.pop(_DOWN, None)
        st.rerun(scope="app")
    st.caption(f"Sign-in service: no answer. Asking again every {RETRY_SECONDS} seconds.")


def sign_in_controls(auth: Mapping[str, object], logged_in: bool) -> None:
    """The sidebar's sign-in button, sign-out button, or the message saying sign-in cannot start now.

    ``auth`` is the ``[auth]`` table of the app's secrets (sign-in is configured).
    """
    url = auth.get("server_metadata_url")
    url = url if isinstance(url, str) else None
    if logged_in:
        st.button("Sign out", on_click=st.logout, icon=":material/logout:")
    elif st.session_state.get(_DOWN):
        st.warning(UNREACHABLE, icon=":material/cloud_off:")
        st.session_state[_TIMER_RUNS] = 0
        st.fragment(_ask_again, run_every=RETRY_SECONDS)(url)
    else:
        st.button("Analyst sign-in", on_click=_start_sign_in, args=(url,), icon=":material/login:")
