"""Every metric once: what the dashboard, the council briefing and the audit pack all show.

A metric is a numerator over a denominator, both sums over one mart, so a figure for a
quarter or a year is the ratio of the sums (never an average of monthly ratios). Stock
figures (products digital) take the value of the period's last month instead.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

Unit = Literal["share", "count", "hours", "euro", "per_1000", "seconds"]


class Metric(BaseModel):
    """One figure with its definition in Dutch and English."""

    model_config = ConfigDict(frozen=True)

    id: str
    label: dict[str, str]
    definition: dict[str, str]
    unit: Unit
    mart: str
    numerator: str  # SQL aggregate over the mart's columns
    denominator: str | None = None  # SQL aggregate; None = the numerator is the figure
    stock: bool = False  # True: the value at the last month of a period, not a sum
    higher_is_better: bool | None = None  # None: neither direction is a goal in itself
    target: str | None = None  # key in the settings' [targets.YEAR] tables
    # the channels whose single contacts the figure needs: months counted from monthly
    # totals (mart_source_months) have none, so the figure is not available for them
    single_contacts: tuple[str, ...] = ()
    # sources of those channels whose contacts lack what the figure needs (beside monthly
    # totals, which lack everything single): a queue log records no first-contact resolution
    lacking: tuple[str, ...] = ()


def _m(**fields) -> Metric:
    return Metric(**fields)


METRICS: tuple[Metric, ...] = (
    _m(
        id="web_share",
        label={"nl": "Aandeel website (klik)", "en": "Web share (click)"},
        definition={
            "nl": "Afgehandelde webcontacten (ingediende aanvragen) gedeeld door alle "
            "afgehandelde contacten via web, telefoon en balie.",
            "en": "Handled web contacts (submitted requests) divided by all handled contacts "
            "by web, phone and desk.",
        },
        unit="share",
        mart="mart_product_channel",
        numerator="sum(contacts) filter (where channel = 'web')",
        denominator="sum(contacts)",
        higher_is_better=True,
        target="web_share",
    ),
    _m(
        id="phone_share",
        label={"nl": "Aandeel telefoon (bel)", "en": "Phone share (call)"},
        definition={
            "nl": "Beantwoorde telefoongesprekken gedeeld door alle afgehandelde contacten.",
            "en": "Answered calls divided by all handled contacts.",
        },
        unit="share",
        mart="mart_product_channel",
        numerator="sum(contacts) filter (where channel = 'phone')",
        denominator="sum(contacts)",
        higher_is_better=False,
    ),
    _m(
        id="desk_share",
        label={"nl": "Aandeel balie", "en": "Desk share (face)"},
        definition={
            "nl": "Baliebezoeken gedeeld door alle afgehandelde contacten.",
            "en": "Desk visits divided by all handled contacts.",
        },
        unit="share",
        mart="mart_product_channel",
        numerator="sum(contacts) filter (where channel = 'desk')",
        denominator="sum(contacts)",
        higher_is_better=False,
    ),
    _m(
        id="handled_contacts",
        label={"nl": "Afgehandelde contacten", "en": "Handled contacts"},
        definition={
            "nl": "Ingediende webaanvragen, beantwoorde gesprekken en baliebezoeken samen.",
            "en": "Submitted web requests, answered calls and desk visits together.",
        },
        unit="count",
        mart="mart_product_channel",
        numerator="sum(contacts)",
    ),
    _m(
        id="products_digital",
        label={"nl": "Producten digitaal", "en": "Products digital"},
        definition={
            "nl": "Producten in de productcatalogus die op de laatste dag van de periode "
            "volledig online aan te vragen waren.",
            "en": "Products in the catalogue that could be requested fully online on the "
            "period's last day.",
        },
        unit="count",
        mart="mart_digitisation_progress",
        numerator="arg_max(products_digital, period_month)",
        stock=True,
        higher_is_better=True,
        target="products_digital",
    ),
    _m(
        id="products_total",
        label={"nl": "Producten in de catalogus", "en": "Products in the catalogue"},
        definition={
            "nl": "Producten die op de laatste dag van de periode werden aangeboden "
            "(ingevoerd en nog niet beëindigd).",
            "en": "Products offered on the period's last day (introduced, not yet retired).",
        },
        unit="count",
        mart="mart_digitisation_progress",
        numerator="arg_max(products_total, period_month)",
        stock=True,
    ),
    _m(
        id="share_digital",
        label={"nl": "Aandeel producten digitaal", "en": "Share of products digital"},
        definition={
            "nl": "Digitale producten gedeeld door alle aangeboden producten, op de laatste "
            "dag van de periode.",
            "en": "Digital products divided by all offered products on the period's last day.",
        },
        unit="share",
        mart="mart_digitisation_progress",
        numerator="arg_max(products_digital, period_month)",
        denominator="arg_max(products_total, period_month)",
        stock=True,
        higher_is_better=True,
    ),
    _m(
        id="digital_takeup",
        label={"nl": "Digitaal gebruik", "en": "Digital take-up"},
        definition={
            "nl": "Voor producten die digitaal waren: afgehandelde webcontacten gedeeld door "
            "afgehandelde contacten via web, telefoon en balie samen.",
            "en": "For products that were digital: handled web contacts divided by handled "
            "contacts by web, phone and desk together.",
        },
        unit="share",
        mart="mart_digital_takeup",
        numerator="sum(web_contacts)",
        denominator="sum(web_contacts + phone_contacts + desk_contacts)",
        higher_is_better=True,
    ),
    _m(
        id="corrections",
        label={"nl": "Herstelacties", "en": "Corrections"},
        definition={
            "nl": "Fouten in aanvragen die medewerkers met de hand herstelden, geteld in de "
            "maand waarin ze werden ontdekt.",
            "en": "Mistakes in requests that staff corrected by hand, counted in the month "
            "they were found.",
        },
        unit="count",
        mart="mart_corrections",
        numerator="sum(corrections)",
        higher_is_better=False,
    ),
    _m(
        id="correction_hours",
        label={"nl": "Uren herstelwerk", "en": "Correction hours"},
        definition={
            "nl": "Bestede minuten aan herstelacties, gedeeld door 60.",
            "en": "Minutes spent on corrections, divided by 60.",
        },
        unit="hours",
        mart="mart_corrections",
        numerator="sum(correction_hours)",
        higher_is_better=False,
    ),
    _m(
        id="corrections_per_1000",
        label={"nl": "Herstelacties per 1.000 contacten", "en": "Corrections per 1,000 contacts"},
        definition={
            "nl": "Herstelacties maal 1.000, gedeeld door de afgehandelde contacten van "
            "hetzelfde product, kanaal en dezelfde maand.",
            "en": "Corrections times 1,000, divided by the handled contacts of the same "
            "product, channel and month.",
        },
        unit="per_1000",
        mart="mart_corrections",
        numerator="1000 * sum(corrections)",
        denominator="sum(handled_contacts)",
        higher_is_better=False,
        target="max_corrections_per_1000",
    ),
    _m(
        id="handling_hours",
        label={"nl": "Uren afhandeling", "en": "Handling hours"},
        definition={
            "nl": "Gesprekstijd aan de telefoon, bedieningstijd aan de balie en de vaste "
            "minuten per webaanvraag (instelling), in uren.",
            "en": "Phone talk time, desk service time and the set minutes per web request "
            "(setting), in hours.",
        },
        unit="hours",
        mart="mart_capacity",
        numerator="sum(handling_hours)",
        higher_is_better=False,
    ),
    _m(
        id="hours_freed_by_web",
        label={"nl": "Geschatte uren bespaard", "en": "Estimated hours freed"},
        definition={
            "nl": "Schatting: webaanvragen maal (de gemiddelde medewerkerstijd per telefoon- of "
            "baliecontact voor hetzelfde product over de afgelopen 12 maanden min de "
            "medewerkerstijd per webaanvraag, instelling staff_minutes.web), min de uren "
            "herstelwerk aan webaanvragen. Neemt aan dat elke webaanvraag een telefoon- of "
            "baliecontact verving. Negatief: digitaal kost meer tijd dan het oplevert.",
            "en": "Estimate: web requests times (the average staff time per phone or desk "
            "contact for the same product over the trailing 12 months minus the staff time "
            "per web request, setting staff_minutes.web), minus correction hours on web "
            "requests. Assumes every web request replaced a phone or desk contact. Negative: "
            "digital costs more time than it frees.",
        },
        unit="hours",
        mart="mart_capacity",
        numerator="sum(hours_freed_by_web)",
        higher_is_better=True,
    ),
    _m(
        id="total_cost",
        label={"nl": "Kosten contactafhandeling", "en": "Cost of handling contacts"},
        definition={
            "nl": "Afgehandelde contacten per kanaal maal de kostprijs per contact van dat "
            "kanaal (instelling), in euro.",
            "en": "Handled contacts per channel times that channel's cost per contact "
            "(setting), in euro.",
        },
        unit="euro",
        mart="mart_capacity",
        numerator="sum(total_cost)",
        higher_is_better=False,
    ),
    _m(
        id="phone_service_level",
        label={"nl": "Telefonische bereikbaarheid", "en": "Phone service level"},
        definition={
            "nl": "Aangeboden gesprekken die binnen de norm (standaard 20 seconden) werden "
            "beantwoord, gedeeld door alle aangeboden gesprekken, ook opgehangen gesprekken.",
            "en": "Offered calls answered within the norm (default 20 seconds) divided by all "
            "offered calls, abandoned calls included.",
        },
        unit="share",
        mart="mart_phone_service",
        numerator="sum(calls_answered_in_time) filter (where not from_totals)",
        denominator="sum(calls_offered) filter (where not from_totals)",
        single_contacts=("phone",),
        higher_is_better=True,
        target="phone_service_level",
    ),
    _m(
        id="phone_abandonment",
        label={"nl": "Opgehangen gesprekken", "en": "Abandoned calls"},
        definition={
            "nl": "Gesprekken waarin de beller ophing voordat er werd opgenomen, gedeeld "
            "door alle aangeboden gesprekken.",
            "en": "Calls in which the caller hung up before being answered, divided by all "
            "offered calls.",
        },
        unit="share",
        mart="mart_phone_service",
        numerator="sum(calls_abandoned)",
        denominator="sum(calls_offered)",
        higher_is_better=False,
        target="max_phone_abandonment",
    ),
    _m(
        id="phone_avg_wait",
        label={"nl": "Gemiddelde wachttijd telefoon", "en": "Average phone wait"},
        definition={
            "nl": "Gemiddelde wachttijd in seconden van alle aangeboden gesprekken.",
            "en": "Average wait in seconds over all offered calls.",
        },
        unit="seconds",
        mart="mart_phone_service",
        numerator="sum(avg_wait_seconds * calls_offered) filter (where not from_totals)",
        denominator="sum(calls_offered) filter (where not from_totals)",
        single_contacts=("phone",),
        higher_is_better=False,
    ),
    _m(
        id="first_contact_resolution",
        label={"nl": "Opgelost in eerste contact", "en": "First-contact resolution"},
        definition={
            "nl": "Beantwoorde gesprekken die in één keer werden opgelost, gedeeld door de "
            "beantwoorde gesprekken waarvan dat is vastgelegd.",
            "en": "Answered calls resolved at once, divided by the answered calls for which "
            "this was recorded.",
        },
        unit="share",
        mart="mart_phone_service",
        numerator="sum(calls_resolved)",
        denominator="sum(calls_with_resolution)",
        single_contacts=("phone",),
        lacking=("queue-log", "openklant"),
        higher_is_better=True,
    ),
    _m(
        id="desk_served_in_time",
        label={"nl": "Balie binnen de norm geholpen", "en": "Desk visitors served in time"},
        definition={
            "nl": "Baliebezoekers die binnen de norm (standaard 10 minuten) werden geholpen, "
            "gedeeld door alle baliebezoekers.",
            "en": "Desk visitors served within the norm (default 10 minutes) divided by all "
            "desk visitors.",
        },
        unit="share",
        mart="mart_desk_service",
        numerator="sum(visits_served_in_time) filter (where not from_totals)",
        denominator="sum(visits) filter (where not from_totals)",
        single_contacts=("desk",),
        higher_is_better=True,
        target="desk_served_in_time",
    ),
    _m(
        id="repeat_share",
        label={"nl": "Herhaalcontact", "en": "Repeat contacts"},
        definition={
            "nl": "Afgehandelde contacten waarna dezelfde inwoner binnen 7 dagen opnieuw "
            "contact zocht over hetzelfde product (via welk kanaal ook), gedeeld door de "
            "afgehandelde contacten van bekende inwoners over een bekend product: vermijdbaar "
            "contact.",
            "en": "Handled contacts followed within 7 days by another contact of the same "
            "resident about the same product (any channel), divided by the handled contacts "
            "of known residents about a known product: avoidable contact.",
        },
        unit="share",
        mart="mart_repeat_contacts",
        numerator="sum(repeated_contacts)",
        denominator="sum(contacts)",
        single_contacts=("web", "phone", "desk"),
        higher_is_better=False,
    ),
)

METRIC = {m.id: m for m in METRICS}
