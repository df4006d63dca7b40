"""CSV and XLSX from rows, for every list that offers an export."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def to_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    # A BOM so that Excel opens Chinese text correctly.
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(headers: Sequence[str], rows: Iterable[Sequence[Any]], title: str = "export") -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=title[:31])
    ws.append(list(headers))
    for row in rows:
        ws.append(["" if v is None else v for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def render(fmt: str, headers: Sequence[str], rows: list[Sequence[Any]], title: str) -> tuple[bytes, str, str]:
    """(body, media type, file name) for fmt 'csv' or 'xlsx'."""
    if fmt == "xlsx":
        return to_xlsx(headers, rows, title), XLSX_TYPE, f"{title}.xlsx"
    return to_csv(headers, rows), CSV_TYPE, f"{title}.csv"
