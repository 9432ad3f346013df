"""Tests for demo/municipality.py: the raw exports of the demo municipality."""

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from demo.municipality import (
    PRODUCT_QUEUES,
    TOTALS_YEARS,
    last_month_end,
    queue_log_start,
    write_exports,
)
from metrics import query
from pipelines import store as stored
from pipelines.dialect import read_mapping
from pipelines.load import Delivery
from pipelines.sources import queue_log
from tests.conftest import DEMO_UNTIL

UNTIL = date(2026, 10, 31)
SWITCH = date(2025, 11, 1)  # the queue log's first day: twelve months up to UNTIL
# enough for the byte-for-byte comparisons: totals, the ACD export and the queue log
SHORT_UNTIL = date(2011, 6, 30)
HEADERS = {
    "products": "product_id,name_nl,name_en,category,owner_team,upl_uri,digital_since,"
    "introduced_on,retired_on",
    "releases": "product_id,released_on,title",
    "web": "contact_id,submitted_at,product_id,completed,citizen_ref",
    "phone": "Gesprek-ID;Starttijd;Wachtrij;Productcode;Team;Wachttijd (s);Gespreksduur (s);"
    "Opgehangen;Opgelost 1e contact;Beller",
    "desk": "contact_id;arrived_at;product_id;team;wait_seconds;service_seconds;by_appointment;"
    "citizen_ref",
    "volumes": "Maand;Kanaal;Productcode;Team;Afgehandeld;Aangeboden",
}
ENCODINGS = {
    "products": "utf-8",
    "releases": "utf-8",
    "web": "utf-8-sig",
    "phone": "cp1252",
    "desk": "cp1252",
    "volumes": "cp1252",
}
PHONE_MAPPING = """source = "phone"
[dialect]
delimiter = ";"
encoding = "cp1252"
date_format = "%d-%m-%Y %H:%M"
decimal = ","
true_values = ["ja"]
false_values = ["nee"]
[columns]
contact_id = "Gesprek-ID"
started_at = "Starttijd"
product_id = "Productcode"
team = "Team"
wait_seconds = "Wachttijd (s)"
talk_seconds = "Gespreksduur (s)"
abandoned = "Opgehangen"
resolved_first_contact = "Opgelost 1e contact"
citizen_ref = "Beller"
"""


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Delivery]:
    """The exports of the full period 2008 to UNTIL, written once for this module, by source."""
    written = write_exports(tmp_path_factory.mktemp("demo"), until=UNTIL)
    return {export.source: export for export in written}


@pytest.fixture(scope="module")
def products(exports: dict[str, Delivery]) -> pl.DataFrame:
    """products.csv read back with typed dates."""
    return pl.read_csv(exports["products"].files[0], try_parse_dates=True)


@pytest.fixture(scope="module")
def calls(exports: dict[str, Delivery]) -> pl.DataFrame:
    """The queue log's calls as the loader's reader makes them (text), with local time `at`
    and the reason the reader refused a call (`refused`, else null)."""
    delivery = exports["queue-log"]
    mapping = read_mapping(delivery.mapping, queue_log.SCHEMA)
    batches = list(queue_log.read_batches(delivery.files[0], mapping=mapping))
    frame = pl.concat(raw.frame for raw in batches).join(
        pl.concat(raw.refused for raw in batches).rename({"reason": "refused"}),
        on="_line",
        how="left",
    )
    return frame.filter(pl.col("contact_id").is_not_null()).with_columns(
        at=pl.col("started_at")
        .str.to_datetime("%Y-%m-%dT%H:%M:%S%:z")
        .dt.convert_time_zone("Europe/Amsterdam")
        .dt.replace_time_zone(None)
    )


@pytest.fixture(scope="module")
def contacts(exports: dict[str, Delivery], calls: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """Web, phone (ACD export and queue log) and desk rows as text, with local time `at`,
    `handled`, `product` and the resident `ref`."""
    web = _read(exports["web"].files, ",", "utf8").select(
        at=pl.col("submitted_at")
        .str.to_datetime("%Y-%m-%dT%H:%M:%S%:z")
        .dt.convert_time_zone("Europe/Amsterdam")
        .dt.replace_time_zone(None),
        product=pl.col("product_id"),
        handled=pl.col("completed") == "true",
        ref=pl.col("citizen_ref"),
    )
    acd = _read(exports["phone"].files, ";", "cp1252").select(
        at=pl.col("Starttijd").str.to_datetime("%d-%m-%Y %H:%M", strict=False),
        product=pl.col("Productcode"),
        handled=pl.col("Opgehangen") == "nee",
        ref=pl.col("Beller"),
    )
    logged = calls.select(
        "at",
        product=pl.col("product_id"),
        handled=pl.col("abandoned") == "false",
        ref=pl.col("citizen_ref").replace("anonymous", None),
    )
    desk = _read(exports["desk"].files, ";", "cp1252").select(
        at=pl.col("arrived_at").str.to_datetime("%d-%m-%Y %H:%M:%S"),
        product=pl.col("product_id"),
        handled=pl.lit(True),
        ref=pl.col("citizen_ref"),
    )
    return {"web": web, "phone": pl.concat([acd, logged]), "desk": desk}


@pytest.fixture(scope="module")
def totals(exports: dict[str, Delivery]) -> pl.DataFrame:
    """The monthly report's lines (its totals row left out), counts as numbers."""
    report = _read(exports["volumes"].files, ";", "cp1252")
    return report.filter(pl.col("Maand") != "Totaal").with_columns(
        pl.col("Afgehandeld", "Aangeboden").cast(pl.Int64),
        year=pl.col("Maand").str.slice(0, 4).cast(pl.Int32),
    )


def _read(files: tuple[Path, ...], separator: str, encoding: str) -> pl.DataFrame:
    """Read yearly files as text columns into one frame."""
    return pl.concat(
        pl.read_csv(f, separator=separator, encoding=encoding, infer_schema=False) for f in files
    )


def _handled_per_year(contacts: dict[str, pl.DataFrame], totals: pl.DataFrame) -> pl.DataFrame:
    """Return handled contacts per year and channel, one column per channel; the years of
    monthly totals from the report."""
    single = (
        pl.concat(
            [
                frame.select("at", "handled", channel=pl.lit(name))
                for name, frame in contacts.items()
            ]
        )
        .filter("handled")
        .group_by(year=pl.col("at").dt.year().cast(pl.Int32), channel="channel")
        .len()
    )
    counted = totals.group_by("year", channel="Kanaal").agg(len=pl.col("Afgehandeld").sum())
    return (
        pl.concat([single, counted], how="vertical_relaxed")
        .pivot("channel", index="year", values="len")
        .sort("year")
    )


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 11, 28), date(2026, 10, 31)),
        (date(2026, 1, 15), date(2025, 12, 31)),
        (date(2024, 3, 1), date(2024, 2, 29)),
    ],
)
def test_last_month_end(today: date, expected: date) -> None:
    assert last_month_end(today) == expected


def test_exports_come_in_contract_order_with_yearly_files(exports: dict[str, Delivery]) -> None:
    assert list(exports) == [
        "products",
        "releases",
        "web",
        "phone",
        "desk",
        "corrections",
        "queue-log",
        "volumes",
    ]
    # single contacts from 2010; the ACD export's calls up to the queue log's first month
    for source, last in (("web", 2026), ("phone", SWITCH.year), ("desk", 2026)):
        names = [f.name for f in exports[source].files]
        assert names == [f"{source}_{year}.csv" for year in range(2010, last + 1)]
    assert [f.name for f in exports["volumes"].files] == [
        f"maandtotalen_{year}.csv" for year in TOTALS_YEARS
    ]
    assert [f.name for f in exports["queue-log"].files] == ["queue_log"]
    with_mapping = [source for source, e in exports.items() if e.mapping]
    assert with_mapping == ["phone", "queue-log", "volumes"]
    assert exports["phone"].mapping.read_text(encoding="utf-8") == PHONE_MAPPING


@pytest.mark.parametrize(
    ("until", "first"),
    [
        (UNTIL, SWITCH),
        (date(2012, 12, 31), date(2012, 1, 1)),
        (date(2012, 12, 15), date(2012, 1, 1)),
        (date(2011, 1, 31), date(2010, 2, 1)),
        (date(2010, 5, 31), date(2010, 1, 1)),  # never within the years of totals
        (date(2009, 12, 31), date(2010, 1, 1)),
    ],
)
def test_queue_log_covers_the_last_twelve_months(until: date, first: date) -> None:
    assert queue_log_start(until) == first


@pytest.mark.parametrize("source", list(HEADERS))
def test_header_row_and_encoding(exports: dict[str, Delivery], source: str) -> None:
    raw = exports[source].files[-1].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") == (source == "web")  # only the web platform: BOM
    assert raw.decode(ENCODINGS[source]).split("\n", 1)[0] == HEADERS[source]


def test_phone_queue_has_cp1252_en_dash(exports: dict[str, Delivery]) -> None:
    raw = exports["phone"].files[0].read_bytes()
    assert b"Publiekszaken \x96 algemeen" in raw
    assert "–".encode() not in raw  # not UTF-8


def test_same_seed_same_bytes_other_seed_differs(tmp_path: Path) -> None:
    first = write_exports(tmp_path / "a", until=SHORT_UNTIL)
    second = write_exports(tmp_path / "b", until=SHORT_UNTIL)
    other = write_exports(tmp_path / "c", until=SHORT_UNTIL, seed=7)
    for a, b in zip(first, second, strict=True):
        assert a.files, a.source
        assert [f.read_bytes() for f in a.files] == [f.read_bytes() for f in b.files], a.source
        if a.mapping:
            assert a.mapping.read_bytes() == b.mapping.read_bytes()
    for a, c in zip(first, other, strict=True):
        if a.source != "releases":  # the same launches whatever the seed
            assert a.files[-1].read_bytes() != c.files[-1].read_bytes(), a.source


def test_products_catalogue(products: pl.DataFrame) -> None:
    assert 280 <= products.height <= 320
    assert products["product_id"].is_unique().all()
    required = ["name_nl", "category", "owner_team", "upl_uri"]
    assert products.select(pl.col(required).null_count().sum()).row(0) == (0, 0, 0, 0)
    digital_by_2016 = products.filter(pl.col("digital_since") <= date(2016, 12, 31)).height
    assert 90 <= digital_by_2016 <= 110
    assert products.filter(pl.col("digital_since") > date(2016, 12, 31)).height >= 20
    assert products.filter(pl.col("retired_on").is_not_null()).height in range(3, 6)
    assert (
        products["name_nl"].str.slice(0, 1)
        == products["name_nl"].str.slice(0, 1).str.to_uppercase()
    ).all()
    verhuis = products.filter(pl.col("product_id") == "verhuismelding").row(0, named=True)
    assert verhuis["digital_since"] == date(2013, 3, 1)
    assert verhuis["name_en"] == "Change of address"
    assert {"brpUittr", "paspoort", "woz-beschikking", "overlijdensaangifte"} <= set(
        products["product_id"]
    )


def test_releases_tell_the_verhuismelding_story(exports: dict[str, Delivery]) -> None:
    releases = pl.read_csv(exports["releases"].files[0], try_parse_dates=True)
    verhuis = releases.filter(pl.col("product_id") == "verhuismelding")
    assert verhuis["released_on"].to_list()[:2] == [date(2013, 3, 1), date(2015, 4, 1)]
    assert verhuis["released_on"].dt.year().to_list()[2] == 2019
    assert 8 <= releases.height - verhuis.height <= 15


def test_web_contacts_only_while_product_is_digital(
    contacts: dict[str, pl.DataFrame], products: pl.DataFrame
) -> None:
    web = contacts["web"].join(products, left_on="product", right_on="product_id")
    assert web.height > 0.99 * contacts["web"].height  # a few unknown codes, on purpose
    day = pl.col("at").dt.date()
    outside = web.filter(
        pl.col("digital_since").is_null()
        | (day < pl.col("digital_since"))
        | (day < pl.col("introduced_on"))
        | (day >= pl.col("retired_on"))
    )
    assert outside.height == 0


@pytest.mark.parametrize("channel", ["web", "phone", "desk"])
def test_no_contacts_outside_the_period(contacts: dict[str, pl.DataFrame], channel: str) -> None:
    days = contacts[channel]["at"].drop_nulls().dt.date()
    assert days.min() >= date(max(TOTALS_YEARS) + 1, 1, 1)  # before: monthly totals only
    assert days.max() <= UNTIL


def test_monthly_totals_cover_the_first_years(totals: pl.DataFrame) -> None:
    months = totals.group_by("Kanaal").agg(pl.col("Maand").n_unique()).sort("Kanaal")
    assert months.rows() == [("desk", 24), ("phone", 24), ("web", 24)]
    assert totals["Maand"].min() == "2008-01" and totals["Maand"].max() == "2009-12"
    assert (totals["Afgehandeld"] <= totals["Aangeboden"]).all()
    assert (
        totals.filter(pl.col("Kanaal") == "desk")
        .select((pl.col("Afgehandeld") == pl.col("Aangeboden")).all())
        .item()
    )  # a visit is served once it is counted
    by_channel = dict(totals.group_by("Kanaal").agg(pl.col("Team").is_null().all()).rows())
    assert by_channel == {"web": True, "phone": False, "desk": False}  # web has no team
    key = ["Maand", "Kanaal", "Productcode", "Team"]
    assert totals.select(pl.struct(key).is_unique().all()).item()


def test_acd_export_and_queue_log_split_the_calls_at_the_switch(
    exports: dict[str, Delivery], calls: pl.DataFrame
) -> None:
    acd = _read(exports["phone"].files, ";", "cp1252")
    started = acd["Starttijd"].str.to_datetime("%d-%m-%Y %H:%M", strict=False).drop_nulls()
    assert started.max().date() < SWITCH <= calls["at"].min().date()
    assert calls["at"].max().date() <= UNTIL
    assert calls["at"].dt.month().n_unique() == 12
    # a call a day at least on every working day of the queue log's months
    assert calls["at"].dt.date().n_unique() > 240


@pytest.mark.parametrize("channel", ["phone", "desk"])
def test_phone_and_desk_only_on_working_days(
    contacts: dict[str, pl.DataFrame], channel: str
) -> None:
    at = contacts[channel]["at"].drop_nulls()
    assert at.dt.weekday().max() <= 5
    assert at.dt.hour().min() >= 8 and at.dt.hour().max() < 17


def test_yearly_volume(contacts: dict[str, pl.DataFrame], totals: pl.DataFrame) -> None:
    single = (
        pl.concat([frame.select("at") for frame in contacts.values()])
        .group_by(year=pl.col("at").dt.year().cast(pl.Int32))
        .len()
    )
    counted = totals.group_by("year").agg(len=pl.col("Aangeboden").sum())
    years = pl.concat([single, counted], how="vertical_relaxed")
    full_years = years.filter(pl.col("year").is_between(2008, 2025))
    assert full_years.height == 18
    assert full_years["len"].min() >= 100_000
    assert full_years["len"].max() <= 200_000


def test_web_share_of_handled_contacts_rises(
    contacts: dict[str, pl.DataFrame], totals: pl.DataFrame
) -> None:
    share = _handled_per_year(contacts, totals).select(
        "year", web=pl.col("web") / (pl.col("web") + pl.col("phone") + pl.col("desk"))
    )
    by_year = dict(share.iter_rows())
    assert 0.05 <= by_year[2008] <= 0.15
    assert 0.50 <= by_year[2024] <= 0.65
    assert by_year[2008] < by_year[2016] < by_year[2024]


def test_verhuismelding_corrections_fall_after_the_new_form(
    exports: dict[str, Delivery], contacts: dict[str, pl.DataFrame]
) -> None:
    corrections = pl.read_parquet(exports["corrections"].files[0])
    requests = contacts["web"].filter(pl.col("product") == "verhuismelding")
    web_fixes = corrections.filter(
        pl.col("product_id") == "verhuismelding", pl.col("origin_channel") == "web"
    )

    def rate(first: date) -> float:
        end = first.replace(year=first.year + 1)
        fixes = web_fixes.filter(pl.col("detected_at").is_between(first, end, closed="left"))
        sent = requests.filter(pl.col("at").dt.date().is_between(first, end, closed="left"))
        return fixes.height / sent.height

    assert rate(date(2013, 3, 1)) > 0.08
    assert rate(date(2015, 4, 1)) < 0.05
    assert rate(date(2013, 3, 1)) > 2 * rate(date(2015, 4, 1))


def test_corrections_have_real_types(exports: dict[str, Delivery]) -> None:
    corrections = pl.read_parquet(exports["corrections"].files[0])
    assert corrections.schema == pl.Schema(
        {
            "correction_id": pl.String,
            "detected_at": pl.Date,
            "product_id": pl.String,
            "origin_channel": pl.String,
            "contact_id": pl.String,
            "minutes_spent": pl.Float64,
            "error_type": pl.String,
        }
    )
    assert corrections["correction_id"].is_unique().all()
    assert set(corrections["origin_channel"]) == {"web", "phone", "desk"}
    assert 0.6 <= corrections["contact_id"].is_not_null().mean() <= 0.8
    assert corrections["detected_at"].max() <= UNTIL


def test_same_resident_asks_again_within_a_week(contacts: dict[str, pl.DataFrame]) -> None:
    handled = (
        pl.concat([frame.filter("handled") for frame in contacts.values()])
        .filter(pl.col("at").dt.year().is_between(2015, 2018))
        .drop_nulls(["ref", "product", "at"])
        .sort("ref", "product", "at")
    )
    gap = pl.col("at") - pl.col("at").shift(1).over("ref", "product")
    repeat_share = handled.select((gap <= pl.duration(days=7)).fill_null(False).mean()).item()
    assert 0.04 <= repeat_share <= 0.12


def test_citizen_refs_look_real(contacts: dict[str, pl.DataFrame]) -> None:
    bsn = contacts["desk"]["ref"].drop_nulls()
    assert bsn.str.contains(r"^\d{9}$").all()
    digits = (bsn.cast(pl.Int64).to_numpy()[:, None] // 10 ** np.arange(8, -1, -1)) % 10
    assert (digits @ np.array([9, 8, 7, 6, 5, 4, 3, 2, -1]) % 11 == 0).all()  # the 11-test
    assert 0.15 <= contacts["phone"]["ref"].is_null().mean() <= 0.25
    acd = contacts["phone"].filter(pl.col("at") < SWITCH)["ref"].drop_nulls()
    assert acd.str.contains(r"^0\d{1,3}-\d{6,8}$").all()
    logged = contacts["phone"].filter(pl.col("at") >= SWITCH)["ref"].drop_nulls()
    assert logged.str.contains(r"^0\d{9}$").all()  # the caller id: digits only


def test_glitches_are_few_and_present(
    exports: dict[str, Delivery], contacts: dict[str, pl.DataFrame], products: pl.DataFrame
) -> None:
    phone = _read(exports["phone"].files, ";", "cp1252")
    bad_start = phone.filter(
        pl.col("Starttijd").str.to_datetime("%d-%m-%Y %H:%M", strict=False).is_null()
    )
    assert 2 <= bad_start.height <= 20
    assert 1 <= (phone["Opgehangen"] == "misschien").sum() <= 10
    assert 1 <= phone["Wachttijd (s)"].str.starts_with("-").sum() <= 10
    desk = _read(exports["desk"].files, ";", "cp1252")
    assert 1 <= desk.height - desk.unique().height <= 10
    assert 1 <= (desk["service_seconds"] == "n.v.t.").sum() <= 10
    unknown = contacts["web"].join(products, left_on="product", right_on="product_id", how="anti")
    assert 1 <= unknown.height <= 10
    report = _read(exports["volumes"].files, ";", "cp1252")
    assert report.filter(pl.col("Maand") == "Totaal").height == len(TOTALS_YEARS)  # Excel habit


@pytest.fixture(scope="module")
def log_lines(exports: dict[str, Delivery]) -> list[list[str]]:
    """The queue log's lines cut into their fields."""
    text = exports["queue-log"].files[0].read_text(encoding="utf-8")
    assert text.endswith("\n")
    return [line.split("|") for line in text.splitlines()]


def test_queue_log_lines_are_asterisk_events_in_time_order(log_lines: list[list[str]]) -> None:
    cut = [fields for fields in log_lines if len(fields) < 5]
    assert len(cut) == 1 and cut[0][-1] == "PJS"  # the line the restart cut off
    epochs = [int(fields[0]) for fields in log_lines]
    assert epochs == sorted(epochs)
    events = {fields[4] for fields in log_lines if len(fields) >= 5}
    assert events == {
        "QUEUESTART",
        "CONFIGRELOAD",
        "ADDMEMBER",
        "REMOVEMEMBER",
        "PAUSE",
        "UNPAUSE",
        "DID",
        "ENTERQUEUE",
        "RINGNOANSWER",
        "CONNECT",
        "COMPLETECALLER",
        "COMPLETEAGENT",
        "BLINDTRANSFER",
        "ABANDON",
        "EXITWITHKEY",
        "EXITWITHTIMEOUT",
    }
    enter = [fields for fields in log_lines if fields[4:5] == ["ENTERQUEUE"]]
    assert all(f[5] == "" and (f[6] == "anonymous" or f[6].isdigit()) for f in enter)
    assert all(f[1].startswith(f"{f[0]}.") for f in enter)  # uniqueid: the epoch it began
    assert len({f[1] for f in enter}) == len(enter)


def test_queue_log_mapping_names_every_queue(
    exports: dict[str, Delivery], log_lines: list[list[str]], products: pl.DataFrame
) -> None:
    mapping = read_mapping(exports["queue-log"].mapping, queue_log.SCHEMA)
    queues = {fields[2] for fields in log_lines if fields[4:5] == ["ENTERQUEUE"]}
    assert queues == set(mapping.teams)
    assert set(mapping.teams.values()) == {"KCC", "Belastingen"}  # the ACD export's teams
    assert mapping.products == {queue: pid for pid, queue in PRODUCT_QUEUES.items()}
    assert set(mapping.products.values()) <= set(products["product_id"])


def test_queue_log_calls_tagged_by_their_queue(calls: pl.DataFrame) -> None:
    assert 0.2 <= calls["product_id"].is_not_null().mean() <= 0.6
    assert calls["_unmapped_queue"].is_null().all()
    assert 0.01 <= (calls["abandoned"] == "true").mean() <= 0.10
    # the calls the copy of the log caught before their end
    incomplete = calls.filter(pl.col("refused") == "incomplete_call")
    assert 1 <= incomplete.height <= 10
    assert incomplete["at"].min() >= calls["at"].max() - timedelta(hours=1)


# --- The demo store (tests/conftest.py: `channelshift demo` up to DEMO_UNTIL) -----------------


def test_demo_store_counts_each_channel_month_from_one_source(demo_store: Path) -> None:
    """Totals 2008-2009, then single contacts; the last twelve months of calls: the queue log."""
    with stored.read_only(demo_store) as con:
        counted = con.execute(
            "select channel, source, min(period_month), max(period_month), count(*) "
            "from mart_source_months where is_counted group by all order by 1, 3"
        ).fetchall()
        beside = con.execute("select count(*) from mart_source_months where not is_counted")
        assert beside.fetchone()[0] == 0  # no source holds another's months: none counts twice
        sources = con.execute("select source, count(*) from contacts group by all order by 1")
        held = dict(sources.fetchall())
    first, switch, last = date(2008, 1, 1), date(2010, 1, 1), date(2012, 12, 1)
    logged = queue_log_start(DEMO_UNTIL)
    assert logged == date(2012, 1, 1)
    assert counted == [
        ("desk", "volumes", first, date(2009, 12, 1), 24),
        ("desk", "desk", switch, last, 36),
        ("phone", "volumes", first, date(2009, 12, 1), 24),
        ("phone", "phone", switch, date(2011, 12, 1), 24),
        ("phone", "queue-log", logged, last, 12),
        ("web", "volumes", first, date(2009, 12, 1), 24),
        ("web", "web", switch, last, 36),
    ]
    assert set(held) == {"web", "phone", "desk", "queue-log"}
    assert held["queue-log"] > 70_000


@pytest.mark.parametrize(("channel", "low", "high"), [("phone", 0.8, 1.2), ("desk", 0.8, 1.2)])
def test_demo_store_channel_mix_runs_on_across_the_switches(
    demo_store: Path, channel: str, low: float, high: float
) -> None:
    """Every month has contacts, and each month is close to the same month a year before:
    the totals, the exports and the queue log count the same simulated contacts."""
    with stored.read_only(demo_store) as con:
        months = con.sql(
            "select period_month, contacts from mart_channel_mix where channel = ? "
            "order by period_month",
            params=[channel],
        ).pl()
    assert months.height == 60 and months["contacts"].min() > 0
    ratio = months.select(pl.col("contacts") / pl.col("contacts").shift(12)).to_series()
    assert low <= ratio.min() and ratio.max() <= high


def test_demo_store_figures_of_single_contacts_are_not_available_from_totals(
    demo_store: Path,
) -> None:
    with stored.read_only(demo_store) as con:
        for metric in ("phone_service_level", "phone_avg_wait", "repeat_share"):
            periods = [(date(y, 1, 1), date(y, 12, 1)) for y in range(2008, 2013)]
            assert query.from_totals(con, metric, periods) == [True, True, False, False, False]
            assert query.values(con, metric, periods)[:2] == [None, None]
            assert None not in query.values(con, metric, periods)[2:]
