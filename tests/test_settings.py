"""Municipality settings: the demo file, defaults, targets and clear errors."""

from datetime import date

import pytest

from pipelines import settings
from pipelines.settings import Settings, SettingsError


def test_demo_settings_file_is_valid_and_complete():
    demo = settings.load(settings.DEFAULT_FILE)
    assert demo.residents == 52_000
    assert demo.norms.phone_answer_seconds == 20
    assert [p.name for p in demo.audit_periods][-2:] == ["2022-2025", "2026-2029"]


@pytest.mark.parametrize(
    ("year", "key", "expected"),
    [
        (2009, "web_share", None),  # before the first target year
        (2010, "web_share", 0.20),
        (2013, "web_share", 0.20),  # kept from 2010
        (2016, "products_digital", 100),
        (2017, "web_share", 0.35),  # 2016 sets no web share: the 2014 one holds
        (2024, "phone_service_level", 0.80),
    ],
)
def test_target_of_a_year_is_the_latest_set(year, key, expected):
    assert settings.load(settings.DEFAULT_FILE).target(year, key) == expected


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("web_share", (2026, 0.60)),
        ("max_corrections_per_1000", (2022, 20)),  # 2026 sets no such target
        ("desk_served_in_time", (2022, 0.90)),  # 2018 skips it: 2022 is the last to set it
    ],
)
def test_latest_target_is_the_last_year_that_sets_it(key, expected):
    assert settings.load(settings.DEFAULT_FILE).latest_target(key) == expected


def test_no_target_set_has_no_latest():
    assert Settings().latest_target("web_share") is None


def test_default_audit_periods_follow_council_terms():
    periods = Settings().audit_periods
    assert (periods[0].start, periods[0].end) == (date(2006, 1, 1), date(2009, 12, 31))
    assert "2022-2025" in [p.name for p in periods]


def test_missing_file_gives_the_defaults(tmp_path):
    assert settings.load(tmp_path / "none.toml") == Settings()


@pytest.mark.parametrize(
    ("toml", "problem"),
    [
        ("[norms]\nphone_answer_seconds = -1\n", "greater than 0"),
        ("[targets.2024]\nweb_share = 58\n", "less than or equal to 1"),
        ("residents = 52000\nresidnets = 1\n", "Extra inputs are not permitted"),
        ("residents = ", "Invalid value"),
    ],
)
def test_bad_settings_name_the_file_and_problem(tmp_path, toml, problem):
    path = tmp_path / "municipality.toml"
    path.write_text(toml)
    with pytest.raises(SettingsError) as info:
        settings.load(path)
    assert str(path) in str(info.value)
    assert problem in str(info.value)


def _fields(model: type, prefix: str = ""):
    for name, field in model.model_fields.items():
        yield prefix + name, field


@pytest.mark.parametrize(
    ("key", "field"),
    [
        *_fields(settings.Settings),
        *_fields(settings.ServiceNorms, "norms."),
        *_fields(settings.AuditPeriod, "audit_periods[]."),
    ],
)
def test_every_setting_says_what_it_means(key, field):
    """docs/settings.md is generated from these descriptions; nested tables have docstrings."""
    nested = field.annotation if isinstance(field.annotation, type) else None
    assert field.description or (nested and nested.__doc__), key


ACCESS = settings.Access(
    roles={"bestuurder": ("wethouders",), "teamleider": ("tl", "tl-extra"), "beheerder": ("fb",)},
    team_claim="teams",
    teams={"tl": ("Burgerzaken",), "tl-extra": ("KCC", "Belastingen")},
)


@pytest.mark.parametrize(
    ("claims", "roles", "teams"),
    [
        ({"groups": ["wethouders"]}, {"bestuurder"}, ()),
        ({"groups": "wethouders"}, {"bestuurder"}, ()),  # one value as a text
        ({"groups": ["tl", "fb", "other"]}, {"teamleider", "beheerder"}, ("Burgerzaken",)),
        ({"groups": ["tl", "tl-extra"]}, {"teamleider"}, ("Belastingen", "Burgerzaken", "KCC")),
        ({"groups": ["tl"], "teams": "KCC"}, {"teamleider"}, ("Burgerzaken", "KCC")),
        (
            {"groups": ["tl"], "teams": ["KCC", "Burgerzaken"]},
            {"teamleider"},
            ("Burgerzaken", "KCC"),
        ),
        ({"groups": ["Wethouders"]}, set(), ()),  # claim values compare exactly
        ({"groups": ["wethouders tl"]}, set(), ()),  # never split on spaces
        ({"roles": ["wethouders"]}, set(), ()),  # another claim than the role claim
        ({"groups": None}, set(), ()),
        ({}, set(), ()),
    ],
)
def test_roles_and_teams_come_from_the_id_tokens_claims(claims, roles, teams):
    assert ACCESS.roles_of(claims) == roles
    assert ACCESS.teams_of(claims) == teams


def test_the_role_claim_can_be_another_claim():
    access = settings.Access(role_claim="roles", roles={"secretaris": ("Secretaris",)})
    assert access.roles_of({"roles": ["Secretaris"], "groups": ["x"]}) == {"secretaris"}


def test_no_role_is_given_unless_the_settings_map_it():
    assert Settings().access.roles_of({"groups": list(settings.ROLES)}) == frozenset()


def test_an_unknown_role_is_refused(tmp_path):
    path = tmp_path / "municipality.toml"
    path.write_text('[access.roles]\nwethouder = ["gs"]\n')
    with pytest.raises(SettingsError, match="wethouder"):
        settings.load(path)


def test_the_demo_file_maps_every_role():
    access = settings.load(settings.DEFAULT_FILE).access
    assert set(access.roles) == set(settings.ROLES)
