"""The flow figures as files: CSV (UTF-8, comma-separated) and an Excel workbook (.xlsx).

Both hold the same rows as the page: one per figure, with the section it belongs to,
and a sheet (or section) "verantwoording" stating the period, the municipalities and
what was left out of which figure.
"""
from __future__ import annotations

import csv
import io

from openpyxl import Workbook

HOUR = 3600.0

COUNT_HEADER = ["onderdeel", "categorie", "aantal"]
STEP_HEADER = ["stap", "bpmn_id", "afgerond", "mediaan_uren", "p90_uren", "met_deadline", "binnen_deadline",
               "aandeel_binnen_deadline"]


def _cell(value):
    """A text that a spreadsheet would take for a formula gets a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / HOUR, 2)


def _share(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def count_rows(data: dict) -> list[list]:
    """(section, category, count) for every count on the figures page."""
    rows = [["signalen", "ontvangen", data["ontvangen"]],
            ["signalen", "afgesloten", data["status"]["afgerond"]],
            ["signalen", "lopend", data["status"]["lopend"]],
            ["signalen", "acute nood", data["acute_nood"]],
            ["signalen", "acuut, 112 nog niet gebeld", data["acuut_niet_gebeld"]],
            ["signalen", "minderjarige betrokken", data["met_minderjarige"]]]
    for section, key in (("uitkomst", "uitkomsten"), ("route", "routes"), ("uitbuitingsvorm", "vormen"),
                         ("sector", "sectoren"), ("minderjarige", "minderjarig")):
        rows.extend([section, item["naam"], item["aantal"]] for item in data[key])
    rows.extend(care_rows(data["zorg"]))
    return rows


def care_rows(care: dict) -> list[list]:
    """The care figures (counts only; 1 to 4 as "<5"): started, ended, duration, shelter, reflection, CoMensha."""
    duur = care["duur"]
    rows = [["zorgtraject", "gestart", care["gestart"]],
            ["zorgtraject", "beëindigd", care["beeindigd"]],
            ["zorgtraject", "duur mediaan (dagen)", _days(duur["mediaan_s"])],
            ["zorgtraject", "duur p90 (dagen)", _days(duur["p90_s"])]]
    rows.extend(["zorgtraject uitkomst", item["naam"], item["aantal"]] for item in care["uitkomsten"])
    rows.extend(["opvang", item["naam"], item["aantal"]] for item in care["opvang"])
    rows.extend([["bedenktijd", "gestart", care["bedenktijd_gestart"]],
                 ["bedenktijd", "beëindigd", care["bedenktijd_beeindigd"]]])
    rows.extend(["bedenktijd afloop", item["naam"], item["aantal"]] for item in care["bedenktijd_afloop"])
    rows.append(["CoMensha", "registraties gemeld", care["comensha_gemeld"]])
    return rows


def _days(seconds: float | None) -> float | str:
    return "" if seconds is None else round(seconds / 86400.0, 1)


def step_rows(data: dict) -> list[list]:
    rows = [[s["naam"], s["bpmn_id"], s["aantal"], _hours(s["mediaan_s"]), _hours(s["p90_s"]), s["met_deadline"],
             s["binnen_deadline"], _share(s["aandeel_binnen"])] for s in data["stappen"]]
    e2e = data["doorlooptijd"]
    total = data["binnen_deadline"]
    rows.append(["Van ontvangst tot afsluiten (signaal)", "", e2e["aantal"], _hours(e2e["mediaan_s"]),
                 _hours(e2e["p90_s"]), "", "", ""])
    rows.append(["Alle stappen samen", "", sum(s["aantal"] for s in data["stappen"]), "", "", total["met_deadline"],
                 total["binnen"], _share(total["aandeel"])])
    return rows


def accounting_rows(data: dict) -> list[list]:
    """What the figures cover and what they leave out."""
    left_out = data["uitgesloten"]
    return [
        ["periode", f"{data['periode']['van']} t/m {data['periode']['tot']}"],
        ["gemeenten", ", ".join(data["gemeenten"])],
        ["telling signalen", "signalen ontvangen in de periode"],
        ["doorlooptijd per stap", "taken afgerond in de periode (van klaarzetten tot afronden)"],
        ["doorlooptijd van begin tot eind", "signalen afgesloten in de periode (van ontvangst tot afsluiten)"],
        ["niet in doorlooptijden: vervallen taken", left_out["vervallen_taken"]],
        ["niet in aandeel binnen deadline: taken zonder deadline", left_out["taken_zonder_deadline"]],
        ["niet in doorlooptijd begin tot eind: nog lopende signalen", left_out["lopende_signalen"]],
        ["geanonimiseerde signalen (wel meegeteld)", data["geanonimiseerd"]],
        ["zorgtrajecten", "alleen aantallen; 1 tot 4 als '<5'; duur pas vanaf 5 beëindigde trajecten; "
                          "de stappen van een zorgtraject staan niet bij de doorlooptijden per stap"],
    ]


def figures_csv(data: dict) -> bytes:
    """One CSV with three blocks (counts, lead times, accounting), separated by an empty line.

    Starts with a UTF-8 byte order mark so that spreadsheet programs read the accents right.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COUNT_HEADER)
    writer.writerows([_cell(v) for v in row] for row in count_rows(data))
    writer.writerow([])
    writer.writerow(STEP_HEADER)
    writer.writerows([_cell(v) for v in row] for row in step_rows(data))
    writer.writerow([])
    writer.writerow(["verantwoording", "waarde"])
    writer.writerows([_cell(v) for v in row] for row in accounting_rows(data))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def figures_xlsx(data: dict) -> bytes:
    """An Excel workbook with the sheets Aantallen, Doorlooptijden and Verantwoording."""
    book = Workbook(write_only=True)
    for title, header, rows in (("Aantallen", COUNT_HEADER, count_rows(data)),
                                ("Doorlooptijden", STEP_HEADER, step_rows(data)),
                                ("Verantwoording", ["onderwerp", "waarde"], accounting_rows(data))):
        sheet = book.create_sheet(title)
        sheet.append(header)
        for row in rows:
            sheet.append([None if v is None else _cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
