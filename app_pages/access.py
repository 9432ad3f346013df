"""Who is looking and what they may open: login, roles and the pages of each role.

With an `[auth]` section in `.streamlit/secrets.toml` a reader logs in at the municipality's
identity provider (OpenID Connect, `st.login`); the settings' `[access]` table maps a claim of
the ID token to roles (docs/access.md). The navigation holds only the pages of the reader's
roles, so another page cannot be opened by URL either. Without an `[auth]` section the
dashboard is the local demo: every page is open, with a note saying so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from app_pages.common import act_as, record_login, settings, t

LOGIN_NOTED = "login_noted"  # session state: this session's login is in the record

# The pages in menu order, by id: the file in app_pages/ and the metrics.texts key "page.<id>".
READING = ("overview", "channel_mix", "digitisation", "corrections", "teams", "audit")
PAGES = (*READING, "load")
PAGES_OF_ROLE: dict[str, tuple[str, ...]] = {
    # aldermen: the headline figures and the council briefing (on the overview)
    "bestuurder": ("overview", "channel_mix", "digitisation", "corrections"),
    # the municipal secretary: everything, read only, with the audit and its pack
    "secretaris": READING,
    # team leads: their own team(s) week by week, the channels and the corrections
    "teamleider": ("channel_mix", "corrections", "teams"),
    # the functional administrator: everything, and loading data from the browser
    "beheerder": PAGES,
}
ROLES = tuple(PAGES_OF_ROLE)  # the roles of pipelines.settings, in this order
EVERY_TEAM = frozenset({"secretaris", "beheerder"})  # roles that see every team's figures


@dataclass(frozen=True)
class Viewer:
    """The reader: their roles, the teams they may see (None: all) and their name."""

    roles: frozenset[str]
    teams: tuple[str, ...] | None
    name: str = ""
    logged_in: bool = False  # False: no login configured, the local demo
    subject: str = "local"  # the ID token's `sub`: who, for the record of actions
    token: str = ""  # the ID token's issue time (`iat`): tells one login from the next

    @property
    def pages(self) -> tuple[str, ...]:
        """The pages the reader's roles open, in menu order (none without a role)."""
        return pages_of(self.roles)

    def own_teams(self, teams: Iterable[str]) -> list[str]:
        """The teams of `teams` the reader may see, in their order."""
        return [team for team in teams if self.teams is None or team in self.teams]


def pages_of(roles: Iterable[str]) -> tuple[str, ...]:
    """The pages any of the roles opens, in menu order."""
    opened = {page for role in roles for page in PAGES_OF_ROLE.get(role, ())}
    return tuple(page for page in PAGES if page in opened)


def viewer_of(claims: Mapping[str, object]) -> Viewer:
    """The reader an ID token's claims describe, by the settings' `[access]` table."""
    access = settings().access
    roles = access.roles_of(claims)
    teams = None if roles & EVERY_TEAM else access.teams_of(claims)
    name = next((str(claims[k]) for k in ("name", "email", "sub") if claims.get(k)), "")
    subject = str(claims.get("sub") or claims.get("email") or name)
    token = str(claims.get("iat") or "")
    return Viewer(frozenset(roles), teams, name, logged_in=True, subject=subject, token=token)


DEMO = Viewer(frozenset({"beheerder"}), None)  # no login configured: everything, as before


def login_configured() -> bool:
    """Whether `.streamlit/secrets.toml` (or `--secrets.files`) has an `[auth]` section.

    A secrets file that is there but cannot be read stops the dashboard: it might hold the
    login, and falling back to the open demo would show everything to anyone.
    """
    if st.secrets.load_if_toml_exists():
        return "auth" in st.secrets
    if any(path.exists() for path in secrets_files()):
        st.error(t("access.secrets_unreadable"), icon=":material/lock:")
        st.stop()
    return False


def secrets_files() -> list[Path]:
    """The files Streamlit reads secrets from (`secrets.files`)."""
    return [Path(name) for name in st.get_option("secrets.files")]


def current() -> Viewer | None:
    """The reader of this session; None when a login is configured and they have not logged in.

    Streamlit reads the user from its signed identity cookie, made from the ID token at login:
    a reader cannot write their own claims.
    """
    if not login_configured():
        return DEMO
    if not st.user.is_logged_in:
        return None
    return viewer_of(st.user.to_dict())


# --- What a reader sees of it -----------------------------------------------------------------


def login_page() -> None:
    """Ask the reader to log in at the municipality's identity provider; show nothing else."""
    st.title(t("access.login_title"))
    st.write(t("access.login_intro", municipality=settings().municipality))
    st.button(t("access.login"), icon=":material/login:", type="primary", on_click=st.login)


def no_access_page(who: Viewer) -> None:
    """Tell a logged-in reader without a role that they have no access; show no data."""
    st.title(t("access.no_access_title"))
    st.warning(t("access.no_access", name=who.name), icon=":material/block:")
    st.button(t("access.logout"), icon=":material/logout:", on_click=st.logout)


def not_yours() -> None:
    """Stand at the address of a page of another role: say so; the page itself never runs."""
    st.title(t("access.not_yours_title"))
    st.info(t("access.not_yours"), icon=":material/block:")


def note(who: Viewer) -> None:
    """Make the reader the one the session's actions are recorded for; record their login.

    A login is recorded once: per session, and not again for the same ID token (a second tab,
    a restarted dashboard). Without a login configured actions are "local" and none is a login.
    """
    actor = act_as(who.subject, who.name if who.logged_in else "local")
    if who.logged_in and not st.session_state.get(LOGIN_NOTED):
        st.session_state[LOGIN_NOTED] = True
        roles = ", ".join(role for role in ROLES if role in who.roles) or "-"
        record_login(actor, roles, who.token)


def sidebar(who: Viewer) -> None:
    """Say who is logged in, with which role(s), and offer to log out; or that no login is set."""
    if not who.logged_in:
        st.sidebar.info(t("access.no_login"), icon=":material/lock_open:")
        return
    roles = ", ".join(t(f"role.{role}") for role in ROLES if role in who.roles)
    st.sidebar.caption(t("access.logged_in", name=who.name, roles=roles))
    if who.teams is not None and "teamleider" in who.roles:
        st.sidebar.caption(t("access.own_teams", teams=", ".join(who.teams) or "–"))
    st.sidebar.button(t("access.logout"), icon=":material/logout:", on_click=st.logout)
