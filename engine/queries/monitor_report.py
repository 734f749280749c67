"""The half-yearly monitoring report as an Excel workbook, and the accounting both files carry.

In the shape of the Achterhoek monitoring (Uitvoeringsplan 2024-2025, "Monitoring"): the nature
and size of what is reported (signals by source, department, form, sector, route and outcome),
Veilig Thuis's registrations, the care trajectories and their duration, and CoMensha's
registrations — per municipality and for the region, per quarter and for the half-year. The
values are the monitor's as shown (:func:`engine.queries.monitor.monitor`): already suppressed,
so no count of 1 to 4 is in the file as a number. The PDF is drawn from the same data by the web
layer (one template).
"""
from __future__ import annotations

import io

from openpyxl import Workbook

from .figures_export import _cell as text_cell  # a text a spreadsheet would take for a formula, defused
from .suppression import HIDDEN, LESS_THAN, SMALL

DAY = 86400.0

SECTIONS = (
    ("1. Aard en omvang van de meldingen", ("signalen", "bron", "afdeling", "vorm", "sector")),
    ("2. Route en uitkomst", ("route", "uitkomst")),
    ("3. Veilig Thuis (meldpunt mensenhandel)", ("veilig_thuis",)),
    ("4. Hulpverleningstrajecten en CoMensha", ("zorg",)),
)


def accounting(data: dict) -> list[tuple[str, str]]:
    """What the report covers and how it protects small numbers."""
    half = data["perioden"][-1]
    return [
        ("Regio", data["regio"]["naam"]),
        ("Periode", f"{half['naam']} ({half['van']} tot en met {half['tot']}), met beide kwartalen"),
        ("Gemeenten", ", ".join(c["naam"] for c in data["kolommen"][:-1])),
        ("Geanonimiseerd", "Alleen aantallen en doorlooptijden; geen persoonsgegevens, geen signalen of zaken."),
        (LESS_THAN, f"Een aantal van 1 tot en met {SMALL - 1} wordt niet getoond."),
        (HIDDEN, "Verborgen omdat anders een klein aantal terug te rekenen is uit een totaal (secundaire "
                 "onderdrukking, over gemeenten, kwartalen en tabellen samen)."),
        ("Doorlooptijden", f"Mediaan, alleen over {SMALL} of meer afgeronde stappen of beëindigde trajecten; "
                           "de stappen van een zorgtraject tellen niet mee bij de stappen."),
        ("Telling", "Signalen ontvangen in de periode; stappen afgerond in de periode; zorgtrajecten gestart of "
                    "beëindigd in de periode; CoMensha-registraties gemeld in de periode."),
    ]


def _days(seconds: float | None):
    return None if seconds is None else round(seconds / DAY, 1)


def report_xlsx(data: dict) -> bytes:
    """The workbook: per period (both quarters, then the half-year) one sheet, and a sheet Verantwoording."""
    book = Workbook(write_only=True)
    header = ["", *(text_cell(c["naam"]) for c in data["kolommen"])]
    tables = {t["sleutel"]: t for t in data["tabellen"]}
    for period in data["perioden"]:
        sheet = book.create_sheet(period["naam"][:31])
        sheet.append([f"Monitoring mensenhandel {data['regio']['naam']}: {period['naam']}"])
        for section, keys in SECTIONS:
            sheet.append([])
            sheet.append([section])
            for key in keys:
                table = tables[key]
                sheet.append([table["titel"]])
                sheet.append(header)
                for row in table["rijen"]:
                    sheet.append([text_cell(row["naam"]), *row["cellen"][period["sleutel"]]])
        sheet.append([])
        sheet.append(["Duur zorgtrajecten, mediaan (dagen)"])
        sheet.append(header)
        sheet.append(["Beëindigde zorgtrajecten", *(_days(v) for v in data["zorgduur"][period["sleutel"]])])
        sheet.append([])
        sheet.append(["5. Doorlooptijd per stap, mediaan (dagen)"])
        sheet.append(header)
        for step in data["doorlooptijden"]:
            sheet.append([text_cell(step["naam"]), *(_days(v) for v in step["cellen"][period["sleutel"]])])
    sheet = book.create_sheet("Verantwoording")
    for subject, text in accounting(data):
        sheet.append([text_cell(subject), text_cell(text)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
