"""CSV and XLSX from rows, for every list that offers an export."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# A cell a spreadsheet would run as a formula (=HYPERLINK(...), +cmd|...): text a buyer typed must
# stay text when staff open the export (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _csv_cell(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, str) and v.startswith(_FORMULA_START) and not _is_number(v):
        return "'" + v  # Excel shows the text and hides the quote
    return v


def local_time(iso: str, fmt: str) -> datetime | str:
    """A time already in the store's zone, to the second: a date a workbook can sort, or CSV text."""
    local = datetime.fromisoformat(iso).replace(tzinfo=None, microsecond=0)
    return local if fmt == "xlsx" else local.isoformat(sep=" ")


def to_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([_csv_cell(h) for h in headers])
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    # A BOM so that Excel opens Chinese text correctly.
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(headers: Sequence[str], rows: Iterable[Sequence[Any]], title: str = "export") -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=title[:31])

    def cell(v: Any) -> Any:
        if isinstance(v, str):
            v = ILLEGAL_CHARACTERS_RE.sub("", v)  # control characters a worksheet cannot hold
        if isinstance(v, str) and v.startswith("="):
            text = WriteOnlyCell(ws, value=v)
            text.data_type = "s"  # openpyxl would store it as a formula
            return text
        if isinstance(v, Decimal | datetime):  # yuan to the fen; a time to the second
            shown = WriteOnlyCell(ws, value=float(v) if isinstance(v, Decimal) else v)  # a cell holds a double
            shown.number_format = "0.00" if isinstance(v, Decimal) else "yyyy-mm-dd hh:mm:ss"
            return shown
        return "" if v is None else v

    ws.append([cell(h) for h in headers])
    for row in rows:
        ws.append([cell(v) for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def render(fmt: str, headers: Sequence[str], rows: list[Sequence[Any]], title: str) -> tuple[bytes, str, str]:
    """(body, media type, file name) for fmt 'csv' or 'xlsx'."""
    if fmt == "xlsx":
        return to_xlsx(headers, rows, title), XLSX_TYPE, f"{title}.xlsx"
    return to_csv(headers, rows), CSV_TYPE, f"{title}.csv"
