from __future__ import annotations

from typing import Any
from uuid import uuid4

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from shouhou.db import Base
from shouhou.db.types import PortableJSON
from shouhou.models._mixins import Created, IdPk


def new_config_tag() -> str:
    return uuid4().hex


class Store(IdPk, Created, Base):
    """A shop/merchant (店铺/商户): the tenant every business row belongs to."""

    __tablename__ = "store"

    code: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    timezone: Mapped[str] = mapped_column(String(64), nullable=False, default="Asia/Shanghai")
    # Default return address (退货地址) offered to buyers when a reviewer sets none.
    return_contact: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    return_phone: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    return_address: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    settings: Mapped[dict[str, Any]] = mapped_column(PortableJSON, nullable=False, default=dict)
    # A new random value whenever the policy or the reason catalogue changes: the key of
    # their process-wide cache (accounts/store_config.py).
    config_tag: Mapped[str] = mapped_column(String(32), nullable=False, default=new_config_tag,
                                            server_default="")
