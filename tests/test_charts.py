"""Charts: titles and axis titles in the chosen language, one colour per channel, PNG offline."""

from datetime import date

import polars as pl
import pytest
import vl_convert

from metrics import charts, norms
from metrics.texts import TEXTS

MIX = pl.DataFrame(
    {
        "period": [date(2024, m, 1) for m in (1, 2) for _ in range(3)],
        "channel": ["web", "phone", "desk"] * 2,
        "contacts": [50, 30, 20, 60, 25, 15],
        "share": [0.5, 0.3, 0.2, 0.6, 0.25, 0.15],
    }
)


TARGETS = pl.DataFrame({"year": [2024], "target": [0.6]})


def _specs(chart) -> list[dict]:
    spec = chart.to_dict()
    return spec.get("layer", [spec])


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("measure", ["share", "contacts"])
def test_channel_mix_has_title_axes_and_channel_colours(lang, measure):
    chart = charts.channel_mix(MIX, lang, measure, "month", TARGETS)
    spec = chart.to_dict()
    key = "channel_mix.share_chart" if measure == "share" else "channel_mix.chart"
    assert " ".join(spec["title"]["text"]) == TEXTS[key][lang]
    main = _specs(chart)[0]["encoding"]
    assert main["x"]["title"] and main["y"]["title"]
    # shares show the target, in the same legend as the channels; counts have no target
    target = [TEXTS["label.target"][lang]] if measure == "share" else []
    colours = [charts.CHANNEL_COLOURS[c] for c in charts.CHANNELS]
    assert main["color"]["scale"]["range"] == colours + [charts.TARGET_COLOUR] * len(target)
    assert main["color"]["scale"]["domain"] == [
        *(TEXTS[f"channel.{c}"][lang] for c in charts.CHANNELS),
        *target,
    ]


def test_dutch_axes_write_dutch_numbers_and_months():
    main = _specs(charts.channel_mix(MIX, "nl", "contacts", "month"))[0]["encoding"]
    assert "'mrt'" in main["x"]["axis"]["labelExpr"]
    assert "regexp" in main["y"]["axis"]["labelExpr"]
    english = _specs(charts.channel_mix(MIX, "en", "contacts", "month"))[0]["encoding"]
    assert "'Mar'" in english["x"]["axis"]["labelExpr"]
    assert "labelExpr" not in english["y"]["axis"]


def test_charts_render_to_png_offline():
    png = vl_convert.vegalite_to_png(
        charts.channel_mix(MIX, "nl", "share", "month", TARGETS).properties(width=600).to_json()
    )
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    svg = vl_convert.vegalite_to_svg(charts.channel_mix(MIX, "nl", "contacts", "month").to_json())
    assert "mrt 2024" in svg or "feb 2024" in svg  # Dutch month names on the axis
    assert "Afgehandelde contacten" in svg


def test_product_history_marks_releases():
    contacts = pl.DataFrame({"period": [date(2015, 3, 1), date(2015, 4, 1)], "contacts": [9, 12]})
    corrections = contacts.rename({"contacts": "corrections"})
    events = pl.DataFrame({"day": [date(2015, 4, 1)], "label": ["Nieuw formulier"]})
    chart = charts.product_history(contacts, corrections, events, "nl")
    layers = chart.to_dict()["layer"]
    assert [layer["mark"]["type"] for layer in layers] == ["area", "line", "rule"]
    assert " ".join(chart.to_dict()["title"]["text"]) == TEXTS["corrections.history"]["nl"]


def test_tooltips_write_numbers_in_the_language():
    data = charts.channel_mix(
        MIX.with_columns(pl.col("contacts") * 1000), "nl", "share", "month"
    ).to_dict()
    rows = next(iter(data["datasets"].values()))
    assert (rows[0]["contacts_shown"], rows[0]["share_shown"]) == ("50.000", "50,0%")


def _targets(chart) -> list[dict]:
    """The rows behind the chart's target layer (the last layer)."""
    spec = chart.to_dict()
    return spec["datasets"][spec["layer"][-1]["data"]["name"]]


def test_each_year_has_its_own_target_over_its_own_months():
    mix = MIX.with_columns(pl.col("period").dt.offset_by("-1mo"))  # December 2023 and January
    targets = pl.DataFrame({"year": [2023, 2024], "target": [0.5, 0.6]})
    chart = charts.channel_mix(mix, "nl", "share", "month", targets)
    assert chart.to_dict()["layer"][-1]["mark"]["type"] == "rule"
    # a step per year, cut at the end of the data (January 2024 ends on 1 February)
    assert [(r["start"], r["stop"], r["target"], r["target_shown"]) for r in _targets(chart)] == [
        ("2023-01-01T00:00:00", "2024-01-01T00:00:00", 0.5, "50%"),
        ("2024-01-01T00:00:00", "2024-02-01T00:00:00", 0.6, "60%"),
    ]


def test_a_yearly_chart_marks_each_years_target_on_its_own_point():
    years = MIX.with_columns(pl.col("period").dt.offset_by("-1y").dt.truncate("1y"))
    years = pl.concat([years.head(3), MIX.head(3).with_columns(pl.col("period").dt.truncate("1y"))])
    targets = pl.DataFrame({"year": [2023, 2024], "target": [0.5, 0.6]})
    chart = charts.channel_mix(years, "en", "share", "year", targets)
    assert chart.to_dict()["layer"][-1]["mark"]["type"] == "point"
    assert [(r["start"], r["target"]) for r in _targets(chart)] == [
        ("2023-01-01T00:00:00", 0.5),
        ("2024-01-01T00:00:00", 0.6),
    ]


def test_digitisation_target_of_a_year_sits_on_that_year():
    progress = pl.DataFrame(
        {
            "period_month": [date(2014, m, 1) for m in range(1, 13)] + [date(2015, 1, 1)],
            "products_total": [300] * 13,
            "products_digital": list(range(40, 53)),
            "share_digital": [0.2] * 13,
        }
    )
    chart = charts.digitisation(progress, pl.DataFrame({"year": [2014], "target": [50]}), "nl")
    assert [(r["start"], r["stop"]) for r in _targets(chart)] == [
        ("2014-01-01T00:00:00", "2015-01-01T00:00:00")
    ]


RUNNING = MIX.with_columns((pl.col("period") == date(2024, 2, 1)).alias("is_partial"))


def test_counts_leave_the_running_period_out_and_say_so():
    chart = charts.channel_mix(RUNNING, "nl", "contacts", "month")
    spec = chart.to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert {r["period"] for r in rows} == {"2024-01-01T00:00:00"}
    assert " ".join(spec["title"]["subtitle"]) == "februari 2024 loopt nog en staat er niet in."


def test_shares_mark_the_running_period_in_the_legend():
    chart = charts.channel_mix(RUNNING, "en", "share", "month")
    layers = chart.to_dict()["layer"]
    marked = layers[-1]
    assert marked["encoding"]["shape"]["field"] == "running"
    rows = chart.to_dict()["datasets"][marked["data"]["name"]]
    assert {(r["period"], r["running"]) for r in rows} == {("2024-02-01T00:00:00", "still running")}


def test_hours_lines_leave_the_running_period_out_rates_mark_it():
    frame = charts.long_form(RUNNING.filter(pl.col("channel") == "web"), {"Web": "contacts"})
    hours = charts.lines(frame, "nl", "series", "value", "Uren", "uur", ",.0f", additive=True)
    spec = hours.to_dict()
    assert " ".join(spec["title"]["subtitle"]) == "februari 2024 loopt nog en staat er niet in."
    assert {r["period"] for r in next(iter(spec["datasets"].values()))} == {"2024-01-01T00:00:00"}
    rate = charts.lines(frame, "nl", "series", "value", "Per 1.000", "per", ",.1f")
    assert rate.to_dict()["layer"][-1]["encoding"]["shape"]["field"] == "running"


def test_a_products_history_leaves_the_running_month_out_and_says_so():
    """Its monthly counts dropped to almost nothing in the month the data end in."""
    web = RUNNING.filter(pl.col("channel") == "web")
    history = charts.product_history(
        web.select("period", "contacts", "is_partial"),
        web.select("period", "is_partial", corrections="contacts"),
        pl.DataFrame({"day": [date(2024, 1, 15)], "label": ["Nieuw formulier"]}),
        "nl",
    ).to_dict()
    assert " ".join(history["title"]["subtitle"]) == "februari 2024 loopt nog en staat er niet in."
    counted = [history["datasets"][layer["data"]["name"]] for layer in history["layer"][:2]]
    assert [{r["period"] for r in rows} for rows in counted] == [{"2024-01-01T00:00:00"}] * 2


@pytest.mark.parametrize(("lang", "month"), [("nl", "februari 2024"), ("en", "February 2024")])
def test_tooltips_write_periods_in_the_language(lang, month):
    """Vega's time formats speak English only: tooltips show the period as text."""
    spec = charts.channel_mix(MIX, lang, "share", "month").to_dict()
    tooltip = (
        spec["encoding"]["tooltip"]
        if "encoding" in spec
        else spec["layer"][0]["encoding"]["tooltip"]
    )
    assert tooltip[0]["field"] == "period_shown"
    rows = next(iter(spec["datasets"].values()))
    assert month in {r["period_shown"] for r in rows}
    history = charts.product_history(
        MIX.filter(pl.col("channel") == "web").select("period", "contacts"),
        MIX.filter(pl.col("channel") == "web").select("period", corrections="contacts"),
        pl.DataFrame({"day": [date(2024, 2, 1)], "label": ["Nieuw formulier"]}),
        lang,
    ).to_dict()
    fields = {t["field"] for layer in history["layer"] for t in layer["encoding"]["tooltip"]}
    assert fields == {"period_shown", "contacts_shown", "corrections_shown", "day_shown", "label"}


def _layers(spec: dict) -> list[dict]:
    """Every single-mark layer of a chart spec, nested layers flattened."""
    if "layer" not in spec:
        return [spec]
    return [leaf for layer in spec["layer"] for leaf in _layers(layer)]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_reference_norms_are_thin_dotted_grey_lines_with_a_short_label(lang):
    weeks = charts.long_form(
        pl.DataFrame(
            {
                "period": [date(2024, 1, 1), date(2024, 1, 8)],
                "service_level": [0.7, 0.9],
                "abandonment_rate": [0.08, 0.04],
            }
        ),
        {"service": "service_level", "abandoned": "abandonment_rate"},
    )
    shown = [*norms.beside("phone_service_level", 30), *norms.beside("phone_abandonment", 30)]
    chart = charts.lines(weeks, lang, "series", "value", "T", "A", ".0%", "week", norms=shown)
    spec = chart.to_dict()
    layers = _layers(spec)
    (rule,) = [layer for layer in layers if layer["mark"]["type"] == "rule"]
    # not a target: grey and dotted, where targets are pink, dashed and thick
    assert rule["mark"]["color"] == charts.NORM_COLOUR != charts.TARGET_COLOUR
    assert rule["mark"]["strokeDash"] == [2, 3] and rule["mark"]["strokeWidth"] < 2.5
    (rows,) = [rows for rows in spec["datasets"].values() if "norm_label" in rows[0]]
    assert [(r["norm"], r["norm_label"]) for r in rows] == [
        (0.8, "Norm: Sturen op Antwoord (2009)"),
        (0.05, "Norm: Tilburg (2014–2016)"),
    ]
    assert rows[0]["norm_caption"] == shown[0].caption(lang)  # the whole caption as tooltip
    (label,) = [layer for layer in layers if layer["mark"]["type"] == "text"]
    # labels start at the left edge (never past the right one), just above their line (inside
    # the chart, also for a norm near zero)
    assert (label["encoding"]["x"], label["encoding"]["text"]["field"]) == (
        {"value": 0},
        "norm_label",
    )
    assert label["mark"]["baseline"] == "bottom"
    # the norms stay out of the legend: it names the two lines only
    assert all("color" not in layer.get("encoding", {}) for layer in layers[1:])


def test_a_chart_without_norms_has_no_reference_lines():
    weeks = charts.long_form(
        pl.DataFrame({"period": [date(2024, 1, 1)], "service_level": [0.7]}),
        {"service": "service_level"},
    )
    spec = charts.lines(weeks, "nl", "series", "value", "T", "A", ".0%", "week").to_dict()
    assert [layer["mark"]["type"] for layer in _layers(spec)] == ["line"]


QUARTERS = [date(2008 + q // 4, 1 + 3 * (q % 4), 1) for q in range(72)]  # 18 years


def _quarterly(periods: list[date]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "period": [p for p in periods for _ in range(2)],
            "series": ["Web", "Telefoon"] * len(periods),
            "value": [float(i) for i in range(2 * len(periods))],
            "is_partial": [False] * (2 * len(periods)),
        }
    ).filter(~((pl.col("series") == "Telefoon") & (pl.col("period") == periods[0])))


@pytest.mark.parametrize(("periods", "points"), [(QUARTERS, False), (QUARTERS[:26], True)])
def test_long_lines_draw_no_point_per_period_short_lines_do(periods, points):
    """Herstelwerk's quarters over 18 years made 435 points to encode and draw in the browser:
    a line over more than POINTS_UP_TO periods has none, 26 weeks of a team keep theirs. The
    tooltip stays on the line (Vega shows the period under the pointer) and says the same."""
    frame = _quarterly(periods)
    spec = charts.lines(frame, "nl", "series", "value", "T", "Uren", ",.1f", "quarter").to_dict()
    (line,) = [layer for layer in _layers(spec) if layer["mark"]["type"] == "line"]
    assert line["mark"]["point"] is points
    assert [(t["field"], t["title"]) for t in line["encoding"]["tooltip"]] == [
        ("period_shown", "Periode"),
        ("series", " "),
        ("value_shown", "Uren"),
    ]
    rows = next(iter(spec["datasets"].values()))
    assert len(rows) == frame.height
    # only what the chart draws and says is sent to the browser
    assert rows[1] == {
        "period": "2008-04-01T00:00:00",
        "series": "Web",
        "value": 2.0,
        "value_shown": "2,0",
        "period_shown": "2e kwartaal 2008",
    }


@pytest.mark.parametrize(("width", "chars"), [("wide", 60), ("narrow", 30)])
def test_titles_wrap_to_the_width_a_chart_has_and_legends_are_never_cut(width, chars):
    """At 1024 px Vega cut "Gemiddelde wachttijd telefoon …" and legend labels: titles wrap at
    what a page (or half a page) holds; legend labels have no limit."""
    frame = pl.DataFrame(
        {
            "period": [date(2024, 1, 1)],
            "series": ["Een heel lang legendalabel dat niet afgekapt mag worden"],
            "value": [1.0],
            "is_partial": [False],
        }
    )
    title = "Gemiddelde wachttijd telefoon per week, per team en per kanaal, met de norm erbij"
    spec = charts.lines(frame, "nl", "series", "value", title, "x", ",d", width=width).to_dict()
    lines = spec["title"]["text"]
    assert " ".join(lines) == title and len(lines) > 1
    assert all(len(line) <= chars for line in lines)
    assert spec["title"]["limit"] == 0
    legends = [
        layer["encoding"]["color"]["legend"]
        for layer in spec.get("layer", [spec])
        if "color" in layer.get("encoding", {})
    ]
    assert legends and all(legend["labelLimit"] == 0 for legend in legends)
    assert all(legend["columns"] == 1 for legend in legends)  # one long label a row


def test_bars_by_origin_send_only_what_they_draw_and_say():
    """The browser turns every cell it gets into a value: the other measures stay home."""
    frame = pl.DataFrame(
        {
            "period": [date(2024, 1, 1)] * 3,
            "origin_channel": ["web", "phone", "desk"],
            "corrections": [4, 2, 1],
            "correction_hours": [2.0, 1.0, 0.5],
            "corrections_per_1000": [4.0, 2.0, 1.0],
            "is_partial": [False] * 3,
        }
    )
    spec = charts.by_origin(frame, "nl", "correction_hours", "T", "Uren", ",.1f", "quarter")
    rows = next(iter(spec.to_dict()["datasets"].values()))
    assert rows[0] == {
        "period": "2024-01-01T00:00:00",
        "channel_label": "Website (klik)",
        "correction_hours": 2.0,
        "correction_hours_shown": "2,0",
        "period_shown": "1e kwartaal 2024",
    }
