"""Import orders from CSV or XLSX: one row per order line; all or nothing.

Order-level columns may be repeated on every line row or left blank after the first
row of an order; a repeated value that differs is an error. Times without an offset are
read in the store's time zone. Errors name the spreadsheet row (header = row 1).
"""

from __future__ import annotations

import csv
import io
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zipfile import BadZipFile
from zoneinfo import ZoneInfo

from openpyxl.utils.exceptions import InvalidFileException
from pydantic import ValidationError

from shouhou.accounts.service import all_stores
from shouhou.engine.context import Ctx
from shouhou.errors import Invalid, ShouhouError
from shouhou.fields import BLANK
from shouhou.orders.schemas import OrderIn
from shouhou.orders.service import push_order

ORDER_COLUMNS = ("store", "order_no", "customer_external_id", "customer_name", "customer_phone",
                 "customer_level", "customer_address", "channel", "placed_at", "paid_at", "payment_method",
                 "payment_amount", "shipping_fee", "free_shipping", "discount", "coupon", "red_packet",
                 "points", "invoice_at", "completed_at")
LINE_COLUMNS = ("line_no", "sku", "name", "category", "qty", "unit_price", "line_discount", "bundle", "tags",
                "warranty_months", "serials")
SHIPMENT_COLUMNS = ("carrier", "tracking_no", "shipped_at", "delivered_at", "signed_at")
COLUMNS = ORDER_COLUMNS + LINE_COLUMNS + SHIPMENT_COLUMNS
REQUIRED = ("store", "order_no", "customer_external_id", "channel", "placed_at", "payment_method",
            "payment_amount", "line_no", "sku", "name", "qty", "unit_price")
TIME_COLUMNS = {"placed_at", "paid_at", "invoice_at", "completed_at", "shipped_at", "delivered_at", "signed_at"}


@dataclass
class ImportResult:
    created: int = 0
    unchanged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def read_rows(path: Path) -> list[dict[str, str]]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows = list(csv.DictReader(io.StringIO(_decoded(path))))
    elif suffix in (".xlsx", ".xlsm"):
        try:
            rows = _xlsx_rows(path)
        except (BadZipFile, InvalidFileException, KeyError, OSError):
            raise Invalid("unreadable_file", en="{file} is not a readable Excel workbook",
                          zh="{file} 不是可读取的 Excel 工作簿", file=path.name) from None
    else:
        raise Invalid("unsupported_file", en="Import reads .csv or .xlsx files; {file} is neither",
                      zh="仅支持 .csv 或 .xlsx 文件，{file} 不是", file=path.name, suffix=suffix)
    # Spaces around a cell go; a control character there is refused as the API refuses it, not dropped.
    return [{(k or "").strip(): ("" if v is None else str(v).strip(BLANK)) for k, v in r.items()} for r in rows]


def _decoded(path: Path) -> str:
    """UTF-8 (with or without BOM), else GB18030: Excel on Chinese Windows saves CSV as GBK."""
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Invalid("unreadable_file", en="{file} is neither UTF-8 nor GBK text",
                  zh="{file} 既不是 UTF-8 也不是 GBK 编码的文本", file=path.name)


def _xlsx_rows(path: Path) -> list[dict[str, str]]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    ws = wb.worksheets[0]
    it = ws.iter_rows(values_only=True)
    header = [str(h or "").strip() for h in next(it, ())]
    out = []
    for values in it:
        if values is None or all(v is None or str(v).strip() == "" for v in values):
            continue
        out.append({h: _cell(v) for h, v in zip(header, values, strict=False) if h})
    wb.close()
    return out


def _cell(v: Any) -> str:
    if isinstance(v, datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return "" if v is None else str(v)


def import_orders(ctx: Ctx, path: Path) -> ImportResult:
    """Validate every row, then push every order. The caller commits only if `ok`."""
    rows = read_rows(path)
    result = ImportResult()
    if not rows:
        result.errors.append({"row": 1, "message": "the file has no data rows"})
        return result
    missing = [c for c in REQUIRED if c not in rows[0]]
    if missing:
        result.errors.append({"row": 1, "message": f"missing columns: {', '.join(missing)}"})
        return result
    zones = {s.code: ZoneInfo(s.timezone) for s in all_stores(ctx.session)}
    for row_numbers, doc in _group(rows, zones, result):
        try:
            body = OrderIn.model_validate(doc)
        except ValidationError as exc:
            for e in exc.errors():
                result.errors.append({"row": _row_for(e["loc"], row_numbers), "field": ".".join(map(str, e["loc"])),
                                      "type": e["type"], "message": e["msg"]})
            continue
        try:
            _, created = push_order(ctx, body)
        except ShouhouError as exc:
            result.errors.append({"row": row_numbers[0], "code": exc.code, "message": exc.message(ctx.lang)})
            continue
        if created:
            result.created += 1
        else:
            result.unchanged += 1
    result.errors.sort(key=lambda e: e["row"])
    return result


def _row_for(loc: tuple, row_numbers: list[int]) -> int:
    if len(loc) >= 2 and loc[0] == "lines" and isinstance(loc[1], int) and loc[1] < len(row_numbers):
        return row_numbers[loc[1]]
    return row_numbers[0]


def _group(rows: list[dict[str, str]], zones: dict[str, ZoneInfo],
           result: ImportResult) -> list[tuple[list[int], dict[str, Any]]]:
    orders: OrderedDict[tuple[str, str], tuple[list[int], dict[str, Any]]] = OrderedDict()
    for i, row in enumerate(rows, start=2):
        key = (row.get("store", ""), row.get("order_no", ""))
        if not all(key):
            result.errors.append({"row": i, "message": "store and order_no are required on every row"})
            continue
        if key not in orders:
            orders[key] = ([], {"_order": {c: row.get(c, "") for c in ORDER_COLUMNS}, "lines": [],
                                "shipments": OrderedDict()})
        numbers, acc = orders[key]
        numbers.append(i)
        for c in ORDER_COLUMNS:
            value = row.get(c, "")
            if value and acc["_order"][c] and value != acc["_order"][c]:
                result.errors.append({"row": i, "field": c,
                                      "message": f"{c} differs from the order's first row ({acc['_order'][c]!r})"})
            elif value and not acc["_order"][c]:
                acc["_order"][c] = value
        acc["lines"].append(row)
        if row.get("tracking_no"):
            acc["shipments"].setdefault(row["tracking_no"], (i, row))
    out = []
    for numbers, acc in orders.values():
        try:
            out.append((numbers, _document(acc, zones.get(acc["_order"]["store"], ZoneInfo("Asia/Shanghai")),
                                           numbers)))
        except ValueError as exc:
            result.errors.append({"row": getattr(exc, "row", numbers[0]), "message": str(exc)})
    return out


class RowError(ValueError):
    """A bad value in a line or shipment column: reported at its own row, not the order's first."""

    def __init__(self, row: int, message: str) -> None:
        super().__init__(message)
        self.row = row


def _on_row(row: int, convert: Any, *args: Any) -> Any:
    try:
        return convert(*args)
    except RowError:
        raise
    except ValueError as exc:
        raise RowError(row, str(exc)) from None


def _document(acc: dict[str, Any], tz: ZoneInfo, numbers: list[int]) -> dict[str, Any]:
    o = acc["_order"]
    t = lambda v: _time(v, tz)  # noqa: E731
    doc: dict[str, Any] = {
        "order_no": o["order_no"], "store": o["store"],
        "customer": {"external_id": o["customer_external_id"], "name": o["customer_name"],
                     "phone": o["customer_phone"], "level": o["customer_level"],
                     "address": o["customer_address"]},
        "channel": o["channel"], "placed_at": t(o["placed_at"]), "paid_at": t(o["paid_at"]),
        "payment": {"method": o["payment_method"], "amount": o["payment_amount"]},
        "shipping_fee": o["shipping_fee"] or "0", "free_shipping": _bool(o["free_shipping"]),
        "discount": o["discount"] or "0", "coupon": o["coupon"] or "0", "red_packet": o["red_packet"] or "0",
        "points": o["points"] or "0", "invoice_at": t(o["invoice_at"]), "completed_at": t(o["completed_at"]),
        "lines": [_on_row(n, _line, r) for n, r in zip(numbers, acc["lines"], strict=True)],
        "shipments": [_on_row(n, _shipment, r, tz) for n, r in acc["shipments"].values()],
    }
    return doc


def _line(r: dict[str, str]) -> dict[str, Any]:
    return {
        "line_no": _int(r.get("line_no"), "line_no"), "sku": r.get("sku", ""), "name": r.get("name", ""),
        "category": r.get("category", ""), "qty": _int(r.get("qty"), "qty"), "unit_price": r.get("unit_price", ""),
        "discount": r.get("line_discount") or "0", "bundle": r.get("bundle") or None,
        "tags": _list(r.get("tags")), "warranty_months": _int(r.get("warranty_months") or "0", "warranty_months"),
        "serials": _list(r.get("serials")),
    }


def _shipment(r: dict[str, str], tz: ZoneInfo) -> dict[str, Any]:
    return {"carrier": r.get("carrier", ""), "tracking_no": r["tracking_no"],
            "shipped_at": _time(r.get("shipped_at", ""), tz), "delivered_at": _time(r.get("delivered_at", ""), tz),
            "signed_at": _time(r.get("signed_at", ""), tz)}


def _time(value: str, tz: ZoneInfo) -> str | None:
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value.replace("/", "-"))
    except ValueError:
        raise ValueError(f"{value!r} is not a date-time (use 2026-11-01 10:00:00 or ISO 8601)") from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=tz)
    return dt.isoformat()


def _int(value: str | None, name: str) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a whole number, got {value!r}") from None


def _bool(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "y", "是", "包邮")


def _list(value: str | None) -> list[str]:
    if not value:
        return []
    return [p.strip(BLANK) for p in value.replace("|", ",").split(",") if p.strip(BLANK)]
