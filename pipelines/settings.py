"""Municipality settings and targets: one TOML file, validated by pydantic.

The defaults describe the demo municipality and come from public Dutch and UK figures
(docs/settings.md). The marts read them from the `settings` table, which is
rewritten from this file with every load, so the database says which thresholds a figure used.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Literal, get_args
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

REPO = Path(__file__).resolve().parents[1]
DEFAULT_FILE = REPO / "data" / "municipality.toml"
# Stored times are local times of this zone, without offset.
TIME_ZONE = "Europe/Amsterdam"


def local_now() -> datetime:
    """Return the current local time in TIME_ZONE, without offset."""
    return datetime.now(ZoneInfo(TIME_ZONE)).replace(tzinfo=None)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ServiceNorms(_Strict):
    """Thresholds that define 'served in time'."""

    phone_answer_seconds: float = Field(
        20, gt=0, description="A call is answered in time when it waited at most this many seconds."
    )
    desk_wait_minutes: float = Field(
        10,
        gt=0,
        description="A visitor is served in time when they waited at most this many minutes.",
    )
    repeat_window_days: int = Field(
        7,
        gt=0,
        description="A contact is repeated when the same "
        "resident contacts us about the same product within "
        "this many days.",
    )
    release_window_months: int = Field(
        3, gt=0, description="Months before and after a release compared in mart_release_effect."
    )
    capacity_trailing_months: int = Field(
        12,
        gt=0,
        description="Months over which a "
        "product's average staff minutes per non-web "
        "contact are taken.",
    )


class Plausible(_Strict):
    """What a value may be before a load takes it for a mistake (a reject, not a figure)."""

    earliest_date: date = Field(
        date(1990, 1, 1),
        description="Dates and times before this are rejects (implausible_date): a two-digit "
        "year read as the year 24, a date before the common era.",
    )
    max_duration_seconds: float = Field(
        86_400,
        gt=0,
        description="Waits, talk, service and correction times above this are rejects "
        "(implausible_duration): 1e308 seconds would make every sum infinite.",
    )


class OpenKlant(_Strict):
    """How a pull from Open Klant's API (`load --source openklant --from-api URL`) walks back."""

    window_days: int = Field(
        7,
        ge=0,
        description="A pull walks the API's pages, newest registrations first, until a whole "
        "page took place more than this many days before the newest klantcontact stored from "
        "openklant: edits and back-dated registrations within the window are picked up, "
        "records already stored load as unchanged.",
    )


class Upload(_Strict):
    """Loading exports from the browser (the page "Gegevens laden", docs/loading.md)."""

    max_megabytes: int = Field(
        200,
        gt=0,
        description="Largest file, in megabytes (MB, 2^20 bytes), that may be uploaded on the "
        "page Gegevens laden; a larger one is refused with a message. Streamlit's "
        "`server.maxUploadSize` (.streamlit/config.toml, 1000) is the ceiling above it; larger "
        "exports are loaded on the command line.",
    )


class ChannelFigures(_Strict):
    """A figure per channel."""

    web: float = Field(ge=0)
    phone: float = Field(ge=0)
    desk: float = Field(ge=0)


class Targets(_Strict):
    """Targets for one year; a missing target is simply not shown."""

    web_share: float | None = Field(None, ge=0, le=1)
    products_digital: int | None = Field(None, ge=0)
    phone_service_level: float | None = Field(None, ge=0, le=1)
    max_corrections_per_1000: float | None = Field(None, ge=0)
    max_phone_abandonment: float | None = Field(None, ge=0, le=1)
    desk_served_in_time: float | None = Field(None, ge=0, le=1)


class AuditPeriod(_Strict):
    """A period the audit looks back on, usually a council term."""

    name: str = Field(description="Name of the period, as `--period` and the audit page take it.")
    start: date = Field(description="First day of the period.")
    end: date = Field(description="Last day of the period (not before the start).")

    @model_validator(mode="after")
    def _ordered(self) -> AuditPeriod:
        if self.end < self.start:
            raise ValueError(f"audit period {self.name}: end {self.end} before start")
        return self


def council_terms(first: int, last: int) -> tuple[AuditPeriod, ...]:
    """Return four-year periods aligned with Dutch council terms (elections 2006, 2010, ...)."""
    start = 2006 + (first - 2006) // 4 * 4
    return tuple(
        AuditPeriod(name=f"{y}-{y + 3}", start=date(y, 1, 1), end=date(y + 3, 12, 31))
        for y in range(start, last + 1, 4)
    )


# The sources that hold contacts or their totals, in the order that decides which one counts
# a channel-month that several hold (the first with data for it).
SOURCE_ORDER = ("web", "phone", "desk", "queue-log", "openforms", "openklant", "volumes")


Role = Literal["bestuurder", "secretaris", "teamleider", "beheerder"]
ROLES: tuple[Role, ...] = get_args(Role)


class Access(_Strict):
    """Who may see what once a login is configured (docs/access.md): roles from the ID token."""

    role_claim: str = Field(
        "groups",
        description="The ID token claim (a list or one text) whose values `roles` maps to roles; "
        "e.g. `groups` or `roles` (Entra ID app roles).",
    )
    roles: dict[Role, tuple[str, ...]] = Field(
        default_factory=dict,
        description="Per role (`bestuurder`, `secretaris`, `teamleider`, `beheerder`), the "
        "values of the role claim that give it. A user with none of them sees only the "
        "no-access page; with several, every page of each.",
    )
    team_claim: str | None = Field(
        None,
        description="The ID token claim naming the team(s) a team lead leads, as the data name "
        "them; added to what `teams` gives.",
    )
    teams: dict[str, tuple[str, ...]] = Field(
        default_factory=dict,
        description="Per value of the role claim, the team(s) a team lead with it leads, as the "
        "data name them.",
    )

    def roles_of(self, claims: Mapping[str, object]) -> frozenset[Role]:
        """Return the roles an ID token's claims give (none: no access)."""
        values = _values(claims.get(self.role_claim))
        return frozenset(role for role, given in self.roles.items() if values & set(given))

    def teams_of(self, claims: Mapping[str, object]) -> tuple[str, ...]:
        """Return the teams an ID token's claims say a team lead leads, sorted."""
        found = _values(claims.get(self.team_claim)) if self.team_claim else set()
        for value in _values(claims.get(self.role_claim)):
            found |= set(self.teams.get(value, ()))
        return tuple(sorted(found))


def _values(claim: object) -> set[str]:
    """A claim's values: a list of texts or one text (never split: a name may hold spaces)."""
    if isinstance(claim, str):
        return {claim}
    if isinstance(claim, list | tuple):
        return {str(value) for value in claim}
    return set()


class Settings(_Strict):
    """Everything a municipality sets once."""

    municipality: str = Field(
        "Demogemeente",
        description="Name of the municipality, shown on the overview page, the council "
        "briefing and the audit pack.",
    )
    residents: int = Field(
        52_000, gt=0, description="Number of residents (not read by a figure yet)."
    )
    norms: ServiceNorms = ServiceNorms()
    plausible: Plausible = Plausible()
    openklant: OpenKlant = OpenKlant()
    upload: Upload = Upload()
    staff_minutes: ChannelFigures = Field(
        ChannelFigures(web=4, phone=6, desk=12),
        description="Staff minutes per handled contact; web is the back-office minutes per "
        "online request, phone and desk are used when talk or service time is missing.",
    )
    unit_costs: ChannelFigures = Field(
        ChannelFigures(web=0.35, phone=4.90, desk=12.10),
        description="Cost in euro per handled contact.",
    )
    audit_periods: tuple[AuditPeriod, ...] = Field(
        default_factory=lambda: council_terms(2006, 2029),
        description="Periods the four-yearly audit looks back on.",
    )
    targets: dict[int, Targets] = Field(
        default_factory=dict,
        description="Targets per year ([targets.YEAR] tables); a target holds for later years "
        "until one of them sets another.",
    )
    sources: tuple[str, ...] = Field(
        SOURCE_ORDER,
        description="Sources of contacts in order of precedence: for each channel and month, "
        "every figure counts the contacts of the first source in this list that holds any for "
        "that channel-month, so no contact counts twice where sources overlap (a call in the "
        "telephony's queue-log and registered in openklant; totals in volumes for a month that "
        "also has a log). Sources left out count after those listed, in this default order.",
    )
    small_number_threshold: int = Field(
        5, ge=1, description="Counts below this are suppressed in published figures."
    )
    access: Access = Access()

    @model_validator(mode="after")
    def _known_sources(self) -> Settings:
        unknown = [s for s in self.sources if s not in SOURCE_ORDER]
        if unknown or len(set(self.sources)) < len(self.sources):
            raise ValueError(
                f"sources: {', '.join(unknown) or 'a source named twice'}; name each of "
                f"{', '.join(SOURCE_ORDER)} at most once"
            )
        return self

    @property
    def source_order(self) -> tuple[str, ...]:
        """Every source of contacts, in precedence: those listed, then the rest by default."""
        return self.sources + tuple(s for s in SOURCE_ORDER if s not in self.sources)

    def target(self, year: int, key: str) -> float | None:
        """Return the target for a year: the latest year's targets at or before it."""
        years = [y for y in sorted(self.targets) if y <= year]
        for y in reversed(years):
            value = getattr(self.targets[y], key)
            if value is not None:
                return value
        return None

    def latest_target(self, key: str) -> tuple[int, float] | None:
        """Return the last year that sets a target and its value, or None when none does."""
        years = [y for y in sorted(self.targets) if getattr(self.targets[y], key) is not None]
        return (years[-1], getattr(self.targets[years[-1]], key)) if years else None


def load(path: Path | None = None) -> Settings:
    """Read the settings file: the argument, else CHANNELSHIFT_SETTINGS, else data/."""
    path = Path(path or os.environ.get("CHANNELSHIFT_SETTINGS") or DEFAULT_FILE)
    if not path.exists():
        return Settings()
    try:
        with open(path, "rb") as handle:
            return Settings.model_validate(tomllib.load(handle))
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        raise SettingsError(f"{path}: {exc}") from exc


class SettingsError(ValueError):
    """The settings file cannot be used; the message names it and the problem."""
