"""Exports: what a buyer typed stays text when staff open the file in a spreadsheet."""

from __future__ import annotations

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from shouhou.exports import to_csv, to_xlsx

ATTACKS = ['=HYPERLINK("http://evil.example","点我退款")', "=1+2", "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|'/C calc'!A0",
           "-2+3+cmd|' /C calc'!A0", "\t=1+2"]


def csv_cells(body: bytes) -> list[str]:
    return [row[0] for row in csv.reader(io.StringIO(body.decode("utf-8-sig")))][1:]


def xlsx_cells(body: bytes) -> list[tuple[object, str]]:
    ws = load_workbook(io.BytesIO(body)).active
    return [(row[0].value, row[0].data_type) for row in ws.iter_rows(min_row=2)]


def test_a_formula_typed_by_a_buyer_is_quoted_in_csv():
    assert csv_cells(to_csv(["subject"], [[a] for a in ATTACKS])) == ["'" + a for a in ATTACKS]


def test_a_formula_typed_by_a_buyer_is_a_string_in_xlsx():
    assert xlsx_cells(to_xlsx(["subject"], [[a] for a in ATTACKS])) == [(a, "s") for a in ATTACKS]


def test_numbers_and_plain_text_are_left_as_they_are():
    values = ["-12.50", "+3", "199.00", "退货退款", "SF1234", ""]
    assert csv_cells(to_csv(["v"], [[v] for v in values])) == values
    assert [v for v, _ in xlsx_cells(to_xlsx(["v"], [[v] for v in [*values[:-1], 7]]))] == [*values[:-1], 7]


@given(st.text(min_size=1, max_size=40).filter(lambda t: "\r" not in t and "\x00" not in t))
def test_any_text_comes_back_as_text_and_never_starts_a_formula(text):
    (got,) = csv_cells(to_csv(["v"], [[text]]))
    assert got in (text, "'" + text)
    assert not got.startswith(("=", "+", "@", "\t")) or (got == text and _number(text))


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@settings(deadline=None)  # a workbook takes ~10 ms to write and read back, more on a busy machine
@given(st.text(min_size=1, max_size=40))
def test_any_text_goes_into_a_workbook_as_text(text):
    ((got, kind),) = xlsx_cells(to_xlsx(["v"], [[text]]))
    # XML reads every line end (\r\n, lone \r) back as \n
    kept = "".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 32).replace("\r\n", "\n").replace("\r", "\n")
    assert kind != "f" and (got or "") == kept


def test_control_characters_are_dropped_from_a_workbook():
    assert xlsx_cells(to_xlsx(["v"], [["退货\x01原因\x0b"]])) == [("退货原因", "s")]
