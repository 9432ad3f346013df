"""Every text in Dutch and English by key: the dashboard, the briefing, the audit pack,
reject reasons and data-quality findings all read them here, through text().

Grouped by area (app, access, pages, story, briefing, pack, verdicts, reasons, quality). Each
key has nl and en with the same {placeholders}; tests/test_texts.py checks that, and that no
module chooses a text by comparing the language instead.
"""

from __future__ import annotations

LANGUAGES = ("nl", "en")

TEXTS: dict[str, dict[str, str]] = {
    # --- app: the dashboard's frame and navigation ------------------------------------------------
    "app.title": {"nl": "Klik, bel, balie", "en": "Click, call, face"},
    "app.language": {"nl": "Taal", "en": "Language"},
    "app.data_until": {"nl": "Gegevens tot en met {day}", "en": "Data up to {day}"},
    "source.not_available": {
        "nl": "niet beschikbaar uit {sources}",
        "en": "not available from {sources}",
    },
    "source.volumes": {"nl": "maandtotalen", "en": "monthly totals"},
    "source.queue-log": {"nl": "het wachtrijlog", "en": "the queue log"},
    "source.openklant": {"nl": "Open Klant", "en": "Open Klant"},
    "totals.not_available": {
        "nl": "niet beschikbaar uit maandtotalen",
        "en": "not available from monthly totals",
    },
    "app.no_data": {
        "nl": "Er zijn nog geen contactgegevens geladen. Laad exports met "
        "`channelshift load` of bouw de demogemeente met `channelshift demo`.",
        "en": "No contact data has been loaded yet. Load exports with "
        "`channelshift load` or build the demo municipality with "
        "`channelshift demo`.",
    },
    "app.no_store": {
        "nl": "Er is geen database op het ingestelde pad {path}. Controleer CHANNELSHIFT_DB of "
        "laad exports met `channelshift load`.",
        "en": "There is no database at the configured path {path}. Check CHANNELSHIFT_DB or "
        "load exports with `channelshift load`.",
    },
    "app.no_rows": {
        "nl": "Geen gegevens voor deze keuze. Kies een andere periode of minder filters.",
        "en": "No data for this selection. Choose another period or fewer filters.",
    },
    "app.building": {
        "nl": "Eerste start: de demogemeente wordt opgebouwd (minder dan een minuut).",
        "en": "First start: building the demo municipality (less than a minute).",
    },
    "chart.running": {"nl": "loopt nog", "en": "still running"},
    "chart.running_left_out": {
        "nl": "{period} loopt nog en staat er niet in.",
        "en": "{period} is still running and is left out.",
    },
    "app.download_csv": {"nl": "Download gegevens (CSV)", "en": "Download data (CSV)"},
    "app.download_png": {"nl": "Download grafiek (PNG)", "en": "Download chart (PNG)"},
    # --- access: login, roles and the no-access page (app_pages/access.py) ------------------------
    "access.login_title": {"nl": "Inloggen", "en": "Log in"},
    "access.login_intro": {
        "nl": "De cijfers over de kanalen van {municipality} zijn alleen voor medewerkers. Log "
        "in met uw account van de gemeente.",
        "en": "The figures on {municipality}'s channels are for staff only. Log in with your "
        "municipality account.",
    },
    "access.login": {"nl": "Inloggen", "en": "Log in"},
    "access.logout": {"nl": "Uitloggen", "en": "Log out"},
    "access.no_access_title": {"nl": "Geen toegang", "en": "No access"},
    "access.no_access": {
        "nl": "U bent ingelogd als {name}, maar uw account heeft geen rol in dit dashboard. "
        "Vraag de functioneel beheerder om toegang en log daarna opnieuw in.",
        "en": "You are logged in as {name}, but your account has no role in this dashboard. "
        "Ask the functional administrator for access, then log in again.",
    },
    "access.not_yours_title": {
        "nl": "Geen toegang tot deze pagina",
        "en": "No access to this page",
    },
    "access.not_yours": {
        "nl": "Deze pagina hoort niet bij uw rol. Kies een pagina in het menu.",
        "en": "This page is not part of your role. Choose a page in the menu.",
    },
    "access.logged_in": {
        "nl": "Ingelogd als {name} ({roles})",
        "en": "Logged in as {name} ({roles})",
    },
    "access.own_teams": {"nl": "Uw team(s): {teams}", "en": "Your team(s): {teams}"},
    "access.no_login": {
        "nl": "Geen login ingesteld: wie dit adres bereikt, ziet alles. Goed voor een demo; zie "
        "docs/access.md.",
        "en": "No login configured: anyone who reaches this address sees everything. Fine for a "
        "demo; see docs/access.md.",
    },
    "access.secrets_unreadable": {
        "nl": "De login is niet te lezen (.streamlit/secrets.toml): het dashboard toont niets tot "
        "de beheerder dat bestand herstelt.",
        "en": "The login cannot be read (.streamlit/secrets.toml): the dashboard shows nothing "
        "until the administrator repairs that file.",
    },
    "access.no_team": {
        "nl": "Er is u nog geen team toegewezen, of uw team heeft geen gegevens. Vraag de "
        "functioneel beheerder om uw team.",
        "en": "No team has been assigned to you yet, or your team has no data. Ask the "
        "functional administrator to assign your team.",
    },
    "role.bestuurder": {"nl": "bestuurder", "en": "alderman"},
    "role.secretaris": {"nl": "gemeentesecretaris", "en": "municipal secretary"},
    "role.teamleider": {"nl": "teamleider", "en": "team lead"},
    "role.beheerder": {"nl": "functioneel beheerder", "en": "functional administrator"},
    # --- pages: filters, labels and titles of the dashboard's pages -------------------------------
    "page.overview": {"nl": "Overzicht", "en": "Overview"},
    "page.channel_mix": {"nl": "Kanaalmix", "en": "Channel mix"},
    "page.digitisation": {"nl": "Digitalisering", "en": "Digitisation"},
    "page.corrections": {"nl": "Herstelwerk", "en": "Error correction"},
    "page.teams": {"nl": "Teams", "en": "Teams"},
    "page.audit": {"nl": "Audit", "en": "Audit"},
    "page.load": {"nl": "Gegevens laden", "en": "Load data"},
    "channel.web": {"nl": "Website (klik)", "en": "Web (click)"},
    "channel.phone": {"nl": "Telefoon (bel)", "en": "Phone (call)"},
    "channel.desk": {"nl": "Balie", "en": "Desk (face)"},
    "filter.all": {"nl": "Alle", "en": "All"},
    "filter.year": {"nl": "Jaar", "en": "Year"},
    "filter.years": {"nl": "Periode (jaren)", "en": "Period (years)"},
    "filter.grain": {"nl": "Per", "en": "By"},
    "filter.measure": {"nl": "Toon", "en": "Show"},
    "filter.category": {"nl": "Productgroep", "en": "Product category"},
    "filter.product": {"nl": "Product", "en": "Product"},
    "filter.team": {"nl": "Team", "en": "Team"},
    "filter.owner_team": {"nl": "Team (eigenaar product)", "en": "Team (product owner)"},
    "filter.period": {"nl": "Auditperiode", "en": "Audit period"},
    "filter.week": {"nl": "Week", "en": "Week"},
    "grain.month": {"nl": "maand", "en": "month"},
    "grain.quarter": {"nl": "kwartaal", "en": "quarter"},
    "grain.year": {"nl": "jaar", "en": "year"},
    "measure.share": {"nl": "aandeel", "en": "share"},
    "measure.contacts": {"nl": "aantallen", "en": "counts"},
    "label.period": {"nl": "Periode", "en": "Period"},
    "label.month": {"nl": "Maand", "en": "Month"},
    "label.week": {"nl": "Week", "en": "Week"},
    "label.channel": {"nl": "Kanaal", "en": "Channel"},
    "label.contacts": {"nl": "Afgehandelde contacten", "en": "Handled contacts"},
    "label.share": {"nl": "Aandeel van de contacten", "en": "Share of contacts"},
    "label.target": {"nl": "Doel", "en": "Target"},
    "label.products": {"nl": "Producten", "en": "Products"},
    "label.products_total": {"nl": "Producten in de catalogus", "en": "Products in the catalogue"},
    "label.product": {"nl": "Product", "en": "Product"},
    "label.category": {"nl": "Productgroep", "en": "Category"},
    "label.corrections": {"nl": "Herstelacties", "en": "Corrections"},
    "label.corrections_per_1000": {
        "nl": "Herstelacties per 1.000 contacten",
        "en": "Corrections per 1,000 contacts",
    },
    "label.hours": {"nl": "Uren", "en": "Hours"},
    "label.origin": {"nl": "Kanaal van de fout", "en": "Channel of the mistake"},
    "label.status": {"nl": "Status", "en": "Status"},
    "label.digital": {"nl": "digitaal", "en": "digital"},
    "label.products_digital": {"nl": "Producten digitaal", "en": "Products digital"},
    "label.not_digital": {"nl": "niet digitaal", "en": "not digital"},
    "label.digital_since": {"nl": "Digitaal sinds", "en": "Digital since"},
    "label.takeup": {"nl": "Digitaal gebruik", "en": "Digital take-up"},
    "label.volume": {"nl": "Contacten (12 mnd)", "en": "Contacts (12 months)"},
    "label.handling_hours": {
        "nl": "Uren telefoon en balie (12 mnd)",
        "en": "Phone and desk hours (12 months)",
    },
    "label.year": {"nl": "Jaar", "en": "Year"},
    "label.value": {"nl": "Waarde", "en": "Value"},
    "label.met": {"nl": "Oordeel", "en": "Verdict"},
    "unit.share": {"nl": "aandeel (%)", "en": "share (%)"},
    "unit.count": {"nl": "aantal", "en": "count"},
    "unit.hours": {"nl": "uren", "en": "hours"},
    "unit.euro": {"nl": "euro", "en": "euro"},
    "unit.per_1000": {"nl": "per 1.000", "en": "per 1,000"},
    "unit.seconds": {"nl": "seconden", "en": "seconds"},
    "runs.run_id": {"nl": "Run", "en": "Run"},
    "runs.started_at": {"nl": "Gestart", "en": "Started"},
    "runs.finished_at": {"nl": "Klaar", "en": "Finished"},
    "runs.source": {"nl": "Bron", "en": "Source"},
    "runs.file": {"nl": "Bestand", "en": "File"},
    "runs.file_sha256": {"nl": "SHA-256 van het bestand", "en": "File SHA-256"},
    "runs.mapping_file": {"nl": "Koppelbestand", "en": "Mapping file"},
    "runs.rows_read": {"nl": "Gelezen", "en": "Read"},
    "runs.rows_loaded": {"nl": "Geladen", "en": "Loaded"},
    "runs.rows_inserted": {"nl": "Nieuw", "en": "New"},
    "runs.rows_updated": {"nl": "Gewijzigd", "en": "Updated"},
    "runs.rows_unchanged": {"nl": "Ongewijzigd", "en": "Unchanged"},
    "runs.rows_duplicate": {"nl": "Dubbel", "en": "Duplicate"},
    "runs.rows_rejected": {"nl": "Geweigerd", "en": "Rejected"},
    "runs.status": {"nl": "Status", "en": "Status"},
    "runs.message": {"nl": "Melding", "en": "Message"},
    "runs.status.ok": {"nl": "geladen", "en": "loaded"},
    "runs.status.skipped": {"nl": "overgeslagen (al geladen)", "en": "skipped (loaded before)"},
    "runs.status.failed": {"nl": "⛔ mislukt", "en": "⛔ failed"},
    "audit.failed_runs": {
        "nl": "{runs} laadrun(s) mislukt: van die bestanden is niets opgeslagen (zie Melding).",
        "en": "{runs} load run(s) failed: nothing of those files was stored (see Message).",
    },
    "rejects.reason": {"nl": "Reden", "en": "Reason"},
    "rejects.rows": {"nl": "Regels", "en": "Rows"},
    "rejects.explanation": {"nl": "Uitleg", "en": "Explanation"},
    "label.call": {"nl": "Gesprek", "en": "Call"},
    "label.started_at": {"nl": "Begonnen", "en": "Started"},
    "label.share_calls": {"nl": "Aandeel van de gesprekken", "en": "Share of calls"},
    "label.metric": {"nl": "Kengetal", "en": "Metric"},
    "label.definition": {"nl": "Definitie", "en": "Definition"},
    "label.mart": {"nl": "Bron (mart)", "en": "Source (mart)"},
    "label.unit": {"nl": "Eenheid", "en": "Unit"},
    "label.release": {"nl": "Release", "en": "Release"},
    "label.before": {"nl": "voor", "en": "before"},
    "label.after": {"nl": "na", "en": "after"},
    "label.hours_freed": {
        "nl": "Uren bespaard door web (voor herstel)",
        "en": "Hours freed by web (before corrections)",
    },
    "label.web_correction_hours": {
        "nl": "Uren herstelwerk aan webaanvragen",
        "en": "Correction hours on web requests",
    },
    "label.correction_hours": {"nl": "Uren herstelwerk", "en": "Correction hours"},
    "label.net_hours": {"nl": "Netto uren", "en": "Net hours"},
    "label.service_level": {"nl": "Bereikbaarheid", "en": "Service level"},
    "label.abandonment": {"nl": "Opgehangen", "en": "Abandoned"},
    "label.phone_wait": {"nl": "Wachttijd telefoon (s)", "en": "Phone wait (s)"},
    "label.desk_wait": {"nl": "Wachttijd balie (min)", "en": "Desk wait (min)"},
    "label.last_weeks": {"nl": "Laatste 4 weken", "en": "Last 4 weeks"},
    "label.average_12": {"nl": "Gemiddelde 12 weken", "en": "12-week average"},
    "overview.title": {"nl": "Overzicht voor de raad", "en": "Overview for the council"},
    "overview.cards": {"nl": "Kerncijfers {year}", "en": "Key figures {year}"},
    "overview.vs_previous": {
        "nl": "Pijltjes: verschil met {year}; groen is de goede kant op.",
        "en": "Arrows: change against {year}; green is the right direction.",
    },
    "overview.no_previous": {
        "nl": "Geen vergelijking: {year} staat niet in de gegevens.",
        "en": "No comparison: {year} is not in the data.",
    },
    "overview.target": {"nl": "doel {value}", "en": "target {value}"},
    "overview.no_target": {"nl": "geen doel", "en": "no target"},
    "overview.partial": {"nl": "{year} tot en met {month}", "en": "{year} up to {month}"},
    "overview.pdf": {
        "nl": "Download raadsinformatie (PDF)",
        "en": "Download council briefing (PDF)",
    },
    "overview.story": {"nl": "In gewone woorden", "en": "In plain words"},
    "channel_mix.title": {
        "nl": "Kanaalmix: klik, bel, balie",
        "en": "Channel mix: click, call, face",
    },
    "channel_mix.chart": {
        "nl": "Afgehandelde contacten per kanaal",
        "en": "Handled contacts per channel",
    },
    "channel_mix.share_chart": {
        "nl": "Aandeel per kanaal van alle afgehandelde contacten",
        "en": "Share per channel of all handled contacts",
    },
    "channel_mix.products": {
        "nl": "Producten en hun digitaal gebruik in de gekozen periode",
        "en": "Products and their digital take-up in the chosen period",
    },
    "digitisation.title": {"nl": "Digitalisering van producten", "en": "Digitisation of products"},
    "digitisation.chart": {
        "nl": "Producten volledig online aan te vragen, tegen het doel",
        "en": "Products that can be requested fully online, against the target",
    },
    "digitisation.list": {"nl": "Productenlijst", "en": "Product list"},
    "digitisation.candidates": {
        "nl": "Volgende kandidaten: niet-digitale producten met de meeste uren aan telefoon en "
        "balie (laatste 12 maanden)",
        "en": "Next candidates: non-digital products with the most phone and desk hours "
        "(last 12 months)",
    },
    "corrections.title": {"nl": "Herstelwerk", "en": "Error correction"},
    "corrections.chart": {
        "nl": "Uren herstelwerk, naar kanaal waarin de fout ontstond",
        "en": "Correction hours, by channel the mistake came in by",
    },
    "corrections.count_chart": {
        "nl": "Herstelacties, naar kanaal waarin de fout ontstond",
        "en": "Corrections, by channel the mistake came in by",
    },
    "corrections.rate_chart": {
        "nl": "Herstelacties per 1.000 afgehandelde contacten",
        "en": "Corrections per 1,000 handled contacts",
    },
    "corrections.top": {
        "nl": "Producten die het meeste herstelwerk veroorzaken (gekozen periode)",
        "en": "Products causing most correction work (chosen period)",
    },
    "corrections.history": {
        "nl": "Geschiedenis van een product: webcontacten en herstelacties, met digitalisering "
        "en releases",
        "en": "A product's history: web contacts and corrections, with digitisation and releases",
    },
    "corrections.releases": {
        "nl": "Effect van releases ({months} maanden voor en na)",
        "en": "Effect of releases ({months} months before and after)",
    },
    "corrections.net": {
        "nl": "Uren bespaard door web tegen uren herstelwerk (netto capaciteit)",
        "en": "Hours freed by web against correction hours (net capacity)",
    },
    "metric.repeat": {"nl": "Herhaalcontact", "en": "Repeat contact"},
    "help.label.service_level": {
        "nl": "Aangeboden gesprekken van het team die binnen de norm werden beantwoord, gedeeld "
        "door alle aangeboden gesprekken van het team in die weken.",
        "en": "The team's offered calls answered within the norm, divided by all its offered "
        "calls in those weeks.",
    },
    "help.label.abandonment": {
        "nl": "Gesprekken waarin de beller ophing voor er werd opgenomen, gedeeld door alle "
        "aangeboden gesprekken.",
        "en": "Calls in which the caller hung up before being answered, divided by all "
        "offered calls.",
    },
    "help.label.phone_wait": {
        "nl": "Gemiddelde wachttijd in seconden van de aangeboden gesprekken (per week gemiddeld).",
        "en": "Average wait in seconds of the offered calls (averaged per week).",
    },
    "help.label.desk_wait": {
        "nl": "Gemiddelde wachttijd in minuten van de baliebezoekers (per week gemiddeld).",
        "en": "Average wait in minutes of desk visitors (averaged per week).",
    },
    "help.label.corrections": {
        "nl": "Herstelacties per week in de producten waarvan het team eigenaar is, geteld in "
        "de week waarin de fout werd ontdekt.",
        "en": "Corrections per week in the products the team owns, counted in the week the "
        "mistake was found.",
    },
    "teams.title": {"nl": "Teams: week voor week", "en": "Teams: week by week"},
    "teams.phone": {"nl": "Telefoon per week", "en": "Phone per week"},
    "teams.phone_wait": {
        "nl": "Gemiddelde wachttijd telefoon per week",
        "en": "Average phone wait per week",
    },
    "teams.desk_wait": {
        "nl": "Gemiddelde wachttijd balie per week",
        "en": "Average desk wait per week",
    },
    "teams.backlog": {
        "nl": "Herstelacties per week in de producten van het team",
        "en": "Corrections per week in the team's products",
    },
    "teams.compare": {
        "nl": "Laatste 4 weken tegen het gemiddelde van de 12 weken ervoor",
        "en": "Last 4 weeks against the average of the 12 weeks before",
    },
    "teams.no_calls": {
        "nl": "Dit team nam in deze weken geen telefoongesprekken aan.",
        "en": "This team took no calls in these weeks.",
    },
    "teams.abandoned": {
        "nl": "Opgehangen gesprekken in de gekozen week",
        "en": "Abandoned calls in the chosen week",
    },
    "audit.title": {"nl": "Audit: doelen en resultaten", "en": "Audit: goals and results"},
    "audit.targets": {
        "nl": "Doelen en resultaten per jaar",
        "en": "Targets and results per year",
    },
    "audit.pack": {
        "nl": "Download auditpakket (Excel)",
        "en": "Download audit pack (Excel)",
    },
    "audit.definitions": {"nl": "Definities van de kengetallen", "en": "Metric definitions"},
    "audit.lineage": {"nl": "Herkomst: laadruns", "en": "Lineage: load runs"},
    "audit.rejects": {"nl": "Geweigerde regels per reden", "en": "Rejected rows by reason"},
    "audit.quality": {"nl": "Datakwaliteit", "en": "Data quality"},
    # --- columns: the headers of downloaded CSV files (metrics/exports.py), `column.<name>` ---
    # Load-run columns use runs.<name> and the rejects' reason and rows rejects.<name>; a
    # share's header gets " (%)" from exports, so none says it here.
    "export.source": {
        "nl": "{municipality} · gegevens tot en met {day}",
        "en": "{municipality} · data up to {day}",
    },
    "column.period": {"nl": "Periode (eerste dag)", "en": "Period (first day)"},
    "column.period_month": {"nl": "Maand (eerste dag)", "en": "Month (first day)"},
    "column.week_start": {"nl": "Week (maandag)", "en": "Week (Monday)"},
    "column.is_partial": {"nl": "Periode loopt nog", "en": "Period still running"},
    "column.channel": {"nl": "Kanaal", "en": "Channel"},
    "column.origin_channel": {"nl": "Kanaal van de fout", "en": "Channel of the mistake"},
    "column.contacts": {"nl": "Afgehandelde contacten", "en": "Handled contacts"},
    "column.contacts_12_months": {
        "nl": "Afgehandelde contacten (12 mnd)",
        "en": "Handled contacts (12 months)",
    },
    "column.web_contacts": {"nl": "Afgehandelde webcontacten", "en": "Handled web contacts"},
    "column.share": {"nl": "Aandeel van de contacten", "en": "Share of contacts"},
    "column.product_id": {"nl": "Product-id", "en": "Product id"},
    "column.name_nl": {"nl": "Naam (Nederlands)", "en": "Name (Dutch)"},
    "column.name_en": {"nl": "Naam (Engels)", "en": "Name (English)"},
    "column.category": {"nl": "Productgroep", "en": "Category"},
    "column.owner_team": {"nl": "Team (eigenaar product)", "en": "Team (product owner)"},
    "column.digital_since": {"nl": "Digitaal sinds", "en": "Digital since"},
    "column.is_digital": {"nl": "Digitaal", "en": "Digital"},
    "column.web": {"nl": "Website (klik)", "en": "Web (click)"},
    "column.phone": {"nl": "Telefoon (bel)", "en": "Phone (call)"},
    "column.desk": {"nl": "Balie", "en": "Desk (face)"},
    "column.web_share": {"nl": "Digitaal gebruik", "en": "Digital take-up"},
    "column.assisted_hours": {
        "nl": "Uren telefoon en balie (12 mnd)",
        "en": "Phone and desk hours (12 months)",
    },
    "column.products_total": {"nl": "Producten in de catalogus", "en": "Products in the catalogue"},
    "column.products_digital": {"nl": "Producten digitaal", "en": "Products digital"},
    "column.share_digital": {"nl": "Aandeel producten digitaal", "en": "Share of products digital"},
    "column.corrections": {"nl": "Herstelacties", "en": "Corrections"},
    "column.web_corrections": {
        "nl": "Herstelacties op webaanvragen",
        "en": "Corrections of web requests",
    },
    "column.correction_hours": {"nl": "Uren herstelwerk", "en": "Correction hours"},
    "column.corrections_per_1000": {
        "nl": "Herstelacties per 1.000 afgehandelde contacten",
        "en": "Corrections per 1,000 handled contacts",
    },
    "column.gross_hours_freed": {
        "nl": "Uren bespaard door web (voor herstel)",
        "en": "Hours freed by web (before corrections)",
    },
    "column.web_correction_hours": {
        "nl": "Uren herstelwerk aan webaanvragen",
        "en": "Correction hours on web requests",
    },
    "column.hours_freed_by_web": {
        "nl": "Netto uren bespaard door web",
        "en": "Net hours freed by web",
    },
    "column.released_on": {"nl": "Releasedatum", "en": "Release date"},
    "column.title": {"nl": "Release", "en": "Release"},
    "column.window_start": {"nl": "Venster vanaf", "en": "Window from"},
    "column.window_end": {"nl": "Venster tot", "en": "Window until"},
    "column.web_contacts_before": {"nl": "Webcontacten (voor)", "en": "Web contacts (before)"},
    "column.web_contacts_after": {"nl": "Webcontacten (na)", "en": "Web contacts (after)"},
    "column.web_corrections_before": {
        "nl": "Herstelacties op webaanvragen (voor)",
        "en": "Corrections of web requests (before)",
    },
    "column.web_corrections_after": {
        "nl": "Herstelacties op webaanvragen (na)",
        "en": "Corrections of web requests (after)",
    },
    "column.corrections_per_1000_before": {
        "nl": "Herstelacties per 1.000 webcontacten (voor)",
        "en": "Corrections per 1,000 web contacts (before)",
    },
    "column.corrections_per_1000_after": {
        "nl": "Herstelacties per 1.000 webcontacten (na)",
        "en": "Corrections per 1,000 web contacts (after)",
    },
    "column.takeup_before": {"nl": "Digitaal gebruik, voor", "en": "Digital take-up, before"},
    "column.takeup_after": {"nl": "Digitaal gebruik, na", "en": "Digital take-up, after"},
    "column.repeat_share_before": {
        "nl": "Herhaalcontact, voor",
        "en": "Repeat contact, before",
    },
    "column.repeat_share_after": {"nl": "Herhaalcontact, na", "en": "Repeat contact, after"},
    "column.before_is_complete": {
        "nl": "Gegevens dekken het venster ervoor",
        "en": "Data cover the window before",
    },
    "column.after_is_complete": {
        "nl": "Gegevens dekken het venster erna",
        "en": "Data cover the window after",
    },
    "column.before_from_totals": {
        "nl": "Venster ervoor (deels) uit maandtotalen: cijfers niet beschikbaar",
        "en": "Window before (partly) from monthly totals: figures not available",
    },
    "column.after_from_totals": {
        "nl": "Venster erna (deels) uit maandtotalen: cijfers niet beschikbaar",
        "en": "Window after (partly) from monthly totals: figures not available",
    },
    "column.team": {"nl": "Team", "en": "Team"},
    "column.calls_offered": {"nl": "Aangeboden gesprekken", "en": "Calls offered"},
    "column.calls_answered_in_time": {
        "nl": "Gesprekken binnen de norm opgenomen",
        "en": "Calls answered in time",
    },
    "column.calls_abandoned": {"nl": "Opgehangen gesprekken", "en": "Calls abandoned"},
    "column.service_level": {"nl": "Bereikbaarheid", "en": "Service level"},
    "column.abandonment_rate": {"nl": "Opgehangen", "en": "Abandoned"},
    "column.phone_avg_wait_seconds": {
        "nl": "Gemiddelde wachttijd telefoon (s)",
        "en": "Average phone wait (s)",
    },
    "column.visits": {"nl": "Baliebezoeken", "en": "Desk visits"},
    "column.visits_served_in_time": {
        "nl": "Baliebezoeken binnen de norm geholpen",
        "en": "Desk visits served in time",
    },
    "column.desk_avg_wait_seconds": {
        "nl": "Gemiddelde wachttijd balie (s)",
        "en": "Average desk wait (s)",
    },
    "column.value": {"nl": "Waarde", "en": "Value"},
    "column.series": {"nl": "Reeks", "en": "Series"},
    "column.contact_id": {"nl": "Gesprek", "en": "Call"},
    "column.occurred_at": {"nl": "Begonnen", "en": "Started"},
    "column.wait_seconds": {"nl": "Wachttijd (s)", "en": "Wait (s)"},
    # --- story: metrics.narrative's sentences for the overview and the briefing -------------------
    "story.period": {"nl": "In {year}", "en": "In {year},"},
    "story.period_partial": {
        "nl": "In {year} tot en met {month}",
        "en": "In {year} up to {month},",
    },
    "story.end": {"nl": "Eind {when}", "en": "At the end of {when},"},
    "story.at": {"nl": " bij {municipality}", "en": " at {municipality}"},
    "story.same_months": {"nl": "dezelfde maanden van {year}", "en": "the same months of {year}"},
    "story.more": {"nl": ", {size} meer dan in {than}", "en": ", {size} more than in {than}"},
    "story.less": {"nl": ", {size} minder dan in {than}", "en": ", {size} less than in {than}"},
    "story.same": {"nl": ", evenveel als in {than}", "en": ", the same as in {than}"},
    "story.target_partial": {
        "nl": "; het doel voor {year} is {target}",
        "en": "; the target for {year} is {target}",
    },
    "story.target_met": {
        "nl": "; het doel van {target} is gehaald",
        "en": "; the target of {target} was met",
    },
    "story.target_missed": {"nl": "; het doel was {target}", "en": "; the target was {target}"},
    "story.target_brief": {"nl": " (doel: {target})", "en": " (target: {target})"},
    "story.web_share": {
        "nl": "{period} kwam{at} {value} van de afgehandelde contacten via de website"
        "{change}{target}.",
        "en": "{period} {value} of handled contacts{at} came in through the website"
        "{change}{target}.",
    },
    "story.products": {
        "nl": "{end} waren{at} {digital} van de {total} producten volledig online aan te "
        "vragen{target}.",
        "en": "{end} {digital} of the {total} products{at} could be requested fully "
        "online{target}.",
    },
    "story.products_alone": {
        "nl": "{end} waren{at} {digital} producten volledig online aan te vragen{target}.",
        "en": "{end} {digital} products{at} could be requested fully online{target}.",
    },
    "story.phone": {
        "nl": "{period} werd{at} {value} van de telefoongesprekken binnen de afgesproken wachttijd "
        "opgenomen{target}.",
        "en": "{period} {value} of calls{at} were answered within the agreed waiting time{target}.",
    },
    "story.corrections": {
        "nl": "{period} kostte herstelwerk{at} {value}{change}.",
        "en": "{period} fixing mistakes in requests{at} took {value}{change}.",
    },
    "story.freed": {
        "nl": "{period} maakte digitalisering{at} naar schatting per saldo {value} vrij, na "
        "aftrek van herstelwerk aan webaanvragen.",
        "en": "{period} digitisation{at} freed an estimated net {value} of staff time, after "
        "deducting the time spent fixing online requests.",
    },
    "story.freed_negative": {
        "nl": "{period} kostte digitalisering{at} naar schatting {value} meer werk dan het "
        "opleverde.",
        "en": "{period} digitisation{at} cost an estimated {value} more staff time than it freed.",
    },
    "story.freed_zero": {
        "nl": "{period} leverde digitalisering{at} naar schatting evenveel tijd op als het kostte.",
        "en": "{period} digitisation{at} freed, by estimate, as much staff time as it cost.",
    },
    # --- forecast: looking ahead at the targets (metrics.forecast, metrics.narrative) -----------
    "forecast.title": {"nl": "Vooruitblik", "en": "Looking ahead"},
    "forecast.met": {
        "nl": "{metric}: het doel van {target} (vanaf {target_year}) is in {year} al gehaald.",
        "en": "{metric}: the target of {target} (from {target_year}) was already met in {year}.",
    },
    "forecast.reached": {
        "nl": "{metric}: het doel van {target} (vanaf {target_year}) wordt bij dit tempo "
        "gehaald in {year} (tussen {earliest} en {latest}); de foutmarge is gemeten op "
        "{measured}.",
        "en": "{metric}: at this pace the target of {target} (from {target_year}) is reached "
        "in {year} (between {earliest} and {latest}); the margin of error was measured on "
        "{measured}.",
    },
    "forecast.reached_exact": {
        "nl": "{metric}: het doel van {target} (vanaf {target_year}) wordt bij dit tempo "
        "gehaald in {year}, ook aan beide kanten van de foutmarge; die is gemeten op "
        "{measured}.",
        "en": "{metric}: at this pace the target of {target} (from {target_year}) is reached "
        "in {year}, at both ends of the margin of error too; it was measured on {measured}.",
    },
    "forecast.not_at_this_pace": {
        "nl": "{metric}: het doel van {target} (vanaf {target_year}) wordt bij dit tempo niet "
        "gehaald binnen {horizon} jaar; de foutmarge is gemeten op {measured}.",
        "en": "{metric}: at this pace the target of {target} (from {target_year}) is not "
        "reached within {horizon} years; the margin of error was measured on {measured}.",
    },
    "forecast.not_enough_years": {
        "nl": "{metric}: nog geen vooruitblik; daarvoor zijn minstens {enough} volledige jaren "
        "nodig.",
        "en": "{metric}: no look ahead yet; it needs at least {enough} complete years.",
    },
    "forecast.how": {
        "nl": "Hoe is de vooruitblik berekend?",
        "en": "How is the look ahead calculated?",
    },
    "forecast.method": {
        "nl": "Het huidige tempo is een rechte lijn (kleinste kwadraten) door de laatste "
        "{window} volledige jaren; het lopende jaar telt niet mee. Het doel is het laatste dat "
        "de instellingen noemen, en het is gehaald in het eerste hele jaar waarin de lijn het "
        "haalt. De foutmarge komt uit de eigen missers van de lijn op eerdere jaren: vanaf elk "
        "jaar binnen de laatste {backtest} jaren met minstens {min_years} jaren tot en met dat "
        "jaar is dezelfde lijn getrokken en vergeleken met elk later jaar. Een misser gedeeld "
        "door het aantal jaren vooruit is hoeveel het tempo daarna afweek; de marge laat aan "
        "elke kant hoogstens {tail} van die missers weg (bij minder dan negen missers loopt ze "
        "van de kleinste tot de grootste en dekt ze minder dan 80%). De jaren tussen haakjes "
        "horen bij het snelste en het traagste tempo binnen de marge. Gaat de lijn niet naar "
        "het doel, of valt het late eind meer dan {horizon} jaar na het laatste volledige jaar, "
        "dan staat er ‘niet gehaald’. Aannames: het tempo van de laatste jaren gaat door, en "
        "een misser groeit met het aantal jaren vooruit (voorzichtig voor schommelingen van "
        "jaar op jaar); aandelen blijven tussen 0% en 100%. Nodig: minstens {enough} volledige "
        "jaren.",
        "en": "The current pace is a straight line (least squares) through the last {window} "
        "complete years; the running year does not count. The target is the last one the "
        "settings name, and it is reached in the first whole year in which the line reaches "
        "it. The margin of error comes from the line's own misses on earlier years: from "
        "every year within the last {backtest} years with at least {min_years} years up to "
        "and including it, the same line was drawn and compared with every later year. A miss "
        "divided by the years ahead is how far the pace that followed differed; the margin "
        "leaves out at most {tail} of those misses on each side (with fewer than nine misses "
        "it runs from the smallest to the largest and covers less than 80%). The years in "
        "brackets belong to the fastest and the slowest pace within the margin. When the line "
        "does not move towards the target, or the late end falls more than {horizon} years "
        "after the last complete year, it says ‘not reached’. Assumptions: the pace of the "
        "last years goes on, and a miss grows with the years ahead (cautious for year-to-year "
        "swings); shares stay between 0% and 100%. Needed: at least {enough} complete years.",
    },
    "forecast.detail": {
        "nl": "{metric}: lijn door {fitted}, {pace} per jaar. Gemeten op {measured} met "
        "{count} voorspellingen: het tempo dat volgde week tussen {low} en {high} per jaar af "
        "van dat van de lijn.",
        "en": "{metric}: line through {fitted}, {pace} a year. Measured on {measured} with "
        "{count} predictions: the pace that followed differed from the line's by between "
        "{low} and {high} a year.",
    },
    "forecast.why_direction": {
        "nl": " De lijn gaat niet naar het doel toe.",
        "en": " The line does not move towards the target.",
    },
    "forecast.why_slow": {
        "nl": " De lijn haalt het doel niet binnen {horizon} jaar.",
        "en": " The line does not reach the target within {horizon} years.",
    },
    "forecast.why_band": {
        "nl": " De lijn haalt het doel in {year}, maar bij het traagste tempo binnen de marge "
        "niet binnen {horizon} jaar.",
        "en": " The line reaches the target in {year}, but at the slowest pace within the "
        "margin not within {horizon} years.",
    },
    "forecast.fitted": {"nl": "Lijn door", "en": "Line through"},
    "forecast.predicted": {"nl": "Voorspeld", "en": "Predicted"},
    "forecast.actual": {"nl": "Werkelijk", "en": "Actual"},
    "forecast.miss": {"nl": "Misser", "en": "Miss"},
    # --- briefing: the council briefing PDF (documents/briefing.py, templates/briefing.typ) -------
    "briefing.kicker": {
        "nl": "Raadsinformatie kanaalsturing",
        "en": "Council briefing on channel shift",
    },
    "briefing.title": {"nl": "Klik, bel, balie in {year}", "en": "Click, call, face in {year}"},
    "briefing.subtitle": {
        "nl": "Kerncijfers {year} met het jaar ervoor en het doel · gegevens tot en met {until}",
        "en": "Key figures {year} with the year before and the target · data up to {until}",
    },
    "briefing.change": {"nl": "Verschil", "en": "Change"},
    "briefing.definitions": {"nl": "Definities.", "en": "Definitions."},
    "briefing.suppression": {
        "nl": "Aantallen onder {threshold} staan als “<{threshold}”; daarop gebaseerde "
        "percentages worden niet getoond.",
        "en": "Counts below {threshold} show as “<{threshold}”; shares based on them are not "
        "shown.",
    },
    "briefing.footer": {
        "nl": "Gemaakt op {day} {time} uit {source} ({runs} laadruns, laatste run {last_run}).",
        "en": "Made on {day} {time} from {source} ({runs} load runs, last run {last_run}).",
    },
    # --- pack: the audit pack (documents/audit_pack.py), in the language it is made in ------------
    "pack.workbook.title": {"nl": "Auditdossier {period}", "en": "Audit file {period}"},
    "pack.workbook.subject": {
        "nl": "Klik, bel, balie: doelen, resultaten, definities en herkomst",
        "en": "Click, call, face: targets, results, definitions and lineage",
    },
    "pack.sheet.summary": {"nl": "Samenvatting", "en": "Summary"},
    "pack.sheet.definitions": {"nl": "Definities", "en": "Definitions"},
    "pack.sheet.lineage": {"nl": "Herkomst", "en": "Lineage"},
    "pack.sheet.quality": {"nl": "Datakwaliteit", "en": "Data quality"},
    "pack.sheet.sources": {"nl": "Bronnen", "en": "Sources"},
    "audit.sources": {"nl": "Welke bron telde", "en": "Which source counted"},
    "audit.sources_note": {
        "nl": "Per kanaal en maand telt één bron: de eerste in de volgorde van de instellingen "
        "(`sources`) die er contacten of maandtotalen voor heeft. Zo telt geen contact dubbel "
        "waar bronnen overlappen. Andere bronnen met gegevens voor die maand staan ernaast, "
        "niet meegeteld. Maanden die uit maandtotalen komen hebben geen bereikbaarheid, "
        "wachttijden of herhaalcontact.",
        "en": "Each channel and month is counted from one source: the first in the settings' "
        "order (`sources`) that holds contacts or monthly totals for it, so no contact counts "
        "twice where sources overlap. Other sources holding data for the month are shown "
        "beside it, not counted. Months counted from monthly totals have no service level, "
        "waits or repeat contacts.",
    },
    "sources.source": {"nl": "Telde uit", "en": "Counted from"},
    "sources.handled": {"nl": "Afgehandeld", "en": "Handled"},
    "sources.offered": {"nl": "Aangeboden", "en": "Offered"},
    "sources.other_sources": {"nl": "Ook in (niet geteld)", "en": "Also in (not counted)"},
    "sources.other_handled": {"nl": "Daar afgehandeld", "en": "Handled there"},
    "pack.title.summary": {
        "nl": "Auditdossier klik, bel, balie: {municipality}, periode {period}",
        "en": "Audit file click, call, face: {municipality}, period {period}",
    },
    "pack.fact.municipality": {"nl": "Gemeente", "en": "Municipality"},
    "pack.fact.audit_period": {"nl": "Auditperiode", "en": "Audit period"},
    "pack.fact.period_from": {"nl": "Periode van", "en": "Period from"},
    "pack.fact.period_to": {"nl": "Periode tot en met", "en": "Period up to and including"},
    "pack.fact.data_until": {"nl": "Gegevens tot en met", "en": "Data up to and including"},
    "pack.fact.made_at": {"nl": "Gemaakt op", "en": "Made at"},
    "pack.fact.database": {"nl": "Database", "en": "Database"},
    "pack.fact.load_runs": {"nl": "Laadruns", "en": "Load runs"},
    "pack.fact.last_run": {"nl": "Laatste laadrun", "en": "Last load run"},
    "pack.fact.last_run_finished": {
        "nl": "Laatste laadrun afgerond",
        "en": "Last load run finished",
    },
    "pack.note.result": {
        "nl": "Resultaat: het kengetal over de maanden van het jaar binnen de periode; het "
        "tabblad van elk kengetal geeft de maanden, tellers en noemers.",
        "en": "Result: the metric over the months of the year within the period; the sheet of "
        "each metric gives the months, numerators and denominators.",
    },
    "pack.note.met": {  # the verdict words come from verdict.*
        "nl": "Gehaald: {met} of {not_met} tegen het doel van dat jaar (instellingen); een "
        "bovengrens is gehaald als het resultaat er niet boven ligt; {running} = de gegevens "
        "eindigen voor 31 december van dat jaar, het jaar wordt nog niet beoordeeld; "
        "{none} = geen doel of geen resultaat.",
        "en": "Met: {met} or {not_met} against that year's target (settings); an upper limit is "
        "met when the result is not above it; {running} = the data end before 31 December of "
        "that year, the year is not judged yet; {none} = no target or no result.",
    },
    "pack.note.partial_year": {
        "nl": "Deeljaar: ja = niet elke maand van het jaar heeft gegevens; het resultaat telt "
        "dan alleen de maanden met gegevens.",
        "en": "Partial year: yes = not every month of the year has data; the result then "
        "counts only the months with data.",
    },
    "pack.note.metric": {
        "nl": "Eenheid: {unit}; bron: {mart}; teller: {numerator}; noemer: {denominator}.",
        "en": "Unit: {unit}; source: {mart}; numerator: {numerator}; denominator: {denominator}.",
    },
    "pack.note.stock": {
        "nl": "Voorraadgetal: een jaar neemt de waarde van zijn laatste maand, geen som.",
        "en": "Stock figure: a year takes the value of its last month, not a sum.",
    },
    "pack.note.ratios": {
        "nl": "Elk kengetal is een teller gedeeld door een noemer, beide sommen over één mart; "
        "een jaar is dus nooit een gemiddelde van maandpercentages. Een voorraadgetal neemt "
        "de waarde van de laatste maand.",
        "en": "Every metric is a numerator divided by a denominator, both sums over one mart; "
        "so a year is never an average of monthly percentages. A stock figure takes the "
        "value of the last month.",
    },
    "pack.note.settings": {
        "nl": "Instellingen: de drempels en kostprijzen waarmee de marts bij de laatste laadrun "
        "zijn gebouwd, naast het instellingenbestand van dit dossier (Gelijk = nee: opnieuw "
        "laden bouwt de marts met het bestand).",
        "en": "Settings: the thresholds and unit costs the marts were built with at the last "
        "load run, beside the settings file of this pack (Equal = no: loading again builds "
        "the marts with the file).",
    },
    "pack.note.load_runs": {
        "nl": "Eén regel per laadpoging uit de tabel load_runs, oudste eerst; de kolommen zoals "
        "in docs/data-contract.md. Met file_sha256 is elk bestand na te rekenen.",
        "en": "One row per load attempt from the table load_runs, oldest first; the columns as "
        "in docs/data-contract.md. With file_sha256 every file can be checked.",
    },
    "pack.note.run_status": {
        "nl": "status: ok, skipped (hetzelfde bestand en mappingbestand waren al geladen) of "
        "failed (niets van het bestand geladen, zie message).",
        "en": "status: ok, skipped (the same file and mapping file were already loaded) or "
        "failed (nothing of the file loaded, see message).",
    },
    "pack.note.rejected": {
        "nl": "Geweigerde regels zijn niet geladen (tabel load_rejects, alle laadruns). "
        "Gesprekken zonder product en contacten met een onbekend product zijn wel geladen.",
        "en": "Rejected rows were not loaded (table load_rejects, all load runs). Calls "
        "without a product and contacts with an unknown product were loaded.",
    },
    "pack.note.gaps": {
        "nl": "Een maand zonder contacten in een kanaal wijst vaak op een ontbrekende export.",
        "en": "A month without contacts in a channel often points to a missing export.",
    },
    "pack.table.by_month": {"nl": "Per maand", "en": "By month"},
    "pack.table.by_year": {"nl": "Per jaar", "en": "By year"},
    "pack.table.metrics": {"nl": "Kengetallen", "en": "Metrics"},
    "pack.table.marts": {"nl": "Marts: korrel en definitie", "en": "Marts: grain and definition"},
    "pack.table.settings": {
        "nl": "Instellingen die de marts gebruikten",
        "en": "Settings the marts used",
    },
    "pack.table.load_runs": {"nl": "Laadruns", "en": "Load runs"},
    "pack.table.findings": {"nl": "Bevindingen", "en": "Findings"},
    "pack.table.unknown_products": {"nl": "Onbekende producten", "en": "Unknown products"},
    "pack.table.gaps": {
        "nl": "Maanden zonder contacten (auditperiode)",
        "en": "Months without contacts (audit period)",
    },
    "pack.column.metric": {"nl": "Kengetal", "en": "Metric"},
    "pack.column.metric_id": {"nl": "Kengetal-id", "en": "Metric id"},
    "pack.column.year": {"nl": "Jaar", "en": "Year"},
    "pack.column.month": {"nl": "Maand", "en": "Month"},
    "pack.column.remark": {"nl": "Opmerking", "en": "Remark"},
    "pack.column.queue": {"nl": "Wachtrij", "en": "Queue"},
    "pack.table.unmapped_queues": {
        "nl": "Wachtrijen zonder team in de mapping",
        "en": "Queues without a team in the mapping",
    },
    "pack.table.sources": {"nl": "Bron per kanaal en maand", "en": "Source per channel and month"},
    "pack.note.source_order": {
        "nl": "Volgorde van de bronnen (per kanaal en maand telt de eerste met gegevens): {order}.",
        "en": "Order of the sources (each channel and month counts the first with data): {order}.",
    },
    "pack.column.numerator": {"nl": "Teller", "en": "Numerator"},
    "pack.column.denominator": {"nl": "Noemer", "en": "Denominator"},
    "pack.column.value": {"nl": "Waarde", "en": "Value"},
    "pack.column.result": {"nl": "Resultaat", "en": "Result"},
    "pack.column.target": {"nl": "Doel", "en": "Target"},
    "pack.column.target_kind": {"nl": "Soort doel", "en": "Kind of target"},
    "pack.column.met": {"nl": "Gehaald", "en": "Met"},
    "pack.column.partial_year": {"nl": "Deeljaar", "en": "Partial year"},
    "pack.column.months_with_data": {"nl": "Maanden met gegevens", "en": "Months with data"},
    "pack.column.label": {"nl": "Label ({language})", "en": "Label ({language})"},
    "pack.column.definition": {"nl": "Definitie ({language})", "en": "Definition ({language})"},
    "pack.column.unit": {"nl": "Eenheid", "en": "Unit"},
    "pack.column.mart": {"nl": "Mart", "en": "Mart"},
    "pack.column.better": {"nl": "Beter", "en": "Better"},
    "pack.column.target_key": {"nl": "Doelsleutel", "en": "Target key"},
    "pack.column.numerator_sql": {"nl": "Teller (SQL)", "en": "Numerator (SQL)"},
    "pack.column.denominator_sql": {"nl": "Noemer (SQL)", "en": "Denominator (SQL)"},
    "pack.column.stock": {"nl": "Voorraadgetal", "en": "Stock figure"},
    "pack.column.grain": {"nl": "Korrel en definitie", "en": "Grain and definition"},
    "pack.column.setting": {"nl": "Instelling", "en": "Setting"},
    "pack.column.used": {"nl": "Gebruikt (database)", "en": "Used (database)"},
    "pack.column.settings_file": {"nl": "Instellingenbestand", "en": "Settings file"},
    "pack.column.equal": {"nl": "Gelijk", "en": "Equal"},
    "pack.column.source": {"nl": "Bron", "en": "Source"},
    "pack.column.reason": {"nl": "Reden", "en": "Reason"},
    "pack.column.explanation": {"nl": "Uitleg", "en": "Explanation"},
    "pack.column.rows": {"nl": "Regels", "en": "Rows"},
    "pack.column.finding": {"nl": "Bevinding", "en": "Finding"},
    "pack.column.product": {"nl": "Product", "en": "Product"},
    "pack.column.channel": {"nl": "Kanaal", "en": "Channel"},
    "pack.column.in_period": {"nl": "In de auditperiode", "en": "In the audit period"},
    "pack.column.whole_database": {"nl": "Hele database", "en": "Whole database"},
    # values in the columns above (verdicts are verdict.*)
    "pack.yes": {"nl": "ja", "en": "yes"},
    "pack.no": {"nl": "nee", "en": "no"},
    "pack.no_data": {"nl": "geen gegevens", "en": "no data"},
    "pack.upper_limit": {"nl": "bovengrens", "en": "upper limit"},
    "pack.lower_limit": {"nl": "ondergrens", "en": "lower limit"},
    "pack.higher": {"nl": "hoger", "en": "higher"},
    "pack.lower": {"nl": "lager", "en": "lower"},
    # --- verdicts: metrics.headlines.verdict(), the same words on every surface -------------------
    "verdict.met": {"nl": "gehaald", "en": "met"},
    "verdict.not_met": {"nl": "niet gehaald", "en": "not met"},
    "verdict.running": {"nl": "jaar loopt nog", "en": "year still running"},
    "verdict.none": {"nl": "–", "en": "–"},
    # --- norms: reference norms beside our figures (metrics/norms.py), never a target ------------
    "norm.context": {
        "nl": "Ter vergelijking: {norm} ({source}, {years}) — {why}",
        "en": "For comparison: {norm} ({source}, {years}) — {why}",
    },
    "norm.not_target": {"nl": "geen doel van de gemeente", "en": "not the municipality's target"},
    "norm.other_seconds": {
        "nl": "niet vergelijkbaar: de gemeente meet binnen {seconds} s",
        "en": "not comparable: the municipality measures within {seconds} s",
    },
    "norm.indicative": {
        "nl": "een minimum per gesprek; dit is een gemiddelde, geen doel van de gemeente",
        "en": "a minimum for each call; this figure is an average, not the municipality's target",
    },
    "norm.rule": {"nl": "Norm: {source} ({years})", "en": "Norm: {source} ({years})"},
    "norm.sturen_op_antwoord": {
        "nl": "{value} binnen {seconds} s opgenomen",
        "en": "{value} answered within {seconds} s",
    },
    "norm.sturen_op_antwoord.note": {
        "nl": "De landelijke norm voor de telefonische bereikbaarheid van gemeenten.",
        "en": "The national norm for how Dutch municipalities answer the phone.",
    },
    "norm.vng_minimum": {"nl": "opnemen binnen {value}", "en": "answered within {value}"},
    "norm.vng_minimum.note": {
        "nl": "Minimumnorm van de VNG voor elk gesprek. Naast de gemiddelde wachttijd alleen een "
        "indicatie: een gemiddelde onder {value} zegt niet dat elk gesprek zo snel werd opgenomen.",
        "en": "The VNG's minimum for each call. Beside the average wait an indication only: an "
        "average under {value} does not mean every call was answered that fast.",
    },
    "norm.tilburg_abandonment": {
        "nl": "hoogstens {value} opgehangen",
        "en": "at most {value} abandoned",
    },
    "norm.tilburg_abandonment.note": {
        "nl": "Een lokale norm van de gemeente Tilburg, die in 2014–2016 2,8–3,7% haalde.",
        "en": "A local norm of the municipality of Tilburg, which had 2.8–3.7% in 2014–2016.",
    },
    "norm.antwoord_ambition": {
        "nl": "{value} opgelost in het eerste contact",
        "en": "{value} resolved at first contact",
    },
    "norm.antwoord_ambition.note": {
        "nl": "Ambitie van het VNG-programma Antwoord voor vragen via alle kanalen (dit kengetal "
        "telt gesprekken); in 2014 haalde ongeveer 5% van de gemeenten {value}.",
        "en": "Ambition of the VNG programme Antwoord for questions by every channel (this "
        "figure counts calls); in 2014 about 5% of municipalities reached {value}.",
    },
    # --- reasons: why load_rejects holds a row (codes: pipelines.schema.REJECT_REASONS) -----------
    "reason.missing_id": {
        "nl": "Verplichte sleutel (id) ontbreekt",
        "en": "Required key (id) is missing",
    },
    "reason.missing_timestamp": {
        "nl": "Verplichte datum/tijd ontbreekt",
        "en": "Required date or timestamp is missing",
    },
    "reason.missing_value": {
        "nl": "Verplichte waarde ontbreekt",
        "en": "Required value is missing",
    },
    "reason.invalid_date": {
        "nl": "Datum/tijd onleesbaar of onmogelijk (bijv. 31-02-2024)",
        "en": "Date or timestamp unparseable or impossible (e.g. 31-02-2024)",
    },
    "reason.future_timestamp": {
        "nl": "Datum/tijd ligt meer dan een dag in de toekomst",
        "en": "Date or timestamp more than a day in the future",
    },
    "reason.implausible_date": {
        "nl": "Datum/tijd ligt voor de vroegste plausibele datum (instelling "
        "plausible.earliest_date; bijv. een jaartal in twee cijfers)",
        "en": "Date or timestamp before the earliest plausible date (setting "
        "plausible.earliest_date; e.g. a two-digit year)",
    },
    "reason.implausible_duration": {
        "nl": "Duur is langer dan plausibel (instelling plausible.max_duration_seconds)",
        "en": "Duration longer than plausible (setting plausible.max_duration_seconds)",
    },
    "reason.invalid_number": {
        "nl": "Duur is geen getal",
        "en": "Duration is not a number",
    },
    "reason.negative_duration": {
        "nl": "Duur is negatief",
        "en": "Duration is negative",
    },
    "reason.invalid_boolean": {
        "nl": "Ja/nee-waarde onbekend",
        "en": "Boolean value not recognised",
    },
    "reason.unknown_channel": {
        "nl": "Kanaal is niet web, phone of desk",
        "en": "Channel is not web, phone or desk",
    },
    "reason.wrong_field_count": {
        "nl": "Regel heeft meer of minder velden dan de kopregel (wachtrijlog: minder dan de "
        "vijf van elke gebeurtenis)",
        "en": "Line has more or fewer fields than the header (queue log: fewer than the five of "
        "every event)",
    },
    "reason.formula_error": {
        "nl": "Excel-cel met een foutwaarde uit een formule (bijv. #DEEL/0! of #N/B)",
        "en": "Excel cell holds a formula's error value (e.g. #DIV/0! or #N/A)",
    },
    "reason.duplicate_key": {
        "nl": "Zelfde sleutel komt later in hetzelfde bestand met andere inhoud terug; "
        "de laatste regel telt",
        "en": "Same key appears later in the same file with other content; the last line wins",
    },
    "reason.incomplete_call": {
        "nl": "Gesprek zonder zijn ENTERQUEUE of zijn einde in het wachtrijlog (bijv. nog in de "
        "wachtrij of in gesprek toen het log gekopieerd werd); een later, gegroeid log laadt het",
        "en": "Call without its ENTERQUEUE or its ending in the queue log (e.g. still waiting or "
        "talking when the log was copied); a later, grown log loads it",
    },
    "reason.negative_count": {
        "nl": "Aantal kleiner dan nul",
        "en": "Count below zero",
    },
    "reason.fractional_count": {
        "nl": "Aantal is geen geheel getal (bijv. 12,5)",
        "en": "Count is not a whole number (e.g. 12.5)",
    },
    "reason.handled_exceeds_offered": {
        "nl": "Meer contacten afgehandeld dan aangeboden in dezelfde maand",
        "en": "More contacts handled than offered in the same month",
    },
    "reason.invalid_json": {
        "nl": "Regel van een JSON-lines-bestand (Open Klant) is geen JSON; alleen de lengte "
        "wordt bewaard",
        "en": "Line of a JSON lines file (Open Klant) is no JSON; only its length is kept",
    },
    "reason.not_an_object": {
        "nl": "Record (Open Klant) is een JSON-waarde maar geen object (bijv. een tekst of een "
        "lijst), dus geen klantcontact",
        "en": "Record (Open Klant) is a JSON value but no object (e.g. a text or a list), so no "
        "klantcontact",
    },
    # --- quality: data-quality findings (dashboard audit page, audit pack) ------------------------
    "quality.untagged": {
        "nl": "Telefoongesprekken zonder product",
        "en": "Calls without product",
    },
    "quality.untagged_share": {
        "nl": "Aandeel gesprekken zonder product",
        "en": "Share of calls without product",
    },
    "audit.untagged_note": {
        "nl": "{calls} van de {of} telefoongesprekken in {period} hebben geen product. Ze tellen "
        "mee in de kanaalmix en bij het team dat ze aannam, maar vallen weg uit de cijfers per "
        "product, productgroep en eigenaar van het product.",
        "en": "{calls} of the {of} calls in {period} have no product. They count in the channel "
        "mix and for the team that took them, but drop out of the figures per product, product "
        "group and product owner.",
    },
    "card.unknown": {"nl": "Onbekend product", "en": "Unknown product"},
    "card.gaps": {"nl": "Lege kanaalmaanden", "en": "Empty channel months"},
    "card.unmapped_queues": {"nl": "Wachtrij zonder team", "en": "Queue without team"},
    "quality.unknown": {
        "nl": "Contacten met een product dat niet in de catalogus staat",
        "en": "Contacts with a product not in the catalogue",
    },
    "quality.unmapped_queues": {
        "nl": "Gesprekken uit wachtrijen zonder team",
        "en": "Calls from queues without a team",
    },
    "audit.unmapped_note": {
        "nl": "Het mappingbestand van het wachtrijlog geeft deze wachtrijen geen team; hun "
        "gesprekken hebben de naam van de wachtrij als team: {queues}.",
        "en": "The queue log's mapping file gives these queues no team; their calls have the "
        "queue's name as team: {queues}.",
    },
    "quality.unknown_corrections": {
        "nl": "Herstelacties met een product dat niet in de catalogus staat",
        "en": "Corrections with a product not in the catalogue",
    },
    "quality.gaps": {
        "nl": "Maanden zonder contacten in een kanaal",
        "en": "Months without contacts in a channel",
    },
    # --- load: the page Gegevens laden (functional administrator) --------------------------------
    "load.title": {"nl": "Gegevens laden", "en": "Load data"},
    "load.intro": {
        "nl": "Laad exports zoals `channelshift load` dat doet. Eerst een controle: er wordt "
        "niets opgeslagen tot u op Laden klikt. Wie kijkt, blijft intussen gewoon lezen.",
        "en": "Load exports as `channelshift load` does. A check comes first: nothing is stored "
        "until you click Load. Everyone else keeps reading meanwhile.",
    },
    "load.open": {
        "nl": "Er is geen login ingesteld: iedereen die het dashboard bereikt, kan hier gegevens "
        "laden. Stel een login in voordat het dashboard op het netwerk komt.",
        "en": "No login is configured: anyone who reaches the dashboard can load data here. "
        "Configure a login before the dashboard goes on the network.",
    },
    "load.files": {
        "nl": "Exports (CSV, Excel, Parquet, queue log, Open Klant JSON)",
        "en": "Exports (CSV, Excel, Parquet, queue log, Open Klant JSON)",
    },
    "load.limit": {
        "nl": "Hoogstens {megabytes} MB per bestand; grotere exports laadt u met `channelshift "
        "load` op de server.",
        "en": "At most {megabytes} MB per file; load larger exports with `channelshift load` on "
        "the server.",
    },
    "load.too_large": {
        "nl": "Te groot (meer dan {megabytes} MB): {files}. Er is niets gecontroleerd of "
        "opgeslagen; laad dit met `channelshift load` op de server.",
        "en": "Too large (over {megabytes} MB): {files}. Nothing was checked or stored; load "
        "it with `channelshift load` on the server.",
    },
    "load.source": {"nl": "Bron", "en": "Source"},
    "load.guessed": {"nl": "Herkend: {guesses}", "en": "Recognised: {guesses}"},
    "load.guess_preset": {
        "nl": "{source} (voorinstelling {preset})",
        "en": "{source} (preset {preset})",
    },
    "load.not_guessed": {
        "nl": "Geen bron herkend aan {files}: kies de bron en zo nodig een koppelbestand.",
        "en": "No source recognised in {files}: choose the source and, if needed, a mapping file.",
    },
    "load.one_source": {
        "nl": "De bestanden lijken van verschillende bronnen. Laad de bestanden van één bron "
        "tegelijk.",
        "en": "The files seem to come from different sources. Load the files of one source at a "
        "time.",
    },
    "load.mapping": {"nl": "Koppeling", "en": "Mapping"},
    "load.mapping.none": {"nl": "geen (standaardkoppen)", "en": "none (canonical headers)"},
    "load.mapping.upload": {"nl": "eigen koppelbestand…", "en": "own mapping file…"},
    "load.mapping_file": {"nl": "Koppelbestand (TOML)", "en": "Mapping file (TOML)"},
    "load.check": {"nl": "Controleren", "en": "Check"},
    "load.checking": {
        "nl": "Controleren op een kopie (er wordt niets opgeslagen)…",
        "en": "Checking on a copy (nothing is stored)…",
    },
    "load.preview": {
        "nl": "Controle: nog niets opgeslagen",
        "en": "Check: nothing stored yet",
    },
    "load.would_load": {"nl": "Zou laden", "en": "Would load"},
    "load.covers": {
        "nl": "Maanden en kanalen in het bestand, en welke bron daar telt",
        "en": "Months and channels in the file, and which source counts there",
    },
    "load.covers_none": {
        "nl": "Geen maanden of kanalen (catalogus of releases).",
        "en": "No months or channels (catalogue or releases).",
    },
    "load.counted": {"nl": "Telt uit", "en": "Counted from"},
    "load.not_counted": {
        "nl": "In {months} maand(en) telt een andere bron (volgorde `sources` in de "
        "instellingen): deze regels worden opgeslagen, maar tellen daar niet mee.",
        "en": "In {months} month(s) another source counts (the settings' `sources` order): "
        "these rows are stored but do not count there.",
    },
    "load.rejects": {
        "nl": "Geweigerde regels (de eerste per reden, gemaskeerd)",
        "en": "Rejected rows (the first per reason, masked)",
    },
    "load.raw_line": {"nl": "Regel in het bestand", "en": "Line in the file"},
    "load.line": {"nl": "Regelnummer", "en": "Line number"},
    "load.column": {"nl": "Kolom", "en": "Column"},
    "load.value": {"nl": "Waarde", "en": "Value"},
    "load.load": {"nl": "Laden", "en": "Load"},
    "load.loading": {"nl": "Laden…", "en": "Loading…"},
    "load.loading_file": {
        "nl": "Bestand {done} van {of}: {file}",
        "en": "File {done} of {of}: {file}",
    },
    "load.loading_marts": {"nl": "De cijfers bijwerken…", "en": "Updating the figures…"},
    "load.done": {
        "nl": "Geladen in run {runs}. Alle pagina's tonen de nieuwe cijfers.",
        "en": "Loaded in run {runs}. Every page shows the new figures.",
    },
    "load.done_failed": {
        "nl": "Niet alles is geladen: zie de status per bestand. Een mislukt bestand is in zijn "
        "geheel niet opgeslagen.",
        "en": "Not everything loaded: see the status per file. A file that failed stored nothing "
        "at all.",
    },
    "load.problem": {
        "nl": "Laden kan nu niet: {problem}",
        "en": "Cannot load now: {problem}",
    },
    # --- actions: the record of who did what (the audit page and the pack) ----------------------
    "audit.actions": {"nl": "Handelingen", "en": "Record of actions"},
    "audit.actions_note": {
        "nl": "Wie in de auditperiode inlogde, gegevens laadde of een bestand downloadde. Het "
        "dashboard voegt alleen regels toe; niemand kan ze hier wijzigen.",
        "en": "Who logged in, loaded data or downloaded a file in the audit period. The "
        "dashboard only adds lines; nobody can change them here.",
    },
    "audit.no_actions": {
        "nl": "Geen handelingen in deze periode.",
        "en": "No actions in this period.",
    },
    "actions.at": {"nl": "Tijdstip", "en": "At"},
    "actions.action": {"nl": "Handeling", "en": "Action"},
    "actions.name": {"nl": "Naam", "en": "Name"},
    "actions.subject": {"nl": "Gebruiker (sub)", "en": "User (sub)"},
    "actions.what": {"nl": "Wat", "en": "What"},
    "actions.run_id": {"nl": "Run", "en": "Run"},
    "action.login": {"nl": "ingelogd", "en": "logged in"},
    "action.load": {"nl": "geladen", "en": "loaded"},
    "action.briefing": {"nl": "raadsbrief gedownload", "en": "briefing downloaded"},
    "action.audit_pack": {"nl": "auditpakket gedownload", "en": "audit pack downloaded"},
    "action.csv": {"nl": "CSV gedownload", "en": "CSV downloaded"},
    "action.png": {"nl": "grafiek gedownload", "en": "chart downloaded"},
    "pack.sheet.actions": {"nl": "Handelingen", "en": "Actions"},
    "pack.table.actions": {
        "nl": "Handelingen in de auditperiode",
        "en": "Actions in the audit period",
    },
    "pack.note.actions": {
        "nl": "Uit het handelingenlogboek naast de database (alleen aanvullen; docs/access.md): "
        "inloggen, laden (met run) en downloads in de auditperiode. Tijden zijn lokale tijd "
        "(Europe/Amsterdam).",
        "en": "From the record of actions beside the database (append only; docs/access.md): "
        "logins, loads (with their run) and downloads in the audit period. Times are local "
        "(Europe/Amsterdam).",
    },
}


def text(key: str, lang: str, **values: object) -> str:
    """Return the text for a key in a language, with {placeholders} filled in."""
    return TEXTS[key][lang].format(**values)
