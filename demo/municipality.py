"""Demo: the raw exports of a made-up municipality of about 52,000 residents, 2008 to last month.

Writes one file per source (and per year for web, phone and desk) in the layouts the real
systems deliver, with a few deliberate glitches for the loader to quarantine. The town kept
no contact log in its first years: 2008 and 2009 come as the contact centre's monthly totals
(`volumes`), counted from the same simulated contacts so the series runs on. Its newest
telephony writes an Asterisk queue log: the last twelve months of calls come as `queue-log`
instead of the ACD export. Everything is drawn from seeded generators, so a (seed, until)
pair always gives the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from pipelines.load import Delivery
from pipelines.schema import CHANNELS
from pipelines.settings import REPO, TIME_ZONE
from pipelines.sources import products as catalogue

UPL_CSV = REPO / "data" / "reference" / "UPL-actueel.csv"
START = date(2008, 1, 1)
WEB, PHONE, DESK = 0, 1, 2
ID_PREFIX = ("W", "T", "B")

# All rates below are assumptions for a demo town, chosen to look like the channel-shift
# reports of Dutch municipalities; none is measured.
RESIDENTS = 52_000
PRODUCT_COUNT = 300
GROWTH_PER_YEAR = 0.006  # population growth
REST_TOP_CONTACTS = 2_500  # contacts a year of the busiest product outside KEY_PRODUCTS
REST_EXPONENT = 0.6  # Zipf exponent of the long tail
DIGITAL_BY_2016 = 100
DIGITAL_AFTER_2016 = 30
# Trends as {year: value}, linear in between and flat outside.
WEB_ADOPTION = {2008: 0.70, 2025: 1.0}  # share of a digital product's web potential in use
WEB_POTENTIAL = (0.65, 0.92)  # share of a product's contact that can move online
WEB_RAMP_MONTHS = 8  # a new online product takes its share over 1-2 years
DESK_TREND = {2008: 1.0, 2024: 0.6}  # the desk's part of non-web contact, relative to 2008
UNTAGGED_PHONE = {2008: 0.30, 2026: 0.08}  # calls the agent did not tag with a product
APPOINTMENT = {2008: 0.20, 2021: 0.90}  # desk visits booked in advance
PHONE_WAIT_MEDIAN = 12.0  # seconds: about 70% of calls answered within 20 s in a normal month
PHONE_WAIT_SIGMA = 0.85
PHONE_LOAD_EXPONENT = 2.0  # waits grow with the square of a month's load
PHONE_TALK_MEDIAN = 250.0
ABANDON_BASE, ABANDON_MAX, ABANDON_PATIENCE = 0.02, 0.25, 300.0
RESOLVED, RESOLVED_BEFORE_REPEAT = 0.82, 0.25  # first-contact resolution
DESK_WAIT_MEDIAN = {True: 180.0, False: 540.0}  # by appointment or not
DESK_SERVICE_MEDIAN = 540.0
DIGID_SHARE = 0.70  # web users identified by BSN; the others leave an e-mail address
HIDDEN_CALLER_SHARE = 0.20
ANONYMOUS_DESK_SHARE = 0.10
WEB_COMPLETION, COMPLETION_LOSS_PER_ERROR = 0.86, 0.8
REPEAT_RATE = (0.07, 0.13)  # same question again within 7 days, per product
REPEAT_PER_FORM_ERROR = 1.0  # extra repeats per unit of web error rate (bad forms)
WEB_ERROR_RATE = (0.015, 0.035)  # corrections per completed web request, per product
ASSISTED_ERROR_RATE = 0.01  # corrections per handled phone call or desk visit

# product_id: (contacts a year in all channels, desk share of non-web contact, web potential)
KEY_PRODUCTS = {
    "verhuismelding": (7_000, 0.45, 0.90),
    "brpUittr": (6_000, 0.55, 0.90),
    "paspoort": (8_000, 0.75, 0.55),
    "identiteitskaart": (6_000, 0.75, 0.55),
    "rijbewijs": (6_000, 0.70, 0.50),
    "woz-beschikking": (7_000, 0.10, 0.85),
    "woz-taxatieverslag": (2_500, 0.10, 0.85),
    "onroerendezaakbelasting_(ozb)": (3_500, 0.10, 0.80),
    "afvalstoffenheffing": (3_000, 0.10, 0.80),
    "belastingkwijtschelding": (2_000, 0.30, 0.75),
    "afvalinzameling_grofvuil": (6_000, 0.05, 0.90),
    "afvalkalender": (3_500, 0.05, 0.95),
    "huishoudelijk_afvalinzameling": (4_000, 0.05, 0.85),
    "afvalcontainer": (3_500, 0.10, 0.90),
    "melding_openbare_ruimte_(algemeen)": (7_000, 0.05, 0.90),
    "parkeervergunning": (3_000, 0.35, 0.90),
    "wmo-voorziening": (3_000, 0.25, 0.60),
    "bijstand": (2_500, 0.40, 0.65),
    "jeugdhulp": (1_500, 0.30, 0.40),
    "schuldhulpverlening": (1_200, 0.45, 0.40),
    "geboorteaangifte": (700, 0.90, 0.60),
    "overlijdensaangifte": (600, 0.40, 0.90),
    "huwelijksaangifte": (400, 0.70, 0.60),
    "omgevingsvergunning_bouw": (1_500, 0.30, 0.90),
    "evenementenvergunning": (500, 0.20, 0.80),
    "verklaring_omtrent_gedrag_(vog)": (1_500, 0.60, 0.70),
    "gehandicaptenparkeerkaart": (800, 0.50, 0.50),
}
# Fixed online dates; a few predate the demo so that 2008 already has some web traffic.
DIGITAL_SINCE = {
    "melding_openbare_ruimte_(algemeen)": "2006-04-03",
    "afvalkalender": "2006-09-01",
    "afvalinzameling_grofvuil": "2007-05-01",
    "afvalcontainer": "2007-09-03",
    "brpUittr": "2007-10-01",
    "huishoudelijk_afvalinzameling": "2007-11-01",
    "parkeervergunning": "2008-06-02",
    "omgevingsvergunning_bouw": "2010-10-01",
    "woz-beschikking": "2011-02-01",
    "onroerendezaakbelasting_(ozb)": "2011-02-01",
    "afvalstoffenheffing": "2011-02-01",
    "belastingkwijtschelding": "2012-01-02",
    "evenementenvergunning": "2012-04-02",
    "verhuismelding": "2013-03-01",
    "paspoort": "2014-03-03",
    "identiteitskaart": "2014-03-03",
    "rijbewijs": "2014-09-01",
    "verklaring_omtrent_gedrag_(vog)": "2015-06-01",
    "bijstand": "2015-07-01",
    "wmo-voorziening": "2016-01-04",
    "woz-taxatieverslag": "2016-02-01",
    "huwelijksaangifte": "2016-09-01",
    "afvalInzPMDK": "2017-01-01",
    "gehandicaptenparkeerkaart": "2018-03-01",
    "overlijdensaangifte": "2018-09-03",
    "geboorteaangifte": "2019-05-01",
    "schuldhulpverlening": "2021-03-01",
    "omgevingsvergunning_ruimtelijke_ordening": "2024-01-01",
    "voorovrlg": "2024-01-01",
}
INTRODUCED_ON = {  # Jeugdwet, Wlz and Participatiewet 2015; PMD 2017; Omgevingswet 2024
    "jeugdhulp": "2015-01-01",
    "wlzIindicatie": "2015-01-01",
    "beschWerk": "2015-01-01",
    "bijstandTegenpr": "2015-01-01",
    "afvalInzPMDK": "2017-01-01",
    "omgevingsvergunning_ruimtelijke_ordening": "2024-01-01",
    "voorovrlg": "2024-01-01",
}
RETIRED_ON = {
    "afvalinzBlik": "2014-01-01",
    "mantelzorgcompliment": "2015-01-01",
    "afvalinzameling_plastic": "2017-01-01",
    "forensenbelasting": "2020-01-01",
    "hondenbelasting": "2022-01-01",
}
FORM_ERROR_RATE = {  # web forms known to be bad at launch
    "verhuismelding": 0.18,
    "belastingkwijtschelding": 0.08,
    "wmo-voorziening": 0.09,
    "bijstand": 0.07,
    "omgevingsvergunning_bouw": 0.06,
}
LAUNCH_TITLES = {
    "brpUittr": "Uittreksel BRP online aanvragen met DigiD",
    "parkeervergunning": "Parkeervergunning online aanvragen",
    "omgevingsvergunning_bouw": "Omgevingsvergunning via het Omgevingsloket",
    "woz-beschikking": "WOZ-beschikking digitaal in de Berichtenbox",
    "belastingkwijtschelding": "Kwijtschelding online aanvragen",
    "verhuismelding": "Verhuismelding online",
    "paspoort": "Online afspraak voor paspoort en identiteitskaart",
    "overlijdensaangifte": "Digitale overlijdensaangifte voor uitvaartondernemers",
}
# (product_id, released_on, title, factor on the web error rate from that day)
IMPROVEMENTS = (
    ("brpUittr", "2012-05-01", "Uittreksel BRP direct betalen met iDEAL", 0.7),
    ("verhuismelding", "2015-04-01", "Nieuw verhuisformulier na gebruikerstest", 0.2),
    ("woz-beschikking", "2016-02-01", "Taxatieverslag WOZ online inzien", 0.8),
    ("belastingkwijtschelding", "2018-03-05", "Kwijtschelding zonder bijlagen", 0.4),
    ("verhuismelding", "2019-09-02", "Verhuismelding controleert het adres in de BAG", 0.6),
    ("wmo-voorziening", "2021-06-01", "Wmo-melding in eenvoudige taal", 0.6),
)
ENGLISH_NAMES = {
    "verhuismelding": "Change of address",
    "brpUittr": "Extract from the population register",
    "paspoort": "Passport",
    "identiteitskaart": "Identity card",
    "rijbewijs": "Driving licence",
    "woz-beschikking": "Property valuation notice (WOZ)",
    "woz-taxatieverslag": "Property valuation report (WOZ)",
    "onroerendezaakbelasting_(ozb)": "Property tax",
    "afvalstoffenheffing": "Waste collection charge",
    "belastingkwijtschelding": "Municipal tax remission",
    "afvalinzameling_grofvuil": "Bulky waste collection",
    "afvalkalender": "Waste collection calendar",
    "huishoudelijk_afvalinzameling": "Household waste collection",
    "afvalcontainer": "Waste container",
    "melding_openbare_ruimte_(algemeen)": "Report a problem in a public space",
    "parkeervergunning": "Parking permit",
    "gehandicaptenparkeerkaart": "Disabled parking card",
    "wmo-voorziening": "Social support provision (Wmo)",
    "bijstand": "Social assistance benefit",
    "jeugdhulp": "Youth care",
    "schuldhulpverlening": "Debt counselling",
    "geboorteaangifte": "Birth registration",
    "overlijdensaangifte": "Death registration",
    "huwelijksaangifte": "Notice of intended marriage",
    "omgevingsvergunning_bouw": "Building permit",
    "evenementenvergunning": "Event permit",
    "verklaring_omtrent_gedrag_(vog)": "Certificate of conduct (VOG)",
}
# First matching keyword in the lower-case Dutch name wins; the rest is "Overig".
CATEGORY_KEYWORDS = (
    (
        "Belastingen",
        (
            "belasting",
            "woz",
            "stoffenheffing",
            "rioolheffing",
            "ozb",
            "leges",
            "precario",
            "kwijtschelding",
            "incasso",
            "reinigingsrecht",
            "marktgelden",
            "biz-bijdrage",
        ),
    ),
    (
        "Burgerzaken",
        (
            "brp",
            "paspoort",
            "identiteitskaart",
            "rijbewijs",
            "reisdocument",
            "verhuis",
            "geboorte",
            "overlijden",
            "huwelijk",
            "partnerschap",
            "akte",
            "naturalisatie",
            "nationaliteit",
            "nederlanderschap",
            "erkenning kind",
            "naamwijziging",
            "naamgebruik",
            "naamskeuze",
            "stempas",
            "stemmen",
            "kiezerspas",
            "verkiezingen",
            "legalisatie",
            "burgerservicenummer",
            "digid",
            "briefadres",
            "rni ",
            "echtscheiding",
            "adoptie",
            "omtrent gedrag",
            "attestatie",
            "geslachtswijziging",
            "burgerlijke stand",
            "vaderschap",
            "doodgeboren",
            "garantverklaring",
            "eed of belofte",
            "visum",
            "verblijfsvergunning",
            "vreemdelingenpaspoort",
            "adresonderzoek",
            "verlof tot begraven",
            "stoffelijk overschot",
            "begra",
            "asverstrooiing",
            "trouwlocatie",
        ),
    ),
    (
        "Werk en inkomen",
        (
            "bijstand",
            "uitkering",
            "toeslag",
            "re-integratie",
            "begeleid werken",
            "beschut werk",
            "werkbegeleiding",
            "werkplek",
            "werkvoorziening",
            "loonkosten",
            "loonsuppletie",
            "schuld",
            "stadspas",
            "sollicitatie",
            "voedselbank",
            "studiefinanciering",
            "wsnp",
            "rechtshulp",
            "opleidingsvergoeding",
        ),
    ),
    (
        "Zorg en welzijn",
        (
            "wmo",
            "zorg",
            "jeugd",
            "mantelzorg",
            "rolstoel",
            "hulpmiddel",
            "huishoudelijke hulp",
            "dagbesteding",
            "opvang",
            "gezondheid",
            "maaltijd",
            "alarmering",
            "dyslexie",
            "tillift",
            "woningaanpassing",
            "vervoer",
            "taxivergoeding",
            "regiotaxi",
            "valys",
            "gehandicapten",
            "logeerhuis",
            "blindengeleidehond",
            "boodschappenhulp",
            "woonvoorziening",
            "aanpassing",
            "persoonsgebonden",
            "wlz",
            "opvoeding",
            "leerplicht",
            "hoorhulp",
            "huisverbod",
        ),
    ),
    (
        "Afval en openbare ruimte",
        (
            "afval",
            "container",
            "openbare ruimte",
            "riool",
            "groen",
            "gladheid",
            "speelvoorziening",
            "onkruid",
            "bladkorf",
            "compost",
            "ongedierte",
            "meldpunt",
            "plantsoen",
            "dierenopvang",
            "gezelschapsdieren",
            "antireclame",
            "volkstuin",
            "woonomgeving",
            "infrastructuur",
            "straatnaam",
            "gevonden",
        ),
    ),
    (
        "Verkeer en vervoer",
        (
            "parkeer",
            "verkeer",
            "routeplicht",
            "wegsleep",
            "laadpaal",
            "kenteken",
            "ov-begeleider",
            "caravan",
            "vaarvergunning",
            "ligplaats",
        ),
    ),
    (
        "Ondernemen",
        (
            "horeca",
            "drank",
            "alcohol",
            "markt",
            "standplaats",
            "terras",
            "exploitatie",
            "kansspel",
            "speelautomat",
            "evenement",
            "bedrijf",
            "ondernem",
            "vuurwerk",
            "winkeltijden",
            "koopzondag",
            "vent",
            "tapontheffing",
            "collectevergunning",
            "festiviteiten",
            "opkopers",
            "hofleverancier",
            "ontheffing",
        ),
    ),
    (
        "Wonen en verbouwen",
        (
            "omgevingsvergunning",
            "bouw",
            "woning",
            "woon",
            "monument",
            "sloop",
            "bestemmingsplan",
            "splitsing",
            "welstand",
            "fundering",
            "slening",
            "huisvesting",
            "huisnummer",
            "bag ",
            "kadastrale",
            "erfpacht",
            "grond",
            "planschade",
            "asbest",
            "bodem",
            "voorovrlg",
            "huurt",
        ),
    ),
)
OWNER_TEAM = {
    "Burgerzaken": "Burgerzaken",
    "Belastingen": "Belastingen",
    "Wonen en verbouwen": "Vergunningen",
    "Ondernemen": "Vergunningen",
    "Verkeer en vervoer": "Vergunningen",
    "Zorg en welzijn": "Sociaal Domein",
    "Werk en inkomen": "Sociaal Domein",
    "Afval en openbare ruimte": "Openbare Ruimte",
    "Overig": "KCC",
}
DESK_SHARE = {  # share of non-web contact at the desk, for products outside KEY_PRODUCTS
    "Burgerzaken": 0.65,
    "Belastingen": 0.10,
    "Wonen en verbouwen": 0.30,
    "Ondernemen": 0.25,
    "Verkeer en vervoer": 0.30,
    "Zorg en welzijn": 0.30,
    "Werk en inkomen": 0.40,
    "Afval en openbare ruimte": 0.05,
    "Overig": 0.30,
}
# Monthly factors, January first: tax bills arrive late February, travel documents peak
# before the summer, everything dips in July, August and December.
SEASON = {
    "all": (1.05, 1.05, 1.10, 1.05, 1.02, 1.00, 0.80, 0.80, 1.02, 1.05, 1.02, 0.84),
    "tax": (1.00, 2.60, 2.00, 0.90, 0.70, 0.60, 0.45, 0.45, 0.60, 0.70, 0.70, 0.55),
    "travel": (0.75, 0.85, 1.10, 1.35, 1.45, 1.35, 0.95, 0.75, 0.85, 0.85, 0.80, 0.70),
}
TRAVEL_PRODUCTS = ("paspoort", "identiteitskaart")
# Passports issued from March 2014 are valid ten years: fewer renewals 2019-2023, a wave
# from 2024; 2020 also has the pandemic.
TRAVEL_WAVE = {
    2019: 0.75,
    2020: 0.55,
    2021: 0.65,
    2022: 0.80,
    2023: 0.90,
    2024: 1.35,
    2025: 1.30,
    2026: 1.20,
}
# (year, month): factors for web, phone and desk during the first pandemic lockdown.
PANDEMIC = {
    (2020, 3): (1.10, 1.15, 0.60),
    (2020, 4): (1.20, 1.20, 0.25),
    (2020, 5): (1.15, 1.10, 0.40),
    (2020, 6): (1.10, 1.05, 0.70),
}
WEEKDAY_WEIGHTS = {  # Monday first
    "web": (1.15, 1.05, 1.00, 1.00, 0.90, 0.70, 0.85),
    "phone": (1.30, 1.10, 1.00, 0.95, 0.80, 0.0, 0.0),
    "desk": (1.20, 1.05, 1.00, 1.05, 0.85, 0.0, 0.0),
}
LATE_DECEMBER_WEIGHT = 0.5  # 24 and 27-31 December
HOLIDAY_WEB_WEIGHT = 0.7  # desk and phone are closed on public holidays
# (first slot in seconds after midnight, slot length in seconds, weight per slot)
TIME_SLOTS = {
    "web": (
        0,
        3600,
        (
            0.4,
            0.2,
            0.1,
            0.08,
            0.08,
            0.15,
            0.4,
            0.9,
            1.3,
            1.5,
            1.5,
            1.4,
            1.3,
            1.3,
            1.3,
            1.2,
            1.1,
            1.1,
            1.3,
            1.7,
            1.9,
            1.8,
            1.3,
            0.8,
        ),
    ),
    "phone": (
        30_600,
        1800,
        (0.8, 1.4, 1.6, 1.6, 1.5, 1.3, 1.1, 0.8, 0.8, 1.0, 1.1, 1.0, 0.9, 0.85, 0.75, 0.6, 0.45),
    ),
    "desk": (
        30_600,
        1800,
        (0.7, 1.0, 1.1, 1.2, 1.2, 1.1, 1.0, 0.8, 0.8, 1.0, 1.1, 1.1, 1.0, 1.0, 0.9, 0.8, 0.6),
    ),
}
# Where a repeat contact goes, per origin channel (web, phone, desk): failed web users call.
REPEAT_CHANNEL = np.array([[0.50, 0.35, 0.15], [0.0, 0.85, 0.15], [0.0, 0.30, 0.70]])
ERROR_TYPES = (
    "onvolledige aanvraag",
    "verkeerd adres",
    "ontbrekende bijlage",
    "dubbele aanvraag",
    "verkeerde product gekozen",
    "verkeerde ingangsdatum",
)
ERROR_TYPE_SHARES = {
    "web": (0.30, 0.12, 0.25, 0.15, 0.13, 0.05),
    "assisted": (0.30, 0.30, 0.10, 0.10, 0.05, 0.15),
    "verhuismelding": (0.20, 0.35, 0.05, 0.10, 0.05, 0.25),
}
DETECTION_DELAY_SHARES = (0.30, 0.25, 0.15, 0.10, 0.10, 0.05, 0.05)  # 0-6 days
SURNAMES = (
    "devries",
    "jansen",
    "bakker",
    "visser",
    "smit",
    "meijer",
    "mulder",
    "dejong",
    "bos",
    "vandijk",
    "degroot",
    "vandenberg",
    "hendriks",
    "peters",
    "dekker",
)
MAIL_DOMAINS = (
    "gmail.com",
    "hotmail.com",
    "ziggo.nl",
    "kpnmail.nl",
    "outlook.com",
    "live.nl",
    "xs4all.nl",
    "planet.nl",
)
AREA_CODES = ("0412", "0413", "0486")

# Glitches the loader must quarantine: few, in a few years only.
PHONE_GLITCH_YEARS = (2011, 2016, 2022)
DESK_GLITCH_YEARS = (2012, 2019, 2024)
UNKNOWN_WEB_PRODUCTS = {
    2010: ("oud-product-417", "oud-product-123", "oud-product-88"),
    2011: ("oud-product-123", "oud-product-123"),
}

PHONE_COLUMNS = {  # canonical name: column in the ACD export (Wachtrij has no canonical name)
    "contact_id": "Gesprek-ID",
    "started_at": "Starttijd",
    "product_id": "Productcode",
    "team": "Team",
    "wait_seconds": "Wachttijd (s)",
    "talk_seconds": "Gespreksduur (s)",
    "abandoned": "Opgehangen",
    "resolved_first_contact": "Opgelost 1e contact",
    "citizen_ref": "Beller",
}
PHONE_DIALECT = """source = "phone"
[dialect]
delimiter = ";"
encoding = "cp1252"
date_format = "%d-%m-%Y %H:%M"
decimal = ","
true_values = ["ja"]
false_values = ["nee"]
"""
QUEUES = {"Belastingen": "Belastingen – WOZ", "Sociaal Domein": "Zorg en inkomen – Wmo"}
DEFAULT_QUEUE = "Publiekszaken – algemeen"

# Monthly totals: the years before the contact log, as the monthly report gives them.
TOTALS_YEARS = (2008, 2009)
VOLUMES_COLUMNS = {  # canonical name: column in the monthly report
    "month": "Maand",
    "channel": "Kanaal",
    "product_id": "Productcode",
    "team": "Team",
    "handled": "Afgehandeld",
    "offered": "Aangeboden",
}
VOLUMES_DIALECT = """# The contact centre's monthly report: a Dutch spreadsheet saved as CSV.
source = "volumes"
[dialect]
delimiter = ";"
encoding = "cp1252"
"""

# The queue log: the last QUEUE_LOG_MONTHS months of calls, from the new telephony (Asterisk).
QUEUE_LOG_MONTHS = 12
QUEUE_LOG_STREAM = 13  # its own random stream: the other exports draw as before
CITY_NUMBER = "140412"  # the municipality's 14 + area code number, the DID every call dials
# Queues a caller reaches through the phone menu: one product's queue, else its group's.
PRODUCT_QUEUES = {
    "paspoort": "Paspoort",
    "identiteitskaart": "ID-kaart",
    "rijbewijs": "Rijbewijs",
    "verhuismelding": "Verhuizen",
    "woz-beschikking": "WOZ",
    "belastingkwijtschelding": "Kwijtschelding",
    "wmo-voorziening": "Wmo",
    "jeugdhulp": "Jeugd",
    "afvalinzameling_grofvuil": "Grofvuil",
    "parkeervergunning": "Parkeren",
}
GROUP_QUEUES = {  # owner team of the product: queue
    "Burgerzaken": "Burgerzaken",
    "Belastingen": "Belastingen",
    "Sociaal Domein": "Zorg-en-inkomen",
    "Openbare Ruimte": "Buitenruimte",
    "Vergunningen": "Vergunningen",
}
GENERAL_QUEUE = "Algemeen"  # no choice in the menu, other questions, tax calls for the KCC
TAX_QUEUES = ("Belastingen", "WOZ", "Kwijtschelding")  # answered by team Belastingen
MENU_SKIPPED = 0.10  # callers who choose nothing in the menu and land in GENERAL_QUEUE
AGENTS = {  # team: agent channels
    "KCC": tuple(f"PJSIP/{n}" for n in range(201, 215)),
    "Belastingen": tuple(f"PJSIP/{n}" for n in range(401, 405)),
}
RING_SECONDS = 15  # an agent's phone rings this long before the queue tries the next one
CALLBACK_AFTER = 120  # seconds: then the menu offers "press 1 to be called back"
QUEUE_TIMEOUT = 480  # seconds: then the queue sends the caller to voicemail


@dataclass(frozen=True)
class Calendar:
    """Every day from START to `until`, with the months they fall in."""

    days: np.ndarray  # datetime64[D]
    month_bounds: np.ndarray  # index of each month's first day, then len(days)
    month_share: np.ndarray  # share of each month inside the period (the last may be cut)
    holidays: np.ndarray  # datetime64[D]

    @property
    def months(self) -> int:
        return len(self.month_bounds) - 1


def last_month_end(today: date) -> date:
    """Return the last day of the month before `today` (the demo runs up to last month)."""
    return today.replace(day=1) - timedelta(days=1)


def write_exports(out_dir: Path, *, until: date, seed: int = 52) -> list[Delivery]:
    """Write the demo municipality's raw exports into out_dir; deterministic for a seed."""
    if until < START:
        raise ValueError(f"until must be on or after {START}, got {until}")
    rng = np.random.default_rng(seed)
    calendar = build_calendar(until)
    products = build_products(rng, until)
    residents = _residents(rng)
    contacts = _contacts(rng, calendar, products, residents)
    web = _simulate_web(rng, contacts.filter(pl.col("channel") == WEB), residents)
    phone = _simulate_phone(rng, contacts.filter(pl.col("channel") == PHONE), residents)
    desk = _simulate_desk(rng, contacts.filter(pl.col("channel") == DESK), residents)
    switch = queue_log_start(until)
    phone = _asterisk_ids(phone, switch)  # before the corrections, which refer to them
    corrections = _corrections(rng, (web, phone, desk), until)
    totals = monthly_totals(web, phone, desk)
    logged = pl.col("year").is_in(TOTALS_YEARS).not_()

    out_dir.mkdir(parents=True, exist_ok=True)
    return [
        write_products(out_dir, products),
        write_releases(out_dir, products, until),
        _write_web(out_dir, rng, web.filter(logged)),
        _write_phone(out_dir, rng, phone.filter(logged, pl.col("at") < switch)),
        _write_desk(out_dir, rng, desk.filter(logged)),
        _write_corrections(out_dir, corrections),
        _write_queue_log(
            out_dir,
            np.random.default_rng([seed, QUEUE_LOG_STREAM]),
            phone.filter(pl.col("at") >= switch),
        ),
        _write_volumes(out_dir, totals),
    ]


def queue_log_start(until: date) -> date:
    """Return the first day the queue log covers: QUEUE_LOG_MONTHS whole months up to `until`,
    never within the years of monthly totals."""
    months = until.year * 12 + until.month - QUEUE_LOG_MONTHS  # months since year 0, 0-based
    first = date(months // 12, months % 12 + 1, 1)
    return max(first, date(max(TOTALS_YEARS) + 1, 1, 1))


# --- Calendar -------------------------------------------------------------------------------


def build_calendar(until: date) -> Calendar:
    """Return the days and months of the demo period."""
    days = np.arange(np.datetime64(START), np.datetime64(until) + 1)
    months = np.arange(np.datetime64(START, "M"), np.datetime64(until, "M") + 1)
    bounds = np.append(np.searchsorted(days, months.astype("datetime64[D]")), len(days))
    month_days = ((months + 1).astype("datetime64[D]") - months.astype("datetime64[D]")).astype(int)
    return Calendar(days, bounds, np.diff(bounds) / month_days, _holidays(START.year, until.year))


def _easter(year: int) -> date:
    """Return Easter Sunday (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (b - (b + 8) // 25 + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday) // 451
    month, day = divmod(h + weekday - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _holidays(first_year: int, last_year: int) -> np.ndarray:
    """Return the public holidays on which the desk and the phone are closed."""
    days = []
    for year in range(first_year, last_year + 1):
        easter = _easter(year)
        kings_day = date(year, 4, 30) if year <= 2013 else date(year, 4, 27)
        days += [
            date(year, 1, 1),
            easter + timedelta(1),
            kings_day,
            easter + timedelta(39),
            easter + timedelta(50),
            date(year, 12, 25),
            date(year, 12, 26),
        ]
    return np.array(days, dtype="datetime64[D]")


def _day_weights(calendar: Calendar, channel: str) -> np.ndarray:
    """Return the relative volume of each day for a channel (0 when it is closed)."""
    days = calendar.days
    weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
    weights = np.asarray(WEEKDAY_WEIGHTS[channel])[weekday]
    holiday = np.isin(days, calendar.holidays)
    weights = np.where(holiday, weights * HOLIDAY_WEB_WEIGHT if channel == "web" else 0.0, weights)
    month_start = days.astype("datetime64[M]")
    day_of_month = (days - month_start.astype("datetime64[D]")).astype(np.int64) + 1
    late_december = (month_start.astype(np.int64) % 12 == 11) & (day_of_month >= 24)
    return np.where(late_december, weights * LATE_DECEMBER_WEIGHT, weights)


def _month_index(day: date) -> int:
    """Return the number of whole months from START to the first month starting on or after day."""
    return (day.year - START.year) * 12 + day.month - 1 + (day.day > 1)


# --- Products -------------------------------------------------------------------------------


def _named_products() -> set[str]:
    """Return the products a constant refers to; they are always in the catalogue."""
    return (
        set(KEY_PRODUCTS)
        | set(DIGITAL_SINCE)
        | set(INTRODUCED_ON)
        | set(RETIRED_ON)
        | set(FORM_ERROR_RATE)
        | set(ENGLISH_NAMES)
    )


def _category(name: str) -> str:
    """Return the category of a product from keywords in its Dutch name."""
    text = name.lower() + " "
    for category, keywords in CATEGORY_KEYWORDS:
        if any(keyword in text for keyword in keywords):
            return category
    return "Overig"


def build_products(rng: np.random.Generator, until: date) -> pl.DataFrame:
    """Return the catalogue: the public columns plus the demand model of each product."""
    upl = (
        pl.read_csv(UPL_CSV, infer_schema=False)
        .filter(pl.col("Gemeente") == "X", ~pl.col("URI").str.contains("UPL-naam_nog"))
        .unique("UniformeProductnaam", keep="first", maintain_order=True)
        .with_row_index("row")
        .with_columns(product_id=pl.col("URI").str.split("/").list.last())
    )
    named = _named_products()
    missing = named - set(upl["product_id"])
    if missing:
        raise ValueError(f"products not in the UPL list: {sorted(missing)}")
    # Named products first, then requests (Aanvraag), then citizen products, in UPL order.
    priority = (
        pl.when(pl.col("product_id").is_in(named))
        .then(0)
        .when(pl.col("Aanvraag") == "X")
        .then(1)
        .when(pl.col("Burger") == "X")
        .then(2)
        .otherwise(3)
    )
    picked = upl.sort(priority, "row").head(PRODUCT_COUNT).sort("row")
    ids = picked["product_id"].to_list()
    names = picked["UniformeProductnaam"].to_list()
    categories = [_category(name) for name in names]

    rest = [i for i, pid in enumerate(ids) if pid not in KEY_PRODUCTS]
    volume = np.array([KEY_PRODUCTS.get(pid, (0, 0, 0))[0] for pid in ids], dtype=float)
    ranks = rng.permutation(len(rest)) + 1
    volume[rest] = REST_TOP_CONTACTS * ranks.astype(float) ** -REST_EXPONENT
    desk_share = [
        KEY_PRODUCTS[pid][1] if pid in KEY_PRODUCTS else DESK_SHARE[cat]
        for pid, cat in zip(ids, categories, strict=True)
    ]
    web_potential = rng.uniform(*WEB_POTENTIAL, len(ids))
    form_error = rng.uniform(*WEB_ERROR_RATE, len(ids))
    for i, pid in enumerate(ids):
        web_potential[i] = KEY_PRODUCTS.get(pid, (0, 0, web_potential[i]))[2]
        form_error[i] = FORM_ERROR_RATE.get(pid, form_error[i])

    return pl.DataFrame(
        {
            "product_id": ids,
            "name_nl": [name[:1].upper() + name[1:] for name in names],
            "name_en": [ENGLISH_NAMES.get(pid, "") for pid in ids],
            "category": categories,
            "owner_team": [OWNER_TEAM[cat] for cat in categories],
            "upl_uri": picked["URI"],
            "digital_since": _digital_since(rng, ids, volume, until),
            "introduced_on": [_iso(INTRODUCED_ON.get(pid)) for pid in ids],
            "retired_on": [_iso(RETIRED_ON.get(pid)) for pid in ids],
            "volume": volume,
            "desk_share": desk_share,
            "web_potential": web_potential,
            "form_error": form_error,
            "repeat_rate": rng.uniform(*REPEAT_RATE, len(ids)),
            "season": [
                "tax" if cat == "Belastingen" else "travel" if pid in TRAVEL_PRODUCTS else "all"
                for pid, cat in zip(ids, categories, strict=True)
            ],
        }
    )


def _iso(text: str | None) -> date | None:
    """Return the date of an ISO string, or None."""
    return date.fromisoformat(text) if text else None


def _digital_since(
    rng: np.random.Generator, ids: list[str], volume: np.ndarray, until: date
) -> list[date | None]:
    """Return the online date of each product: the fixed ones, then random busier products."""
    since = [_iso(DIGITAL_SINCE.get(pid)) for pid in ids]
    since = [day if day and day <= until else None for day in since]
    early_count = DIGITAL_BY_2016 - sum(1 for day in since if day and day.year <= 2016)
    late_count = DIGITAL_AFTER_2016 - sum(1 for day in since if day and day.year > 2016)
    # Busier products went online first: pick with weights, without the named products.
    eligible = np.array([i for i, pid in enumerate(ids) if pid not in _named_products()])
    weights = np.sqrt(volume[eligible])
    chosen = rng.choice(
        eligible, size=early_count + late_count, replace=False, p=weights / weights.sum()
    )
    early, late = chosen[:early_count], chosen[early_count:]
    for picks, first, last in (
        (early, date(2009, 1, 1), date(2016, 12, 31)),
        (late, date(2017, 1, 1), until),
    ):
        offsets = rng.integers(0, max((last - first).days, 0) + 1, len(picks))
        for i, offset in zip(picks, offsets, strict=True):
            day = first + timedelta(int(offset))
            since[i] = day if day <= until else None
    return since


def _product_days(products: pl.DataFrame, column: str, default: int) -> np.ndarray:
    """Return a product date column as days since START, with default where it is empty."""
    days = (pl.col(column) - pl.lit(START)).dt.total_days()
    return products.select(days.fill_null(default))[column].to_numpy()


def _product_months(products: pl.DataFrame, column: str, default: int) -> np.ndarray:
    """Return a product date column as the index of the first whole month, or default."""
    return np.array([default if day is None else _month_index(day) for day in products[column]])


# --- Residents ------------------------------------------------------------------------------


def _residents(rng: np.random.Generator) -> pl.DataFrame:
    """Return the residents: BSN (passes the 11-test), e-mail, phone and how they identify."""
    digits = rng.integers(0, 10, (2 * RESIDENTS, 8))
    digits[:, 0] = rng.integers(1, 7, 2 * RESIDENTS)
    check = (digits * np.arange(9, 1, -1)).sum(axis=1) % 11
    numbers = digits @ 10 ** np.arange(8, 0, -1) + check
    numbers = numbers[check < 10]
    _, first = np.unique(numbers, return_index=True)
    bsn = numbers[np.sort(first)][:RESIDENTS]

    landline = rng.random(RESIDENTS) < 0.15
    phone_digits = np.where(
        landline,
        rng.integers(0, 1_000_000, RESIDENTS),
        rng.integers(10_000_000, 100_000_000, RESIDENTS),
    )
    frame = pl.DataFrame(
        {
            "bsn": bsn,
            "initial": rng.choice(list("abcdefghijklmnoprstw"), RESIDENTS),
            "surname": rng.choice(SURNAMES, RESIDENTS),
            "mail_number": rng.integers(1, 100, RESIDENTS),
            "domain": rng.choice(MAIL_DOMAINS, RESIDENTS),
            "area": np.where(landline, rng.choice(AREA_CODES, RESIDENTS), "06"),
            "phone_digits": phone_digits,
            "width": np.where(landline, 6, 8),
            "uses_digid": rng.random(RESIDENTS) < DIGID_SHARE,
            "hides_number": rng.random(RESIDENTS) < HIDDEN_CALLER_SHARE,
            "activity": rng.gamma(0.6, 1.0, RESIDENTS),
        }
    )
    return frame.select(
        pl.col("bsn").cast(pl.String).str.zfill(9),
        pl.format(
            "{}.{}{}@{}",
            "initial",
            "surname",
            pl.col("mail_number").cast(pl.String).str.zfill(2),
            "domain",
        ).alias("email"),
        pl.format(
            "{}-{}", "area", pl.col("phone_digits").cast(pl.String).str.zfill(pl.col("width"))
        ).alias("phone"),
        "uses_digid",
        "hides_number",
        "activity",
    )


# --- Contacts -------------------------------------------------------------------------------


def expected_contacts(calendar: Calendar, products: pl.DataFrame) -> np.ndarray:
    """Return the expected contacts per channel, month and product (3 x months x products)."""
    month = np.arange(calendar.months)
    year = START.year + month / 12  # fractional calendar year
    season = np.array([SEASON[group] for group in products["season"]])  # products x 12
    wave = np.array([TRAVEL_WAVE.get(int(y), 1.0) for y in year])[:, None]
    travel = (products["season"] == "travel").to_numpy()
    introduced = _product_months(products, "introduced_on", -(10**6))
    retired = _product_months(products, "retired_on", 10**6)
    exists = (month[:, None] >= introduced) & (month[:, None] < retired)
    base = (
        products["volume"].to_numpy()
        / 12
        * season[:, month % 12].T
        * (1 + GROWTH_PER_YEAR) ** (year - START.year)[:, None]
        * calendar.month_share[:, None]
        * np.where(travel, wave, 1.0)
        * exists
    )
    since_online = month[:, None] - _product_months(products, "digital_since", 10**6)
    ramp = np.where(
        since_online >= 0, 1 - np.exp(-np.maximum(since_online + 1, 0) / WEB_RAMP_MONTHS), 0.0
    )
    adoption = _trend(WEB_ADOPTION, year)
    web = products["web_potential"].to_numpy() * adoption[:, None] * ramp
    desk_trend = _trend(DESK_TREND, year)
    desk = (1 - web) * products["desk_share"].to_numpy() * desk_trend[:, None]
    expected = np.stack([base * web, base * (1 - web - desk), base * desk])
    for (y, m), factors in PANDEMIC.items():
        index = (y - START.year) * 12 + m - 1
        if index < calendar.months:
            expected[:, index] *= np.asarray(factors)[:, None]
    return expected


def place_days(
    rng: np.random.Generator, calendar: Calendar, channel: np.ndarray, month: np.ndarray
) -> np.ndarray:
    """Return a day index inside the given month for each contact, by its channel's pattern."""
    day = np.empty(len(month), dtype=np.int64)
    for c, name in enumerate(CHANNELS):
        mask = channel == c
        cumulative = np.concatenate([[0.0], np.cumsum(_day_weights(calendar, name))])
        low = cumulative[calendar.month_bounds[month[mask]]]
        high = cumulative[calendar.month_bounds[month[mask] + 1]]
        drawn = low + rng.random(mask.sum()) * (high - low)
        day[mask] = np.searchsorted(cumulative, drawn, side="right") - 1
    # Guard against a draw rounded up onto the next month's first day.
    return np.minimum(day, calendar.month_bounds[month + 1] - 1)


def seconds_of_day(rng: np.random.Generator, channel: np.ndarray) -> np.ndarray:
    """Return a local time of day in seconds for each contact, by its channel's hours."""
    seconds = np.empty(len(channel), dtype=np.int64)
    for c, name in enumerate(CHANNELS):
        first, length, weights = TIME_SLOTS[name]
        mask = channel == c
        p = np.asarray(weights) / sum(weights)
        slot = rng.choice(len(weights), mask.sum(), p=p)
        seconds[mask] = first + slot * length + rng.integers(0, length, mask.sum())
    return seconds


def _form_error(
    products: pl.DataFrame, calendar: Calendar, product: np.ndarray, day: np.ndarray
) -> np.ndarray:
    """Return the web error rate of each contact's product on its day, after the releases."""
    rate = products["form_error"].to_numpy()[product]
    index = {pid: i for i, pid in enumerate(products["product_id"])}
    for pid, released_on, _title, factor in IMPROVEMENTS:
        released = (np.datetime64(released_on) - calendar.days[0]).astype(np.int64)
        rate = np.where((product == index[pid]) & (day >= released), rate * factor, rate)
    return rate


def _repeats(
    rng: np.random.Generator,
    calendar: Calendar,
    channel: np.ndarray,
    day: np.ndarray,
    rate: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return origin, channel and day of repeat contacts: the same question within 7 days."""
    origin = np.flatnonzero(rng.random(len(rate)) < rate)
    cumulative = np.cumsum(REPEAT_CHANNEL, axis=1)[channel[origin]]
    new_channel = (rng.random(len(origin))[:, None] > cumulative).sum(axis=1)
    dates = calendar.days[day[origin]]
    # Desk and phone repeats fall on a later working day; web ones on any later day.
    working = np.busday_offset(
        dates, rng.integers(1, 5, len(origin)), roll="forward", holidays=calendar.holidays
    )
    any_day = dates + rng.integers(1, 7, len(origin))
    new_day = (np.where(new_channel == WEB, any_day, working) - calendar.days[0]).astype(np.int64)
    keep = new_day < len(calendar.days)
    return origin[keep], new_channel[keep], new_day[keep]


def _contacts(
    rng: np.random.Generator, calendar: Calendar, products: pl.DataFrame, residents: pl.DataFrame
) -> pl.DataFrame:
    """Return every contact in all channels, with a contact_id, sorted by channel and time."""
    expected = expected_contacts(calendar, products)
    counts = rng.poisson(expected)
    channel, month, product = np.unravel_index(
        np.repeat(np.arange(counts.size), counts.ravel()), counts.shape
    )
    day = place_days(rng, calendar, channel, month)
    activity = residents["activity"].to_numpy()
    resident = rng.choice(RESIDENTS, len(day), p=activity / activity.sum())

    rate = products["repeat_rate"].to_numpy()[product] + np.where(
        channel == WEB, REPEAT_PER_FORM_ERROR * _form_error(products, calendar, product, day), 0
    )
    origin, repeat_channel, repeat_day = _repeats(rng, calendar, channel, day, rate)
    has_repeat = np.zeros(len(day), dtype=bool)
    has_repeat[origin] = True
    channel = np.concatenate([channel, repeat_channel])
    product = np.concatenate([product, product[origin]])
    resident = np.concatenate([resident, resident[origin]])
    day = np.concatenate([day, repeat_day])
    has_repeat = np.concatenate([has_repeat, np.zeros(len(origin), dtype=bool)])

    # Repeats may cross a product's end, and web contacts start on the day it went online.
    valid = (
        (day >= _product_days(products, "introduced_on", -(10**6))[product])
        & (day < _product_days(products, "retired_on", 10**6)[product])
        & ((channel != WEB) | (day >= _product_days(products, "digital_since", 10**6)[product]))
    )
    channel, product, resident, day = channel[valid], product[valid], resident[valid], day[valid]
    at = calendar.days[day].astype("datetime64[s]") + seconds_of_day(rng, channel)
    frame = pl.DataFrame(
        {
            "channel": channel.astype(np.int8),
            "product": product.astype(np.int32),
            "resident": resident.astype(np.int32),
            "at": at.astype("datetime64[us]"),
            "has_repeat": has_repeat[valid],
            "form_error": _form_error(products, calendar, product, day),
            "product_id": products["product_id"].gather(product),
            "owner_team": products["owner_team"].gather(product),
        }
    )
    year = pl.col("at").dt.year()
    prefix = pl.col("channel").replace_strict(dict(enumerate(ID_PREFIX)), return_dtype=pl.String)
    return (
        frame.with_columns(
            # Local times in the skipped spring-forward hour do not exist: drop them.
            at_utc=pl.col("at")
            .dt.replace_time_zone(TIME_ZONE, ambiguous="earliest", non_existent="null")
            .dt.convert_time_zone("UTC"),
        )
        .drop_nulls("at_utc")
        .sort("channel", "at", "product", "resident", maintain_order=True)
        .with_columns(
            year=year,
            month=(year - START.year) * 12 + pl.col("at").dt.month() - 1,
        )
        .with_columns(
            contact_id=pl.format(
                "{}{}-{}",
                prefix,
                "year",
                (pl.int_range(1, pl.len() + 1).over("channel", "year"))
                .cast(pl.String)
                .str.zfill(7),
            )
        )
    )


def _monthly_load(month: np.ndarray) -> np.ndarray:
    """Return each contact's month volume relative to the average month of its year."""
    per_month = np.bincount(month).astype(float)
    year = np.arange(len(per_month)) // 12
    mean = np.bincount(year, weights=per_month) / np.bincount(year, weights=per_month > 0)
    return (per_month / mean[year])[month]


def _trend(points: dict[int, float], years: np.ndarray) -> np.ndarray:
    """Return a trend's value at each (fractional) year."""
    return np.interp(years, list(points), list(points.values()))


def _year_of(frame: pl.DataFrame) -> np.ndarray:
    """Return each contact's fractional calendar year (by month)."""
    return START.year + frame["month"].to_numpy() / 12


def half_seconds(seconds: np.ndarray) -> np.ndarray:
    """Round durations to half seconds, as the systems log them."""
    return np.round(seconds * 2) / 2


def _simulate_web(
    rng: np.random.Generator, requests: pl.DataFrame, residents: pl.DataFrame
) -> pl.DataFrame:
    """Add whether each web request was completed and who sent it."""
    n = requests.height
    chance = np.clip(
        WEB_COMPLETION - COMPLETION_LOSS_PER_ERROR * requests["form_error"].to_numpy(), 0.5, 0.95
    )
    completed = rng.random(n) < chance
    # Many abandoned forms end before the DigiD login or the e-mail field.
    anonymous = ~completed & (rng.random(n) < 0.4)
    who = residents[requests["resident"].to_numpy()]
    return requests.with_columns(
        completed=pl.Series(completed),
        handled=pl.Series(completed),
        citizen_ref=pl.when(pl.Series(anonymous))
        .then(None)
        .when(who["uses_digid"])
        .then(who["bsn"])
        .otherwise(who["email"]),
    )


def _simulate_phone(
    rng: np.random.Generator, calls: pl.DataFrame, residents: pl.DataFrame
) -> pl.DataFrame:
    """Add queue, team, waits, talk time, abandonment, resolution and caller to each call."""
    n = calls.height
    hour = calls["at"].dt.hour().to_numpy()
    morning = np.where((hour >= 9) & (hour < 11), 1.3, 1.0)
    wait = (
        PHONE_WAIT_MEDIAN
        * np.exp(PHONE_WAIT_SIGMA * rng.standard_normal(n))
        * _monthly_load(calls["month"].to_numpy()) ** PHONE_LOAD_EXPONENT
        * morning
    )
    abandoned = rng.random(n) < ABANDON_BASE + ABANDON_MAX * (1 - np.exp(-wait / ABANDON_PATIENCE))
    talk = np.where(abandoned, 0.0, PHONE_TALK_MEDIAN * np.exp(0.45 * rng.standard_normal(n)))
    resolved = rng.random(n) < np.where(
        calls["has_repeat"].to_numpy(), RESOLVED_BEFORE_REPEAT, RESOLVED
    )
    untagged = rng.random(n) < _trend(UNTAGGED_PHONE, _year_of(calls))
    tax_queue = rng.random(n) < 0.8  # the other tax calls reach the general KCC queue
    hidden = residents["hides_number"].to_numpy()[calls["resident"].to_numpy()]
    phone = residents["phone"].gather(calls["resident"])
    team = (
        pl.when((pl.col("owner_team") == "Belastingen") & pl.Series(tax_queue))
        .then(pl.lit("Belastingen"))
        .otherwise(pl.lit("KCC"))
    )
    return calls.with_columns(
        team=team,
        queue=pl.when(team == "Belastingen")
        .then(pl.lit(QUEUES["Belastingen"]))
        .when(pl.col("owner_team") == "Sociaal Domein")
        .then(pl.lit(QUEUES["Sociaal Domein"]))
        .otherwise(pl.lit(DEFAULT_QUEUE)),
        product_code=pl.when(pl.Series(untagged)).then(None).otherwise(pl.col("product_id")),
        wait_seconds=pl.Series(half_seconds(wait)),
        talk_seconds=pl.Series(half_seconds(talk)),
        abandoned=pl.Series(abandoned),
        resolved_first_contact=pl.when(pl.Series(abandoned))
        .then(None)
        .otherwise(pl.Series(resolved)),
        handled=pl.Series(~abandoned),
        citizen_ref=pl.when(pl.Series(hidden)).then(None).otherwise(phone),
    )


def _simulate_desk(
    rng: np.random.Generator, visits: pl.DataFrame, residents: pl.DataFrame
) -> pl.DataFrame:
    """Add team, appointment, waits, service time and BSN to each desk visit."""
    n = visits.height
    by_appointment = rng.random(n) < _trend(APPOINTMENT, _year_of(visits))
    median_wait = np.where(by_appointment, DESK_WAIT_MEDIAN[True], DESK_WAIT_MEDIAN[False])
    wait = (
        median_wait
        * np.exp(0.6 * rng.standard_normal(n))
        * _monthly_load(visits["month"].to_numpy())
    )
    service = DESK_SERVICE_MEDIAN * np.exp(0.35 * rng.standard_normal(n))
    anonymous = rng.random(n) < ANONYMOUS_DESK_SHARE
    bsn = residents["bsn"].gather(visits["resident"])
    owner = pl.col("owner_team")
    return visits.with_columns(
        team=pl.when(owner.is_in(["Vergunningen", "Sociaal Domein"]))
        .then(owner)
        .otherwise(pl.lit("Burgerzaken")),
        wait_seconds=pl.Series(half_seconds(wait)),
        service_seconds=pl.Series(half_seconds(service)),
        by_appointment=pl.Series(by_appointment),
        handled=pl.lit(True),
        citizen_ref=pl.when(pl.Series(anonymous)).then(None).otherwise(bsn),
    )


# --- Corrections ----------------------------------------------------------------------------


def _corrections(
    rng: np.random.Generator, frames: tuple[pl.DataFrame, ...], until: date
) -> pl.DataFrame:
    """Return the hand-made corrections caused by handled contacts (contact known for ~70%)."""
    handled = pl.concat(
        [
            frame.filter("handled").select(
                "contact_id", "channel", "product_id", "at", "form_error"
            )
            for frame in frames
        ]
    )
    channel = handled["channel"].to_numpy()
    rate = np.where(channel == WEB, handled["form_error"].to_numpy(), ASSISTED_ERROR_RATE)
    picked = handled.filter(pl.Series(rng.random(handled.height) < rate))
    n = picked.height

    group = np.where(
        picked["product_id"].to_numpy() == "verhuismelding",
        2,
        np.where(picked["channel"].to_numpy() == WEB, 0, 1),
    )
    error_type = np.empty(n, dtype=object)
    for g, name in enumerate(("web", "assisted", "verhuismelding")):
        mask = group == g
        error_type[mask] = rng.choice(ERROR_TYPES, mask.sum(), p=ERROR_TYPE_SHARES[name])
    delay = rng.choice(len(DETECTION_DELAY_SHARES), n, p=DETECTION_DELAY_SHARES)
    detected = picked["at"].to_numpy().astype("datetime64[D]") + delay
    minutes = np.clip(half_seconds(15 * np.exp(0.6 * rng.standard_normal(n))), 5, 90)
    known = rng.random(n) < 0.7

    year = pl.col("detected_at").dt.year()
    number = pl.int_range(1, pl.len() + 1).over(year).cast(pl.String).str.zfill(6)
    return (
        picked.select(
            pl.Series("detected_at", detected),
            "product_id",
            origin_channel=pl.col("channel").replace_strict(
                dict(enumerate(CHANNELS)), return_dtype=pl.String
            ),
            contact_id=pl.when(pl.Series(known)).then(pl.col("contact_id")),
            minutes_spent=pl.Series(minutes),
            error_type=pl.Series(error_type, dtype=pl.String),
            order=pl.col("contact_id"),
        )
        .filter(pl.col("detected_at") <= until)
        .sort("detected_at", "order")
        .select(
            correction_id=pl.format("C{}-{}", year, number),
            detected_at="detected_at",
            product_id="product_id",
            origin_channel="origin_channel",
            contact_id="contact_id",
            minutes_spent="minutes_spent",
            error_type="error_type",
        )
    )


# --- Writing --------------------------------------------------------------------------------


def write_products(out_dir: Path, products: pl.DataFrame) -> Delivery:
    """Write products.csv: canonical CSV, ISO dates, empty when none."""
    path = out_dir / "products.csv"
    products.select(catalogue.SCHEMA.names).write_csv(path)
    return Delivery("products", (path,))


def write_releases(out_dir: Path, products: pl.DataFrame, until: date) -> Delivery:
    """Write releases.csv: the launches and improvements of online products."""
    since = dict(zip(products["product_id"], products["digital_since"], strict=True))
    rows = [(pid, since[pid], title) for pid, title in LAUNCH_TITLES.items() if since[pid]]
    rows += [(pid, date.fromisoformat(day), title) for pid, day, title, _ in IMPROVEMENTS]
    releases = (
        pl.DataFrame(rows, schema=["product_id", "released_on", "title"], orient="row")
        .filter(pl.col("released_on") <= until)
        .sort("released_on", "product_id")
    )
    path = out_dir / "releases.csv"
    releases.write_csv(path)
    return Delivery("releases", (path,))


def _write_yearly(
    frame: pl.DataFrame, folder: Path, encoding: str, separator: str
) -> tuple[Path, ...]:
    """Write one file per value of the year column, named <folder>_<year>.csv."""
    folder.mkdir(exist_ok=True)
    for stale in folder.glob(f"{folder.name}_*.csv"):  # left by a run with a later `until`
        stale.unlink()
    paths = []
    for (year,), part in frame.partition_by("year", maintain_order=True, as_dict=True).items():
        path = folder / f"{folder.name}_{year}.csv"
        path.write_bytes(part.drop("year").write_csv(separator=separator).encode(encoding))
        paths.append(path)
    return tuple(paths)


def _rows_in_years(
    rng: np.random.Generator, frame: pl.DataFrame, years: tuple[int, ...], count: int
) -> list[tuple[int, np.ndarray]]:
    """Return (year, `count` distinct row numbers) for each of the years present in frame."""
    year = frame["year"].to_numpy()
    picked = []
    for y in years:
        rows = np.flatnonzero(year == y)
        if len(rows) >= count:
            picked.append((y, np.sort(rng.choice(rows, count, replace=False))))
    return picked


def _set_cell(frame: pl.DataFrame, row: int, column: str, value: str | None) -> pl.DataFrame:
    """Return frame with one cell replaced (for the deliberate glitches)."""
    position = pl.int_range(pl.len())
    return frame.with_columns(
        pl.when(position == row)
        .then(pl.lit(value, dtype=pl.String))
        .otherwise(pl.col(column))
        .alias(column)
    )


def dutch_decimal(column: str) -> pl.Expr:
    """Format a float column with a decimal comma, as Dutch spreadsheets do."""
    return pl.col(column).cast(pl.String).str.replace(".", ",", literal=True)


def ja_nee(column: str) -> pl.Expr:
    """Format a boolean column as ja/nee (empty stays empty)."""
    return pl.when(pl.col(column)).then(pl.lit("ja")).when(~pl.col(column)).then(pl.lit("nee"))


def _write_web(out_dir: Path, rng: np.random.Generator, web: pl.DataFrame) -> Delivery:
    """Write web/web_YYYY.csv: UTF-8 with BOM, times in UTC, a few retired product codes."""
    frame = web.select(
        "contact_id",
        submitted_at=pl.col("at_utc").dt.strftime("%Y-%m-%dT%H:%M:%S%:z"),
        product_id="product_id",
        completed="completed",
        citizen_ref="citizen_ref",
        year="year",
    )
    for year, codes in UNKNOWN_WEB_PRODUCTS.items():
        for _year, rows in _rows_in_years(rng, frame, (year,), len(codes)):
            for row, code in zip(rows, codes, strict=True):
                frame = _set_cell(frame, row, "product_id", code)
    return Delivery("web", _write_yearly(frame, out_dir / "web", "utf-8-sig", ","))


def _write_phone(out_dir: Path, rng: np.random.Generator, phone: pl.DataFrame) -> Delivery:
    """Write phone/phone_YYYY.csv in the ACD layout (cp1252, ';') and its mapping file."""
    names = PHONE_COLUMNS
    frame = phone.select(
        pl.col("contact_id").alias(names["contact_id"]),
        pl.col("at").dt.strftime("%d-%m-%Y %H:%M").alias(names["started_at"]),
        pl.col("queue").alias("Wachtrij"),
        pl.col("product_code").alias(names["product_id"]),
        pl.col("team").alias(names["team"]),
        dutch_decimal("wait_seconds").alias(names["wait_seconds"]),
        dutch_decimal("talk_seconds").alias(names["talk_seconds"]),
        ja_nee("abandoned").alias(names["abandoned"]),
        ja_nee("resolved_first_contact").alias(names["resolved_first_contact"]),
        pl.col("citizen_ref").alias(names["citizen_ref"]),
        "year",
    )
    for year, (empty, impossible, negative, maybe) in _rows_in_years(
        rng, frame, PHONE_GLITCH_YEARS, 4
    ):
        frame = _set_cell(frame, empty, names["started_at"], None)
        frame = _set_cell(frame, impossible, names["started_at"], f"31-02-{year} 10:00")
        frame = _set_cell(frame, negative, names["wait_seconds"], "-12,0")
        frame = _set_cell(frame, maybe, names["abandoned"], "misschien")
    files = _write_yearly(frame, out_dir / "phone", "cp1252", ";")
    mapping = out_dir / "phone" / "mapping.toml"
    columns = "".join(f'{canonical} = "{name}"\n' for canonical, name in names.items())
    mapping.write_text(PHONE_DIALECT + "[columns]\n" + columns, encoding="utf-8")
    return Delivery("phone", files, mapping)


def _write_desk(out_dir: Path, rng: np.random.Generator, desk: pl.DataFrame) -> Delivery:
    """Write desk/desk_YYYY.csv in the Dutch spreadsheet dialect (cp1252, ';', ja/nee)."""
    frame = desk.select(
        "contact_id",
        arrived_at=pl.col("at").dt.strftime("%d-%m-%Y %H:%M:%S"),
        product_id="product_id",
        team="team",
        wait_seconds=dutch_decimal("wait_seconds"),
        service_seconds=dutch_decimal("service_seconds"),
        by_appointment=ja_nee("by_appointment"),
        citizen_ref="citizen_ref",
        year="year",
    )
    duplicates = []
    for _year, (duplicate, not_applicable) in _rows_in_years(rng, frame, DESK_GLITCH_YEARS, 2):
        frame = _set_cell(frame, not_applicable, "service_seconds", "n.v.t.")
        duplicates.append(duplicate)
    # An exact duplicate line right after the original, as a copy-paste in Excel leaves it.
    frame = frame[np.sort(np.append(np.arange(frame.height), np.array(duplicates, dtype=int)))]
    return Delivery("desk", _write_yearly(frame, out_dir / "desk", "cp1252", ";"))


def _write_corrections(out_dir: Path, corrections: pl.DataFrame) -> Delivery:
    """Write corrections.parquet with real types (detected_at Date, minutes_spent Float64)."""
    path = out_dir / "corrections.parquet"
    corrections.write_parquet(path)
    return Delivery("corrections", (path,))


# --- Monthly totals -------------------------------------------------------------------------


def monthly_totals(web: pl.DataFrame, phone: pl.DataFrame, desk: pl.DataFrame) -> pl.DataFrame:
    """Return the TOTALS_YEARS' contacts counted per month, channel, product and team.

    Handled: web requests completed, calls answered, visits; offered: all of them. Web
    requests have no team; untagged calls have no product.
    """
    rows = pl.concat(
        [
            frame.select(
                "year",
                month=pl.col("at").dt.strftime("%Y-%m"),
                channel=pl.lit(CHANNELS[channel]),
                product_id=product,
                team=team,
                handled="handled",
            )
            for frame, channel, product, team in (
                (web, WEB, pl.col("product_id"), pl.lit(None, pl.String)),
                (phone, PHONE, pl.col("product_code"), pl.col("team")),
                (desk, DESK, pl.col("product_id"), pl.col("team")),
            )
        ]
    ).filter(pl.col("year").is_in(TOTALS_YEARS))
    order = pl.col("channel").replace_strict({c: i for i, c in enumerate(CHANNELS)})
    return (
        rows.group_by("year", "month", "channel", "product_id", "team")
        .agg(pl.col("handled").sum().alias("handled"), pl.len().alias("offered"))
        .sort("month", order, "product_id", "team", nulls_last=True)
    )


def _write_volumes(out_dir: Path, totals: pl.DataFrame) -> Delivery:
    """Write volumes/maandtotalen_YYYY.csv, the monthly report (cp1252, ';'), and its mapping.

    Like the report in Excel, each year ends on a totals row (Totaal): rejects, not contacts.
    """
    folder = out_dir / "volumes"
    folder.mkdir(exist_ok=True)
    for stale in folder.glob("maandtotalen_*.csv"):  # left by a run with a later `until`
        stale.unlink()
    names = VOLUMES_COLUMNS
    paths = []
    for (year,), part in totals.partition_by("year", maintain_order=True, as_dict=True).items():
        report = part.select(
            pl.col(canonical).cast(pl.String).alias(name) for canonical, name in names.items()
        )
        total = {
            names["month"]: "Totaal",
            names["handled"]: str(part["handled"].sum()),
            names["offered"]: str(part["offered"].sum()),
        }
        report = pl.concat([report, pl.DataFrame([total])], how="diagonal")
        path = folder / f"maandtotalen_{year}.csv"
        path.write_bytes(report.write_csv(separator=";").encode("cp1252"))
        paths.append(path)
    mapping = folder / "mapping.toml"
    columns = "".join(f'{canonical} = "{name}"\n' for canonical, name in names.items())
    mapping.write_text(VOLUMES_DIALECT + "[columns]\n" + columns, encoding="utf-8")
    return Delivery("volumes", tuple(paths), mapping)


# --- Queue log ------------------------------------------------------------------------------


def _asterisk_ids(phone: pl.DataFrame, switch: date) -> pl.DataFrame:
    """Give the calls from `switch` on Asterisk's uniqueid: the epoch, a dot, a channel number.

    Each call opens about three channels (caller, agent, the bridge), hence the step of 3.
    """
    logged = pl.col("at") >= pl.lit(switch).cast(pl.Datetime("us"))
    channel = 3 * logged.cast(pl.Int64).cum_sum() + 40
    uniqueid = pl.format("{}.{}", pl.col("at_utc").dt.epoch("s"), channel)
    return phone.with_columns(
        contact_id=pl.when(logged).then(uniqueid).otherwise(pl.col("contact_id"))
    )


def queue_log_mapping() -> str:
    """Return the queue log's mapping file: each queue's team, and product where it has one."""
    queues = [GENERAL_QUEUE, *GROUP_QUEUES.values(), *PRODUCT_QUEUES.values()]
    teams = "".join(
        f'{q} = "{"Belastingen" if q in TAX_QUEUES else "KCC"}"\n' for q in sorted(queues)
    )
    products = "".join(f'{q} = "{p}"\n' for p, q in sorted(PRODUCT_QUEUES.items()))
    return (
        "# The telephony's queue log (Asterisk): the team that answers each queue, and the\n"
        "# product of the queues the phone menu keeps for one product.\n"
        'source = "queue-log"\n\n[teams]\n' + teams + "\n[products]\n" + products
    )


def _routed(rng: np.random.Generator, calls: pl.DataFrame) -> pl.Series:
    """Return the queue each call waited in: its product's, else its group's, by its team.

    The Belastingen team answers its queues; tax calls the KCC takes reached the general one.
    """
    skipped = pl.Series(rng.random(calls.height) < MENU_SKIPPED)
    own = pl.col("product_id").replace_strict(PRODUCT_QUEUES, default=None)
    group = pl.col("owner_team").replace_strict(GROUP_QUEUES, default=None)
    tax = pl.col("team") == "Belastingen"
    queue = (
        pl.when(skipped & ~tax)
        .then(pl.lit(GENERAL_QUEUE))
        .when(tax)
        .then(pl.when(own.is_in(TAX_QUEUES)).then(own).otherwise(pl.lit("Belastingen")))
        .when(pl.col("owner_team") == "Belastingen")
        .then(pl.lit(GENERAL_QUEUE))
        .otherwise(pl.coalesce(own, group, pl.lit(GENERAL_QUEUE)))
    )
    return calls.select(queue.alias("queue"))["queue"]


def _write_queue_log(out_dir: Path, rng: np.random.Generator, calls: pl.DataFrame) -> Delivery:
    """Write queue_log/queue_log, the calls as Asterisk logs them, and its mapping file.

    One event a line, `epoch|uniqueid|queuename|agent|EVENT|data`, in time order: per call a
    DID and an ENTERQUEUE, a RINGNOANSWER when the first agent let it ring, then CONNECT and
    COMPLETECALLER, COMPLETEAGENT or BLINDTRANSFER, or ABANDON, EXITWITHKEY (a call-back
    request) or EXITWITHTIMEOUT; besides them the agents' log-ins and lunch pauses, a
    QUEUESTART and a CONFIGRELOAD each month. Two glitches: a line cut off when the exchange
    restarted half-way, and the calls still going when the log was copied (incomplete_call).
    """
    folder = out_dir / "queue_log"
    folder.mkdir(exist_ok=True)
    mapping = folder / "mapping.toml"
    mapping.write_text(queue_log_mapping(), encoding="utf-8")
    path = folder / "queue_log"
    path.unlink(missing_ok=True)
    if calls.is_empty():
        return Delivery("queue-log", (), mapping)
    n = calls.height
    tax = (calls["team"] == "Belastingen").to_numpy()
    size = np.where(tax, len(AGENTS["Belastingen"]), len(AGENTS["KCC"]))
    first = rng.integers(0, size)
    other = (first + rng.integers(1, size)) % size  # another agent of the same team
    pool = np.array(AGENTS["KCC"] + AGENTS["Belastingen"])
    offset = np.where(tax, len(AGENTS["KCC"]), 0)
    wait = np.floor(calls["wait_seconds"].to_numpy() + 0.5).astype(np.int64)
    abandoned = calls["abandoned"].to_numpy()
    draw = rng.random(n)
    ending = np.where(
        abandoned,
        np.where(
            wait >= QUEUE_TIMEOUT,
            "EXITWITHTIMEOUT",
            np.where((wait >= CALLBACK_AFTER) & (draw < 0.4), "EXITWITHKEY", "ABANDON"),
        ),
        np.where(
            draw < 0.03, "BLINDTRANSFER", np.where(draw < 0.45, "COMPLETEAGENT", "COMPLETECALLER")
        ),
    )
    c = calls.select(
        epoch=pl.col("at_utc").dt.epoch("s"),
        uid=pl.col("contact_id"),
        seq=pl.int_range(pl.len()),
        queue=_routed(rng, calls),
        agent=pl.Series(pool[first + offset]),
        other=pl.Series(pool[other + offset]),
        wait=pl.Series(wait),
        talk=(pl.col("talk_seconds") + 0.5).floor().cast(pl.Int64),
        ring=pl.Series(np.minimum(rng.integers(2, 12, n), wait)),
        position=pl.Series(rng.integers(1, 4, n)),
        extension=pl.Series(rng.integers(2100, 2300, n)),
        abandoned="abandoned",
        ending=pl.Series(ending),
        caller=pl.col("citizen_ref").str.replace_all("-", "", literal=True).fill_null("anonymous"),
        day=pl.col("at").dt.date(),
    )
    e, w, t, ending_ = pl.col("epoch"), pl.col("wait"), pl.col("talk"), pl.col("ending")
    channel = pl.col("uid").str.split(".").list.get(1).cast(pl.Int64)

    def event(at: pl.Expr, rank: int, queue, agent, name, *data) -> pl.Expr:
        return _line(at, pl.col("uid"), queue, agent, name, *data, seq=pl.col("seq"), rank=rank)

    answered, left = c.filter(~pl.col("abandoned")), c.filter("abandoned")
    queue, agent = pl.col("queue"), pl.col("agent")
    parts = [
        c.select(event(e, 0, "NONE", "NONE", "DID", CITY_NUMBER)),
        c.select(
            event(e, 1, queue, "NONE", "ENTERQUEUE", "", pl.col("caller"), pl.col("position"))
        ),
        answered.filter(w > RING_SECONDS).select(
            event(
                e + RING_SECONDS,
                2,
                queue,
                pl.col("other"),
                "RINGNOANSWER",
                str(RING_SECONDS * 1000),
            )
        ),
        answered.select(
            event(
                e + w,
                3,
                queue,
                agent,
                "CONNECT",
                w,
                pl.format("{}.{}", e + w - pl.col("ring"), channel + 1),
                pl.col("ring"),
            )
        ),
        answered.select(
            event(
                e + w + t,
                4,
                queue,
                agent,
                ending_,
                pl.when(ending_ == "BLINDTRANSFER")
                .then(pl.format("{}|from-internal|{}|{}|{}", "extension", w, t, "position"))
                .otherwise(pl.format("{}|{}|{}", w, t, "position")),
            )
        ),
        left.select(
            event(
                e + w,
                4,
                queue,
                "NONE",
                ending_,
                pl.when(ending_ == "EXITWITHKEY")
                .then(pl.format("1|1|{}|{}", "position", w))
                .otherwise(pl.format("1|{}|{}", "position", w)),
            )
        ),
    ]
    lines = pl.concat(
        [p.unnest(p.columns[0]) for p in parts] + [_exchange_lines(c)], how="vertical_relaxed"
    )
    # the log was copied while the last answered call was still talking: it and any other
    # call not ended by then have no ending in the file
    copied = answered.select((e + w).last()).item()
    lines = lines.filter(pl.col("epoch") <= copied).sort("epoch", "seq", "rank", "text")
    path.write_text("\n".join(lines["text"]) + "\n", encoding="utf-8")
    return Delivery("queue-log", (path,), mapping)


def _exchange_lines(calls: pl.DataFrame) -> pl.DataFrame:
    """Return the lines of no call: start, monthly reloads, the agents' days, a restart."""
    days = calls.select(pl.col("day").unique().sort())
    agents = pl.DataFrame(
        {
            "agent": AGENTS["KCC"] + AGENTS["Belastingen"],
            "queue": [GENERAL_QUEUE] * len(AGENTS["KCC"])
            + ["Belastingen"] * len(AGENTS["Belastingen"]),
        }
    ).with_row_index("index")

    def at(clock: str, extra: pl.Expr | int = 0) -> pl.Expr:
        local = pl.col("day").cast(pl.Datetime("us")) + pl.duration(
            hours=int(clock[:2]), minutes=int(clock[3:]), seconds=extra
        )
        return local.dt.replace_time_zone(TIME_ZONE, non_existent="null").dt.epoch("s")

    staff = days.join(agents, how="cross")
    stagger = pl.col("index").cast(pl.Int64) * 37  # seconds: agents do not log in as one
    member = [
        ("08:25", "ADDMEMBER", ""),
        ("12:30", "PAUSE", "Lunch"),
        ("13:00", "UNPAUSE", ""),
        ("17:05", "REMOVEMEMBER", ""),
    ]
    parts = [
        staff.select(
            _line(at(clock, stagger), "NONE", pl.col("queue"), pl.col("agent"), name, data)
        )
        for clock, name, data in member
    ]
    parts.append(days.head(1).select(_line(at("07:00"), "NONE", "NONE", "NONE", "QUEUESTART", "")))
    first_days = days.filter(pl.col("day").dt.month().ne_missing(pl.col("day").shift(1).dt.month()))
    parts.append(first_days.select(_line(at("07:30"), "NONE", "NONE", "NONE", "CONFIGRELOAD", "")))
    # half-way, the exchange restarted: the line it was writing is cut off, then it starts
    middle = calls.slice(calls.height // 2, 1).select(
        epoch=pl.col("epoch") - 1, queue="queue", restarted=pl.col("epoch") + 24
    )
    parts.append(
        middle.select(
            pl.struct(
                epoch="epoch", seq=-1, rank=0, text=pl.format("{}|NONE|{}|PJS", "epoch", "queue")
            )
        )
    )
    parts.append(
        middle.select(_line(pl.col("restarted"), "NONE", "NONE", "NONE", "QUEUESTART", "", rank=1))
    )
    lines = pl.concat([p.unnest(p.columns[0]) for p in parts], how="vertical_relaxed")
    return lines.drop_nulls("epoch")


def _line(
    epoch: pl.Expr, uid, queue, agent, name, *data, seq: pl.Expr | int = -1, rank: int = 0
) -> pl.Expr:
    """Return a queue_log line, `epoch|uniqueid|queuename|agent|EVENT|data...`, as a struct
    with what orders it (epoch, seq: the call, rank: its events in turn); text is literal."""
    parts = [epoch, uid, queue, agent, name, *data]
    return pl.struct(
        epoch=epoch,
        seq=seq if isinstance(seq, pl.Expr) else pl.lit(seq, pl.Int64),
        rank=pl.lit(rank, pl.Int64),
        text=pl.concat_str(
            [p if isinstance(p, pl.Expr) else pl.lit(str(p)) for p in parts], separator="|"
        ),
    )
