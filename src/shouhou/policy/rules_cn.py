"""Statutory floor for mainland China, as data with citations.

Texts are short paraphrases. `source_note` says where an article was checked; where a
number could not be confirmed against a full text, `confirmed=False` and the note says so.
"""

from __future__ import annotations

from shouhou.policy.rules import Rule, index

_LAWS = {
    "CPL": ("中华人民共和国消费者权益保护法（2013年修正，2014-03-15施行）",
            "PRC Consumer Rights Protection Law (2013 amendment)"),
    "CPL-IMPL": ("中华人民共和国消费者权益保护法实施条例（国务院令第778号，2024-07-01施行）",
                 "Implementing Regulation of the Consumer Rights Protection Law (2024)"),
    "NRR": ("网络购买商品七日无理由退货暂行办法（原工商总局令第90号，2017-03-15施行；2020年市场监管总局令第31号修订）",
            "Interim Measures on 7-day No-reason Returns of Goods Bought Online (2017, amended 2020)"),
    "SANBAO": ("部分商品修理更换退货责任规定（国经贸质〔1995〕458号）",
               "Provisions on Repair, Replacement and Return of Certain Goods (三包，1995)"),
    "VEHICLE": ("家用汽车产品修理更换退货责任规定（市场监管总局令第43号，2022-01-01施行）",
                "Provisions on Repair, Replacement and Return of Household Automobiles (2021)"),
    "CIVIL": ("中华人民共和国民法典（2021-01-01施行）", "PRC Civil Code"),
    "ECL": ("中华人民共和国电子商务法（2019-01-01施行）", "PRC E-Commerce Law"),
}

_SRC_NPC = "Checked against public copies of the article text (search corpus `pages`)."
_SRC_VEHICLE = "Checked against the full text (LawRefBook/Laws，部门规章/市场监督管理总局/家用汽车产品修理更换退货责任规定（2021-07-22）.md)."
_SRC_NRR = ("Content confirmed in several public copies; the article number is our reading of the 2017 text "
            "and was not confirmed against an official full text (the 2020 amendment may not renumber).")
_SRC_SANBAO = ("Article number and text confirmed in public copies of the 1995 text. We found no enacted 2013 "
               "revision of these rules; the 1995 numbering is used.")


def _rule(rule_id: str, law: str, article: str, zh: str, en: str, note: str = _SRC_NPC,
          confirmed: bool = True) -> Rule:
    law_zh, law_en = _LAWS[law]
    return Rule(rule_id, law_zh, article, zh, en, note, law_en, confirmed)


_RULES = [
    # 消费者权益保护法
    _rule("CPL-24", "CPL", "第二十四条",
          "商品不符合质量要求的，可依国家规定或约定退货、更换、修理；没有规定和约定的，自收到商品之日起七日内可以退货，"
          "七日后符合法定解除合同条件的可以及时退货，否则可以要求更换、修理；经营者承担运输等必要费用。",
          "Goods not meeting quality requirements may be returned, exchanged or repaired per state rules or agreement; "
          "absent those, returned within 7 days of receipt, later returned if the contract may lawfully be terminated, "
          "otherwise exchanged or repaired. The business bears transport and other necessary costs."),
    _rule("CPL-25", "CPL", "第二十五条",
          "网络、电视、电话、邮购等方式销售的商品，消费者有权自收到商品之日起七日内无理由退货；定作、鲜活易腐、"
          "在线下载或拆封的音像制品和软件等数字化商品、交付的报纸期刊除外；其他依性质并经购买时确认不宜退货的商品不适用；"
          "退回商品应当完好；经营者自收到退回商品之日起七日内返还价款；退货运费由消费者承担，另有约定的从约定。",
          "For goods sold online, by TV, phone or mail the consumer may return within 7 days of receipt without reason, "
          "except custom-made, perishable, downloaded or unsealed digital media, and delivered newspapers/periodicals; "
          "other goods unsuitable by nature and confirmed at purchase are excluded; goods must be intact; the business "
          "refunds within 7 days of receiving the return; return shipping is the consumer's unless agreed otherwise."),
    # 消费者权益保护法实施条例 (2024)
    _rule("CPL-IMPL-2024-18", "CPL-IMPL", "第十八条",
          "退货、更换、修理义务的有效期限自交付商品之日起计算，需另行安装的自安装完成之日起计算；更换后自更换完成之日起"
          "重新计算；修理时间不计入有效期限；退货按发票等凭证价格一次性退清（实际支付不同的按实际支付）。",
          "Return/exchange/repair periods run from delivery, or from completed installation where the business "
          "installs; after an exchange they restart; repair time does not count; refunds follow the invoice price "
          "(or the price actually paid)."),
    _rule("CPL-IMPL-2024-19", "CPL-IMPL", "第十九条",
          "远程销售不得擅自扩大不适用无理由退货的商品范围，须显著标注并由消费者购买时确认，未经确认不得拒绝；为查验打开"
          "包装或合理调试而不影响原有品质、功能和外观的，应当予以退货。",
          "Distance sellers may not widen the goods excluded from no-reason returns; exclusions must be shown and "
          "confirmed at purchase; opening the package to inspect or reasonable testing does not bar a return."),
    # 网络购买商品七日无理由退货暂行办法
    _rule("NRR-2017-6", "NRR", "第六条",
          "不适用七日无理由退货：消费者定作的；鲜活易腐的；在线下载或消费者拆封的音像制品、计算机软件等数字化商品；交付的报纸、期刊。",
          "Excluded from 7-day no-reason returns: custom-made goods, perishables, downloaded or unsealed digital "
          "media and software, delivered newspapers and periodicals.",
          "Number confirmed indirectly (several copies list these four exclusions first, as Art. 6)."),
    _rule("NRR-2017-7", "NRR", "第七条",
          "经消费者购买时确认可不适用：拆封后易影响人身安全、生命健康或品质的；一经激活或试用后价值贬损较大的；"
          "销售时已明示临近保质期或有瑕疵的。",
          "May be excluded only if the consumer confirmed at purchase: goods unsafe or altered once unsealed; goods "
          "losing much value once activated or tried; goods sold as near expiry or with a disclosed defect.",
          "Number confirmed indirectly (the three confirmable kinds follow Art. 6 in public copies)."),
    _rule("NRR-2017-8", "NRR", "第八条",
          "退回商品应当完好：保持原有品质、功能，商品本身、配件、商标标识齐全；为查验打开包装或为确认品质功能合理调试"
          "不影响完好；超出查验需要使用致价值贬损较大的视为不完好（分食品化妆品、电子电器、服装家居等判定标准）。",
          "Returned goods must be intact: original quality and function, goods, accessories and labels complete; "
          "opening to inspect or reasonable testing keeps them intact; use beyond inspection that much reduces "
          "value makes them non-intact (category-specific criteria).",
          "Content confirmed; one secondary source cites it as Art. 8. Some copies may split the criteria into "
          "a following article.", confirmed=False),
    _rule("NRR-2017-10", "NRR", "第十条",
          "选择无理由退货的消费者应当自收到商品之日起七日内发出退货通知；七日期间自签收商品的次日开始起算。",
          "The consumer gives notice within 7 days of receipt; the 7 days count from the day after sign-for.",
          _SRC_NRR, confirmed=False),
    _rule("NRR-2017-13", "NRR", "第十三条",
          "退货时应将商品本身、配件及赠品一并退回；赠品包括实物、积分、代金券、优惠券等；赠品不能一并退回的，"
          "经营者可以要求按事先标明的赠品价格支付赠品价款。",
          "Return the goods with accessories and gifts (items, points, vouchers, coupons); a gift not returned may "
          "be charged at the gift price marked beforehand.", _SRC_NRR, confirmed=False),
    _rule("NRR-2017-14", "NRR", "第十四条",
          "退回商品完好的，网络商品销售者应当自收到退回商品之日起七日内返还已支付的商品价款。",
          "If the returned goods are intact the seller refunds the price paid within 7 days of receiving them.",
          _SRC_NRR, confirmed=False),
    _rule("NRR-2017-15", "NRR", "第十五条",
          "退款方式比照购买商品的支付方式（原路退回），另有约定的从其约定。",
          "The refund goes back the way the customer paid, unless agreed otherwise.", _SRC_NRR, confirmed=False),
    _rule("NRR-2017-18", "NRR", "第十八条",
          "退回商品的运费依法由消费者承担，另有约定的从约定；参加免运费活动、退货后不再满足条件的，可在退款时扣除运费。",
          "Return shipping is the consumer's unless agreed; if a return breaks a free-shipping condition the "
          "shipping may be deducted from the refund.", _SRC_NRR, confirmed=False),
    # 部分商品修理更换退货责任规定 (三包)
    _rule("SANBAO-8", "SANBAO", "第八条",
          "三包有效期自开具发票之日起计算，扣除因修理占用和无零配件待修的时间；凭发票及三包凭证办理。",
          "The 三包 period runs from the invoice date, excluding time in repair or waiting for parts.",
          "One secondary copy cites this as Art. 8; for sales since 2024-07-01 CPL-IMPL-2024-18 (delivery/"
          "installation) governs the start.", confirmed=False),
    _rule("SANBAO-9", "SANBAO", "第九条",
          "产品自售出之日起7日内发生性能故障，消费者可以选择退货、换货或修理；退货按发票价格一次退清。",
          "A performance failure within 7 days of sale: return, exchange or repair at the consumer's choice; a "
          "return is refunded in full at the invoice price.", _SRC_SANBAO),
    _rule("SANBAO-10", "SANBAO", "第十条",
          "产品自售出之日起15日内发生性能故障，消费者可以选择换货或者修理；换同型号同规格产品。",
          "A performance failure within 15 days of sale: exchange (same model and spec) or repair.", _SRC_SANBAO),
    _rule("SANBAO-11", "SANBAO", "第十一条",
          "三包有效期内修理两次仍不能正常使用的，凭修理记录由销售者免费调换同型号同规格产品或按第十三条退货。",
          "Still failing after two repairs within the 三包 period: free exchange, or a return under Art. 13.",
          _SRC_SANBAO),
    _rule("SANBAO-12", "SANBAO", "第十二条",
          "因生产者未供应零配件自送修之日起超过90日未修好的，免费调换；因修理者自身原因修理期超过30日的，免费调换。",
          "Not repaired 90 days after hand-in because the producer supplied no parts, or repair over 30 days for "
          "the repairer's own reasons: free exchange.", _SRC_SANBAO),
    _rule("SANBAO-13", "SANBAO", "第十三条",
          "符合换货条件但无同型号同规格产品的，应予退货（不收折旧费）；有同型号而消费者要求退货的，应予退货，对已使用"
          "商品收取折旧费，折旧自开具发票之日起至退货之日止，扣除修理占用和待修时间。",
          "Entitled to an exchange but no same model available: return in full; the consumer prefers a return "
          "although one is available: return less depreciation for use, counted from invoice to return minus "
          "repair time, at the catalogue rate.", _SRC_SANBAO),
    _rule("SANBAO-14", "SANBAO", "第十四条",
          "换货不得提供残次、不合格或修理过的产品；换货后的三包有效期自换货之日起重新计算。",
          "Replacements must be new and conforming; the 三包 period restarts on the exchange date.", _SRC_SANBAO),
    _rule("SANBAO-FREE-REPAIR", "SANBAO", "",
          "三包有效期内出现性能故障的，修理者免费修理（包括材料费和工时费）。",
          "A performance failure within the 三包 period is repaired free of charge (parts and labour).",
          "The rule is stated in every summary; its article number (reported as Art. 15 in some copies) was not "
          "confirmed.", confirmed=False),
    _rule("SANBAO-EXCLUSIONS", "SANBAO", "",
          "不实行三包（可收费修理）：因使用、维护、保管不当造成损坏的；非承担三包修理者拆动造成损坏的；无三包凭证及有效"
          "发票的；凭证型号不符或涂改的；因不可抗力造成损坏的。",
          "No 三包（paid repair possible）：damage from improper use, care or storage; disassembly by someone other "
          "than the authorised repairer; no 三包 card or invoice; mismatched or altered card; force majeure.",
          "The list is stated consistently in public copies; its article number was not confirmed.",
          confirmed=False),
    # 家用汽车产品修理更换退货责任规定 (2021)
    _rule("VEHICLE-2021-18", "VEHICLE", "第十八条",
          "三包有效期不低于2年或5万公里，包修期不低于3年或6万公里，以先到者为准；自开具购车发票之日起计算，"
          "发票日期与交付日期不一致的自交付之日起计算。",
          "三包 period at least 2 years/50,000 km and repair warranty at least 3 years/60,000 km, whichever comes "
          "first; from the invoice date, or from delivery if that differs.", _SRC_VEHICLE),
    _rule("VEHICLE-2021-19", "VEHICLE", "第十九条",
          "包修期内出现质量问题的，消费者可凭三包凭证选择修理者免费修理（免工时费和材料费）。",
          "Quality problems within the repair warranty are repaired free (labour and parts).", _SRC_VEHICLE),
    _rule("VEHICLE-2021-20", "VEHICLE", "第二十条",
          "自三包有效期起算之日起60日内或3000公里之内，发动机、变速器、动力蓄电池、行驶驱动电机的主要零部件出现质量问题的，"
          "可选择免费更换发动机、变速器、动力蓄电池、行驶驱动电机。",
          "Within 60 days or 3,000 km, a quality problem in a main part of the engine, gearbox, traction battery or "
          "drive motor: free replacement of that assembly.", _SRC_VEHICLE),
    _rule("VEHICLE-2021-22", "VEHICLE", "第二十二条",
          "自三包有效期起算之日起7日内，因质量问题需要更换发动机、变速器、动力蓄电池、行驶驱动电机或其主要零部件的，"
          "可选择更换家用汽车产品或者退货。",
          "Within 7 days, a quality problem needing a new engine, gearbox, traction battery, drive motor or one of "
          "their main parts: exchange of the vehicle or return.", _SRC_VEHICLE),
    _rule("VEHICLE-2021-23", "VEHICLE", "第二十三条",
          "自三包有效期起算之日起60日内或3000公里之内，因质量问题出现转向系统失效、制动系统失效、车身开裂、燃油泄漏或者"
          "动力蓄电池起火的，可选择更换或者退货。",
          "Within 60 days or 3,000 km, steering failure, brake failure, body cracking, fuel leak or traction "
          "battery fire from a quality problem: exchange or return.", _SRC_VEHICLE),
    _rule("VEHICLE-2021-24", "VEHICLE", "第二十四条",
          "三包有效期内：严重安全性能故障累计修理2次仍未排除或出现新的；发动机、变速器等累计更换2次仍不能正常使用；同一"
          "主要零部件累计更换2次仍不能正常使用；累计修理时间超过30日或同一质量问题累计修理超过4次的，可选择更换或退货。",
          "Within the 三包 period: a serious safety fault repaired twice and not cured (or a new one); an engine, "
          "gearbox, battery or motor replaced twice and still failing; the same main part replaced twice; over 30 "
          "days in repair in total or the same problem repaired more than 4 times: exchange or return.",
          _SRC_VEHICLE),
    _rule("VEHICLE-2021-27", "VEHICLE", "第二十七条",
          "依第二十四条更换或退货的，消费者支付使用补偿费 = 车价款 × 行驶里程/1000 × n,n由生产者明示，不得高于0.5%。",
          "An exchange or return under Art. 24 costs the consumer a usage fee = price × km/1000 × n, n printed on "
          "the 三包 card, at most 0.5 %.", _SRC_VEHICLE),
    _rule("VEHICLE-2021-29", "VEHICLE", "第二十九条",
          "更换的家用汽车产品，其三包有效期和包修期自更换之日起重新计算。",
          "After an exchange the 三包 period and repair warranty restart.", _SRC_VEHICLE),
    _rule("VEHICLE-2021-32", "VEHICLE", "第三十二条",
          "包修期内因未按说明书使用维护保养、擅自改装调整拆卸、自行处置不当或不可抗力造成的损坏，可免除三包责任。",
          "No 三包 for damage from use or maintenance contrary to the manual, unauthorised modification or "
          "disassembly, improper self-handling, or force majeure.", _SRC_VEHICLE),
    # 民法典
    _rule("CIVIL-201", "CIVIL", "第二百零一条",
          "按照年、月、日计算期间的，开始的当日不计入，自下一日开始计算。",
          "A period in years, months or days does not count its first day."),
    _rule("CIVIL-202", "CIVIL", "第二百零二条",
          "按照年、月计算期间的，到期月的对应日为期间的最后一日；没有对应日的，月末日为最后一日。",
          "A period in years or months ends on the corresponding day of the due month, or its last day."),
    _rule("CIVIL-203", "CIVIL", "第二百零三条",
          "期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日；最后一日的截止时间为二十四时。",
          "A period whose last day is a public rest day ends on the day after the rest days; the last day ends at 24:00."),
    _rule("CIVIL-563", "CIVIL", "第五百六十三条",
          "当事人一方迟延履行债务或者有其他违约行为致使不能实现合同目的的，对方可以解除合同。",
          "A party may terminate the contract when the other's breach defeats the purpose of the contract.",
          "Paraphrased from memory of the Civil Code; item (四) of the article. Not re-checked in the corpus."),
    _rule("CIVIL-621", "CIVIL", "第六百二十一条",
          "未约定检验期限的，买受人应在合理期限内通知质量不符；自收到标的物之日起二年内未通知的视为符合约定；"
          "有质量保证期的适用质量保证期。",
          "Without an agreed inspection period the buyer must notify a defect within a reasonable time and at the "
          "latest within 2 years of receipt, or within the quality guarantee period where there is one."),
    # 电子商务法
    _rule("ECL-20", "ECL", "第二十条",
          "电子商务经营者应按承诺或约定交付商品，并承担商品运输中的风险和责任，消费者另行选择快递物流服务提供者的除外。",
          "An e-commerce business delivers as promised and bears the risk of loss or damage in transit, unless the "
          "consumer chose the carrier."),
]

STATUTORY_RULES = index({r.id: r for r in _RULES})
