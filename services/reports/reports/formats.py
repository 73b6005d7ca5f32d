"""Tables as files officials open: CSV (UTF-8 with a BOM, so Excel reads "ā" and "≤" right)
and XLSX (openpyxl). One table, one sheet; several tables make a workbook."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("json", "csv", "xlsx")


@dataclass(frozen=True)
class Sheet:
    title: str  # the sheet's name (31 characters at most, as Excel allows)
    headers: list[str]
    rows: list[list[Any]]
    caption: str = ""  # one line above the table: what it is, the period, the time zone


def to_csv(sheet: Sheet) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    if sheet.caption:
        writer.writerow([sheet.caption])
    writer.writerow(sheet.headers)
    writer.writerows(["" if cell is None else cell for cell in row] for row in sheet.rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(sheets: Sequence[Sheet]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        ws = book.create_sheet(_safe_title(sheet.title))
        if sheet.caption:
            ws.append([sheet.caption])
            ws.cell(row=1, column=1).font = Font(bold=True)
        ws.append(sheet.headers)
        header_row = ws.max_row
        for cell in ws[header_row]:
            cell.font = Font(bold=True)
        for row in sheet.rows:
            ws.append(row)
        ws.freeze_panes = ws.cell(row=header_row + 1, column=2)
        for index, title in enumerate(sheet.headers, start=1):
            ws.column_dimensions[ws.cell(row=header_row, column=index).column_letter].width = min(
                max(len(str(title)), 10) + 2, 40
            )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _safe_title(title: str) -> str:
    for bad in "[]:*?/\\":
        title = title.replace(bad, "-")
    return title[:31] or "Sheet"


def render(sheets: Sequence[Sheet], fmt: str) -> tuple[bytes, str, str]:
    """(body, content type, file extension). CSV holds one table: the first."""
    if fmt == "xlsx":
        return to_xlsx(sheets), XLSX, "xlsx"
    return to_csv(sheets[0]), CSV, "csv"
