"""Tests for demo/municipality.py: the raw exports of the demo municipality."""

from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from demo.municipality import last_month_end, write_exports
from pipelines.load import Delivery

UNTIL = date(2026, 10, 31)
SHORT_UNTIL = date(2009, 12, 31)  # enough for the byte-for-byte comparisons
HEADERS = {
    "products": "product_id,name_nl,name_en,category,owner_team,upl_uri,digital_since,"
    "introduced_on,retired_on",
    "releases": "product_id,released_on,title",
    "web": "contact_id,submitted_at,product_id,completed,citizen_ref",
    "phone": "Gesprek-ID;Starttijd;Wachtrij;Productcode;Team;Wachttijd (s);Gespreksduur (s);"
    "Opgehangen;Opgelost 1e contact;Beller",
    "desk": "contact_id;arrived_at;product_id;team;wait_seconds;service_seconds;by_appointment;"
    "citizen_ref",
}
ENCODINGS = {
    "products": "utf-8",
    "releases": "utf-8",
    "web": "utf-8-sig",
    "phone": "cp1252",
    "desk": "cp1252",
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
def contacts(exports: dict[str, Delivery]) -> dict[str, pl.DataFrame]:
    """Web, phone and desk rows read back as text, with local time `at`, `handled`, `product`."""
    web = _read(exports["web"].files, ",", "utf8").select(
        at=pl.col("submitted_at")
        .str.to_datetime("%Y-%m-%dT%H:%M:%S%:z")
        .dt.convert_time_zone("Europe/Amsterdam")
        .dt.replace_time_zone(None),
        product=pl.col("product_id"),
        handled=pl.col("completed") == "true",
        ref=pl.col("citizen_ref"),
    )
    phone = _read(exports["phone"].files, ";", "cp1252").select(
        at=pl.col("Starttijd").str.to_datetime("%d-%m-%Y %H:%M", strict=False),
        product=pl.col("Productcode"),
        handled=pl.col("Opgehangen") == "nee",
        ref=pl.col("Beller"),
    )
    desk = _read(exports["desk"].files, ";", "cp1252").select(
        at=pl.col("arrived_at").str.to_datetime("%d-%m-%Y %H:%M:%S"),
        product=pl.col("product_id"),
        handled=pl.lit(True),
        ref=pl.col("citizen_ref"),
    )
    return {"web": web, "phone": phone, "desk": desk}


def _read(files: tuple[Path, ...], separator: str, encoding: str) -> pl.DataFrame:
    """Read yearly files as text columns into one frame."""
    return pl.concat(
        pl.read_csv(f, separator=separator, encoding=encoding, infer_schema=False) for f in files
    )


def _handled_per_year(contacts: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """Return handled contacts per year and channel, one column per channel."""
    return (
        pl.concat(
            [
                frame.select("at", "handled", channel=pl.lit(name))
                for name, frame in contacts.items()
            ]
        )
        .filter("handled")
        .group_by(year=pl.col("at").dt.year(), channel="channel")
        .len()
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
    assert list(exports) == ["products", "releases", "web", "phone", "desk", "corrections"]
    for source in ("web", "phone", "desk"):
        names = [f.name for f in exports[source].files]
        assert names == [f"{source}_{year}.csv" for year in range(2008, 2027)]
    assert [source for source, e in exports.items() if e.mapping] == ["phone"]
    assert exports["phone"].mapping.read_text(encoding="utf-8") == PHONE_MAPPING


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
        assert [f.read_bytes() for f in a.files] == [f.read_bytes() for f in b.files], a.source
    assert first[3].files[-1].read_bytes() != other[3].files[-1].read_bytes()
    assert first[0].files[0].read_bytes() != other[0].files[0].read_bytes()


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
    assert days.min() >= date(2008, 1, 1)
    assert days.max() <= UNTIL


@pytest.mark.parametrize("channel", ["phone", "desk"])
def test_phone_and_desk_only_on_working_days(
    contacts: dict[str, pl.DataFrame], channel: str
) -> None:
    at = contacts[channel]["at"].drop_nulls()
    assert at.dt.weekday().max() <= 5
    assert at.dt.hour().min() >= 8 and at.dt.hour().max() < 17


def test_yearly_volume(contacts: dict[str, pl.DataFrame]) -> None:
    years = (
        pl.concat([frame.select("at") for frame in contacts.values()])
        .group_by(year=pl.col("at").dt.year())
        .len()
    )
    full_years = years.filter(pl.col("year").is_between(2008, 2025))
    assert full_years.height == 18
    assert full_years["len"].min() >= 100_000
    assert full_years["len"].max() <= 200_000


def test_web_share_of_handled_contacts_rises(contacts: dict[str, pl.DataFrame]) -> None:
    share = _handled_per_year(contacts).select(
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
    assert contacts["phone"]["ref"].drop_nulls().str.contains(r"^0\d{1,3}-\d{6,8}$").all()


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
