"""`shouhou import orders FILE.csv|FILE.xlsx`: all or nothing, errors by spreadsheet row."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from shouhou.models import Order, OrderLine, Shipment
from tests.builders import run_cli

HEADER = ["store", "order_no", "customer_external_id", "customer_name", "channel", "placed_at", "paid_at",
          "payment_method", "payment_amount", "shipping_fee", "discount", "free_shipping", "line_no", "sku",
          "name", "category", "qty", "unit_price", "tags", "serials", "carrier", "tracking_no", "shipped_at",
          "signed_at"]
# Two orders: I1 with two lines (order columns but store and order_no left blank on its second row), I2 with one.
ROWS = [
    ["S1", "I1", "u1001", "张三", "online", "2026-11-01 10:00:00", "2026-11-01 10:01:00", "alipay", "188.00",
     "10.00", "20.00", "", "1", "TSHIRT-M", "T恤 M码", "apparel", "1", "99.00", "", "", "SF", "SF1",
     "2026-11-02 09:00:00", "2026-11-03 18:00:00"],
    ["S1", "I1", "", "", "", "", "", "", "", "", "", "", "2", "TSHIRT-L", "T恤 L码", "apparel", "1", "99.00", "", "",
     "", "", "", ""],
    ["S1", "I2", "u1002", "李四", "phone", "2026-11-05T08:30:00+08:00", "", "wechat", "2999.00", "0", "0", "包邮",
     "1", "WM-10KG", "洗衣机", "appliance", "1", "2999.00", "sanbao|installation_required", "SN1", "", "", "",
     ""],
]


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8-sig") as f:
        csv.writer(f).writerows([HEADER, *rows])
    return path


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def orders(world) -> dict[str, tuple]:
    with world.db.session() as s:
        rows = s.scalars(select(Order).order_by(Order.order_no)).all()
        return {o.order_no: (o.payment_amount_fen, o.placed_at, o.free_shipping,
                             s.scalars(select(OrderLine.sku).where(OrderLine.order_id == o.id)
                                       .order_by(OrderLine.line_no)).all()) for o in rows}


@pytest.fixture
def store(world):
    world.store("S1")
    return world


class TestImportOrders:
    def test_it_imports_a_good_csv(self, store, db, tmp_path):
        # when a good file is imported
        result = run_cli(db.url, "import", "orders", str(write_csv(tmp_path / "orders.csv", ROWS)))
        # then every order is stored, times read in the store's zone, lines grouped by order
        assert result.exit_code == 0, result.output
        assert "imported 2 order(s); 0 already present" in result.output
        got = orders(store)
        assert got["I1"] == (18800, datetime.fromisoformat("2026-11-01T02:00:00+00:00"), False,
                             ["TSHIRT-M", "TSHIRT-L"])
        assert got["I2"][0] == 299900 and got["I2"][2] is True
        with store.db.session() as s:
            assert s.scalars(select(Shipment.tracking_no)).all() == ["SF1"]
            assert s.scalars(select(OrderLine.tags).where(OrderLine.sku == "WM-10KG")).one() == [
                "installation_required", "sanbao"]

    def test_it_changes_nothing_when_imported_again(self, store, db, tmp_path):
        path = write_csv(tmp_path / "orders.csv", ROWS)
        run_cli(db.url, "import", "orders", str(path))
        before = orders(store)
        again = run_cli(db.url, "import", "orders", str(path))
        assert again.exit_code == 0
        assert "imported 0 order(s); 2 already present and unchanged" in again.output
        assert orders(store) == before

    def test_it_imports_an_xlsx_made_with_openpyxl(self, store, db, tmp_path):
        # given a workbook with real numbers and dates in the cells
        rows = [[*r] for r in ROWS]
        rows[0][5] = datetime(2026, 11, 1, 10, 0)
        rows[0][8], rows[0][9], rows[0][10] = 188, 10, 20
        rows[0][16], rows[0][17] = 1, 99
        rows[1][12], rows[1][16], rows[1][17] = 2, 1, 99.0
        result = run_cli(db.url, "import", "orders", str(write_xlsx(tmp_path / "orders.xlsx", rows)))
        assert result.exit_code == 0, result.output
        got = orders(store)
        assert got["I1"] == (18800, datetime.fromisoformat("2026-11-01T02:00:00+00:00"), False,
                             ["TSHIRT-M", "TSHIRT-L"])
        assert set(got) == {"I1", "I2"}

    @pytest.mark.parametrize(("row", "column", "value", "expected"), [
        (3, "qty", "two", "row 3"),  # the second line row of I1
        (4, "unit_price", "2999.001", "row 4 [lines.0.unit_price]"),
        (2, "payment_amount", "190.00", "row 2"),
        (4, "tags", "sanbao|bogus", "row 4"),
        (3, "channel", "tv", "row 3 [channel]"),
        # what the API refuses: a bidi override, a control character, a zero-width space in a serial
        (3, "name", "T恤\u202eL码", "row 3 [lines.1.name]"),
        (2, "customer_name", "张\x01三", "row 2 [customer.name]"),
        (4, "serials", "SN1|SN\u200b2", "row 4 [lines.0.serials.1]"),
    ])
    def test_it_reports_the_bad_row_and_imports_nothing(self, store, db, tmp_path, row, column, value, expected):
        # given a file where one row is wrong (the header is row 1)
        rows = [[*r] for r in ROWS]
        rows[row - 2][HEADER.index(column)] = value
        # when it is imported
        result = run_cli(db.url, "import", "orders", str(write_csv(tmp_path / "bad.csv", rows)))
        # then the command names that row, fails, and no order of the file was stored
        assert result.exit_code == 2
        assert expected in result.output, result.output
        assert "1 error(s); nothing imported" in result.output
        assert orders(store) == {}

    def test_it_refuses_a_file_without_required_columns(self, store, db, tmp_path):
        path = tmp_path / "thin.csv"
        path.write_text("store,order_no\nS1,X1\n", encoding="utf-8")
        result = run_cli(db.url, "import", "orders", str(path))
        assert result.exit_code == 2 and "row 1: missing columns: customer_external_id" in result.output

    def test_it_refuses_another_file_type(self, store, db, tmp_path):
        path = tmp_path / "orders.json"
        path.write_text("[]", encoding="utf-8")
        result = run_cli(db.url, "import", "orders", str(path))
        assert result.exit_code == 2 and "unsupported_file" in result.output

    def test_it_reads_a_csv_saved_as_gbk(self, store, db, tmp_path):
        # given the file Excel on Chinese Windows saves as "CSV": GBK, no BOM, Chinese names inside
        path = tmp_path / "gbk.csv"
        with path.open("w", newline="", encoding="gbk") as f:
            csv.writer(f).writerows([HEADER, *ROWS])
        result = run_cli(db.url, "import", "orders", str(path))
        assert result.exit_code == 0, result.output
        assert set(orders(store)) == {"I1", "I2"}
        with store.db.session() as s:
            assert s.scalars(select(OrderLine.name).where(OrderLine.sku == "WM-10KG")).one() == "洗衣机"

    @pytest.mark.parametrize(("name", "content", "says"), [
        ("orders.xlsx", b"not a workbook", "orders.xlsx is not a readable Excel workbook"),
        ("orders.csv", bytes(range(0x80, 0x100)) * 4, "orders.csv is neither UTF-8 nor GBK text"),
    ])
    def test_it_refuses_a_file_it_cannot_read_by_name(self, store, db, tmp_path, name, content, says):
        path = tmp_path / name
        path.write_bytes(content)
        result = run_cli(db.url, "import", "orders", str(path), SHOUHOU_DEFAULT_LANGUAGE="en")
        assert result.exit_code == 2 and "unreadable_file" in result.output and says in result.output, result.output
        assert orders(store) == {}
