"""The store, caches and access level for a Streamlit session."""

from __future__ import annotations

from collections.abc import Mapping

import duckdb
import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from swp_app import sign_in
from swp_data import demo, snapshots, store
from swp_data.access import ANALYST, PARTNER, Access, level_for
from swp_data.grid import GridCache
from swp_data.settings import get_settings
from swp_data.views import Dashboard

DEMO_NOTICE = (
    "**Demo data.** Every figure here is generated: a seeded, calibrated city built to resemble "
    "Wolverhampton (real wards, populations and crime mix; totals near the partnership's published "
    "figures). It is not police or partner data. Load real files with `python3 -m swp_data import`."
)


@st.cache_resource(show_spinner="Opening the data store...", max_entries=2)
def _database(path: str, snapshot: str) -> duckdb.DuckDBPyConnection:
    """One read-only connection per store snapshot and process (app.py has made sure the store exists).

    Keyed by the snapshot, so an import's new snapshot gets a new connection; the old one is
    dropped from the cache and closes once the last session still on it has moved on.
    """
    return store.connect(path, read_only=True)


def database(path: str) -> duckdb.DuckDBPyConnection:
    """The connection to the store's current snapshot (a ``stat`` finds which: cheap on every rerun)."""
    return _database(path, snapshots.snapshot_id(path))


@st.cache_resource(max_entries=2)
def _grid_cache(path: str, snapshot: str) -> GridCache:
    """KPI grids and partner protections for one snapshot, shared by every session of this process."""
    return GridCache()


def connection() -> tuple[duckdb.DuckDBPyConnection, str]:
    """A DuckDB cursor for this session on the current snapshot, and which snapshot it is.

    A connection is not thread-safe; a cursor per session is. The session keeps its cursor until
    an import swaps in a new snapshot: its next rerun then takes a cursor on the new one (a run
    in flight finishes on the old).
    """
    path = str(get_settings().db_path)
    snapshot = snapshots.snapshot_id(path)
    if st.session_state.get("_swp_cursor_snapshot") != (path, snapshot):
        st.session_state["_swp_cursor"] = _database(path, snapshot).cursor()
        st.session_state["_swp_cursor_snapshot"] = (path, snapshot)
    return st.session_state["_swp_cursor"], snapshot


def dashboard() -> Dashboard:
    """The figures for this session, at this user's access level (app.py builds one per rerun)."""
    cursor, snapshot = connection()
    cache = _grid_cache(str(get_settings().db_path), snapshot)
    return Dashboard(cursor, cache, access=access_level(), version=_snapshot_version(cache, cursor))


def fresh_dashboard(access: Access) -> Dashboard:
    """A Dashboard on a new cursor of this process's store connection, at ``access``.

    For work done outside the script run (a download built on click): it shares no cursor with
    any session, and its access level is the one the caller captured.
    """
    path = str(get_settings().db_path)
    snapshot = snapshots.snapshot_id(path)
    cursor, cache = _database(path, snapshot).cursor(), _grid_cache(path, snapshot)
    return Dashboard(cursor, cache, access=access, version=_snapshot_version(cache, cursor))


def _snapshot_version(cache: GridCache, cursor: duckdb.DuckDBPyConnection) -> tuple[object, ...]:
    """The snapshot's ``data_version``, read once: a snapshot never changes (a changed file is a new snapshot)."""
    return cache.get(("snapshot data version",), lambda: store.data_version(cursor))  # type: ignore[return-value]


def _secrets_section(name: str) -> Mapping[str, object] | None:
    try:
        return st.secrets.get(name, None)
    except (FileNotFoundError, KeyError, StreamlitSecretNotFoundError):
        return None  # no .streamlit/secrets.toml: nothing configured


def sign_in_configured() -> bool:
    """Whether OpenID Connect sign-in is set up in .streamlit/secrets.toml."""
    return _secrets_section("auth") is not None


def access_level() -> Access:
    """Partner unless a signed-in identity is on the analyst list (nothing else can make an analyst)."""
    if not sign_in_configured() or not st.user.is_logged_in:
        return PARTNER
    return level_for(st.user.to_dict(), _secrets_section("analysts"))


def access_panel(access: Access) -> None:
    """Who is looking (at ``access``, this session's level), and sign-in or sign-out where sign-in is configured."""
    with st.sidebar:
        if access == ANALYST:
            st.success(
                f"Analyst view: {st.user.get('email') or st.user.get('name')}. Small numbers are shown.",
                icon=":material/lock_open:",
            )
        else:
            st.info("Partner view: small numbers are suppressed.", icon=":material/lock:")
        auth = _secrets_section("auth")
        if auth is not None:
            sign_in.sign_in_controls(auth, logged_in=bool(st.user.is_logged_in))
        else:
            st.caption("Analyst sign-in is not configured on this server (see the README).")


def is_demo(path: str) -> bool:
    """Whether the store's current snapshot is the demo (every page then says so)."""
    return _is_demo(path, snapshots.snapshot_id(path))


@st.cache_data(show_spinner=False, max_entries=4)
def _is_demo(path: str, snapshot: str) -> bool:
    return demo.is_demo(_database(path, snapshot))
