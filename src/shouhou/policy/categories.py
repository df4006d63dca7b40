"""What the law says about a category by its nature.

A customer's confirmation at purchase ("not returnable") only counts for goods that are
unsuitable for return by their nature (消费者权益保护法 Art. 25 ¶2, 七日无理由退货办法 Art. 7);
a store may not widen the exclusions (实施条例 2024 Art. 19). This table says which
categories are such goods. Stores name categories freely, so each entry has aliases;
add a category by adding a row (see docs/policy.md).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CategoryNature:
    key: str
    aliases: tuple[str, ...]
    # Which NRR-2017-7 kind makes a confirmed exclusion valid; None: it never does.
    confirmable_exclusion: str | None
    text_zh: str
    text_en: str


UNSEAL = "unseal"  # unsafe or altered once unsealed (拆封后易影响人身安全、生命健康或品质)
ACTIVATION = "activation"  # loses much value once activated or tried (一经激活或试用后价值贬损较大)

CATEGORY_NATURES: tuple[CategoryNature, ...] = (
    CategoryNature("food", ("食品", "零食", "饮料"), UNSEAL, "拆封后易影响健康或品质的食品", "food, altered once unsealed"),
    CategoryNature("health_food", ("保健食品",), UNSEAL, "保健食品", "health food"),
    CategoryNature("cosmetics", ("化妆品", "美妆", "护肤品"), UNSEAL, "拆封后易变质的化妆品", "cosmetics"),
    CategoryNature("medical_device", ("医疗器械",), UNSEAL, "拆封后影响安全的医疗器械", "medical devices"),
    CategoryNature("personal_hygiene", ("个人护理", "计生用品", "贴身衣物", "内衣", "underwear"), UNSEAL,
                   "贴身、卫生类用品", "intimate and hygiene goods"),
    CategoryNature("mobile_phone", ("手机",), ACTIVATION, "激活后价值贬损较大的手机", "mobile phones (activation)"),
    CategoryNature("computer", ("电脑", "笔记本电脑", "平板电脑", "laptop", "tablet"), ACTIVATION,
                   "激活后价值贬损较大的电脑", "computers (activation)"),
    CategoryNature("prepaid_card", ("充值卡", "礼品卡", "gift_card"), ACTIVATION,
                   "一经激活即贬值的卡券", "prepaid and gift cards"),
    CategoryNature("apparel", ("服装", "鞋帽", "clothing", "shoes"), None, "服装鞋帽", "apparel"),
    CategoryNature("home_appliance", ("家电", "家用电器", "appliance"), None, "家用电器", "home appliances"),
    CategoryNature("books", ("图书", "书籍"), None, "图书", "books"),
)

_BY_NAME = {name.casefold(): n for n in CATEGORY_NATURES for name in (n.key, *n.aliases)}


def nature_of(category: str) -> CategoryNature | None:
    return _BY_NAME.get(category.strip().casefold())


def confirmable_by_nature(category: str) -> bool:
    nature = nature_of(category)
    return nature is not None and nature.confirmable_exclusion is not None
