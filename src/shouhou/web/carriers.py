"""The express companies a buyer or a warehouse picks from (快递公司), by the code stored on a parcel.

A parcel keeps whatever was entered; a known code is shown by its name, anything else as typed.
"""

from __future__ import annotations

# code, 中文, English — the carriers most Chinese shops ship with.
CARRIERS: tuple[tuple[str, str, str], ...] = (
    ("SF", "顺丰速运", "SF Express"),
    ("JD", "京东物流", "JD Logistics"),
    ("ZTO", "中通快递", "ZTO Express"),
    ("YTO", "圆通速递", "YTO Express"),
    ("STO", "申通快递", "STO Express"),
    ("YUNDA", "韵达快递", "Yunda Express"),
    ("JT", "极兔速递", "J&T Express"),
    ("EMS", "中国邮政 EMS", "China Post EMS"),
    ("DBL", "德邦快递", "Deppon Express"),
)
_BY_CODE = {code: (zh, en) for code, zh, en in CARRIERS}
OTHER = "OTHER"  # the form's choice for a carrier not on the list (its name typed beside it)


def carrier_name(code: str, lang: str) -> str:
    names = _BY_CODE.get(code.strip().upper())
    if names is None:
        return code
    return names[1] if lang == "en" else names[0]


def choices(lang: str) -> list[tuple[str, str]]:
    return [(code, en if lang == "en" else zh) for code, zh, en in CARRIERS]
