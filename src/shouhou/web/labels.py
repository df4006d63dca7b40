"""What a person reads for a field of an action's payload: its label and its help, as English
msgids translated by the catalogues (a JSON key is never shown).

A field not listed here is labelled from its name ("fault_code" → "Fault code"); a test fails
when such a label has no Chinese translation, so a new workflow's fields get one.
"""

from __future__ import annotations

FIELD_LABELS: dict[str, str] = {
    "accessories": "Accessories", "address": "Address", "adjustment_reason": "Why the amount is lower",
    "amount": "Amount", "assignee": "Hand over to", "booking_ref": "Booking reference",
    "call_out": "Call-out", "carrier": "Carrier", "case_no": "Case no.", "category": "Category",
    "channel": "Channel", "collected": "Collected", "comment": "Comment", "condition": "Condition",
    "contact": "Contact", "customer": "Customer", "days": "Days", "decision": "Decision",
    "description": "Description", "diagnosis": "Diagnosis", "distance_km": "Distance (km)",
    "district": "District", "end": "End", "ended_at": "Ended at", "exchange_sku": "Exchange for",
    "extra_lines": "Other items", "failure": "Failure", "fault": "Fault", "fault_code": "Fault code", "into": "Merge into",
    "fee_lines": "Fees", "gateway_ref": "Payment reference", "geo_note": "Location note",
    "goods_intact": "Goods intact", "inspected_with_courier": "Inspected in front of the courier",
    "invoice_no": "Invoice no.", "invoice_returned": "Invoice sent back", "kind": "Kind",
    "labour_minutes": "Labour (minutes)", "line_no": "Line", "lines": "Items", "location": "Location",
    "message": "Message", "method": "Method", "mode": "Service mode", "model": "Model", "name": "Name",
    "new_serial": "New serial no.", "note": "Note", "old_serial": "Old serial no.", "order_no": "Order no.",
    "outlet": "Service outlet", "package_damaged": "Package damaged", "parts": "Parts", "phone": "Phone",
    "photos": "Photos", "postage": "Return postage paid", "postage_receipt": "Postage receipt",
    "preferred_time": "Preferred time", "price_difference": "Price difference", "priority": "Priority",
    "qty": "Qty", "reason": "Reason", "received": "Received", "receiver": "Receiver",
    "reference": "Reference", "refund_amount": "Refund amount", "refund_shipping": "Refund the shipping fee",
    "refund_vouchers": "Pay vouchers as cash", "refused_delivery": "Delivery refused", "remedy": "Remedy",
    "replacements": "Units replaced",
    "resolution": "Resolution", "result": "Result", "return_address": "Return address",
    "rma_no": "RMA no.", "score": "Score", "serial": "Serial no.", "service_type": "Service type",
    "signature": "Signature", "sku": "SKU", "start": "Start", "started_at": "Started at", "store": "Store",
    "technician": "Technician", "tracking_no": "Tracking no.", "type": "Type", "unsealed": "Unsealed",
    "unit": "Serial no.", "label": "Name shown", "label_zh": "Chinese name", "label_en": "English name",
    "texts": "Preset reasons", "urgent": "Urgent", "vendor": "Vendor", "window": "Time window", "window_end": "Window ends",
    "window_start": "Window starts", "work_done": "Work done",
    "complainant": "Complainant", "company": "Company", "wish": "What the customer wants",
    "substantiated": "Founded", "responsible": "Responsible", "responsible_staff": "Responsible staff member",
    "responsible_department": "Responsible department", "supplier": "Supplier", "compensation": "Compensation",
    "goods": "Goods to ship", "gift": "Gift", "signed_by": "Signed by", "satisfied": "Satisfied", "task": "Task",
    "platform": "Platform", "rating": "Review type", "content": "Review", "reviewed_at": "Written", "cause": "Cause",
    "need": "What the buyer wants", "attitude": "Attitude", "offer": "Offer", "answer": "The buyer's answer",
    "outcome": "Outcome",
    "skus": "Items", "agent_id": "Carrier agent id", "queried_at": "Query date",
    "shipped_on": "Ship date", "delivery_area": "Delivery area", "delivery_result": "Delivery result",
    "goods_value": "Goods value", "transaction_copy": "Transaction details", "waybill_copy": "Waybill",
    "sender_id_copy": "Sender's ID", "damage_photos": "Photos of the damage", "claim_no": "Claim no.",
    "query_result": "Query result",
}

# Help shown under a field, by field name (an action's own wording wins: ACTION_HELP).
FIELD_HELP: dict[str, str] = {
    "refund_amount": "Leave empty to refund the computed amount",
    "adjustment_reason": "Shown to the buyer when the amount is lowered",
    "price_difference": "Positive: the buyer pays; negative: the buyer gets it back",
    "postage": "What you paid the carrier; reimbursed when the merchant pays the return postage",
    "photos": "JPEG, PNG, WebP or GIF, up to 8 MB each",
    "postage_receipt": "A photo of the receipt",
    "inspected_with_courier": "Opened and checked while the courier was there",
    "invoice_returned": "No: the order's invoice did not come back",
    "days": "Leave empty for the store's default",
    "return_address": "Leave empty to send the buyer the store's return address",
    "refund_shipping": "Leave empty to keep what the policy computed",
    "refund_vouchers": "Leave empty to keep what the policy computed",
    "replacements": "Registered units this shipment replaces, one per line: the returned serial no., then the new one",
}
ACTION_HELP: dict[tuple[str, str], str] = {
    ("approve", "refund_amount"): "Leave empty to refund the computed amount",
    ("arbitrate", "refund_amount"): "Only for a partial decision",
    ("reject", "reason"): "Shown to the buyer",
    ("assign", "assignee"): "Leave empty to take it yourself",
    ("escalate", "reason"): "Tell the platform what went wrong",
    ("adjust_postage", "reason"): "Shown to the buyer",
    ("rate", "score"): "1 (very unhappy) to 5 (very happy)",
    ("follow_up", "score"): "1 (very unhappy) to 5 (very happy)",
    ("investigate", "message"): "The problem in your words, as you restate it to the customer",
    ("propose", "responsible"): "None only when the complaint is not founded",
    ("propose", "responsible_staff"): "User name, when a staff member answers for it",
    ("propose", "compensation"): "Paid by finance once the customer agrees",
    ("propose", "goods"): "Shipped by the warehouse once the customer agrees",
    ("propose", "gift"): "Sent by marketing once the customer agrees",
    ("agree", "signed_by"): "The name the customer signed the agreement with",
    ("contact", "message"): "What you said. Never press the buyer to change the review",
    ("contact", "amount"): "Only with a compensation offer",
    ("follow_up", "satisfied"): "No: the complaint goes back to the investigation",
    ("log_query", "agent_id"): "The staff number of the carrier's service agent you spoke to",
    ("log_query", "message"): "What you tell the customer: it answers them",
    ("log_query", "queried_at"): "Leave empty for now",
    ("report_damage", "agent_id"): "Leave empty for the agent of the last query",
    ("report_loss", "agent_id"): "Leave empty for the agent of the last query",
    ("report_damage", "shipped_on"): "yyyy-mm-dd; leave empty for the order's shipment",
    ("report_loss", "shipped_on"): "yyyy-mm-dd; leave empty for the order's shipment",
    ("report_damage", "goods_value"): "Leave empty for what the buyer paid for the items",
    ("report_loss", "goods_value"): "Leave empty for what the buyer paid for the items",
    ("resolve", "message"): "What you tell the customer",
    ("resolve", "carrier"): "Reshipped only; leave empty for the same carrier",
    ("resolve", "tracking_no"): "Reshipped only: the new parcel",
    ("resolve", "case_no"): "Refunded only: the refund or return case of the order",
    ("record_carrier_refusal", "reason"): "Also when the carrier never answers and the claim is given up",
}


def field_label(name: str) -> str:
    short = name.rsplit(".", 1)[-1]
    return FIELD_LABELS.get(short) or short.replace("_", " ").capitalize()


def field_help(action: str, name: str) -> str:
    short = name.rsplit(".", 1)[-1]
    return ACTION_HELP.get((action, short)) or FIELD_HELP.get(short, "")


# The codes pages show in words, by the prefix of their msgid ("role:reviewer" → 审核员): a test
# checks each has a Chinese and an English translation. A payload's enum values are added to
# these by field name (forms and timelines translate "<field>:<code>").
CODES: dict[str, tuple[str, ...]] = {
    "role": ("admin", "platform", "supervisor", "agent", "reviewer", "finance", "warehouse", "technician",
             "integration", "customer"),
    "channel": ("api", "chat", "contract", "counter", "email", "hotline", "portal", "taobao", "visit", "wechat",
                "online", "tv", "phone", "mail", "store", "alipay", "bank_card", "credit_card", "cash", "other"),
    "priority": ("low", "normal", "high", "urgent"),
    "level": ("normal", "vip", "svip"),
    "payer": ("buyer", "merchant"),
    "type": ("refund_only", "return_refund", "exchange", "repair", "installation", "consultation", "dispute",
             "complaint", "review", "logistics"),
    "ground": ("none", "quality", "not_as_described", "damaged_in_transit", "merchant"),
    "timing": ("after_receipt", "on_approval"),
    "order": ("placed", "paid", "shipped", "delivered", "completed"),
    "payment": ("alipay", "wechat", "bank_card", "credit_card", "cash", "other"),
    "tag": ("excluded_confirmed", "vehicle", "sanbao", "digital_media", "fresh", "custom_made", "periodical",
            "installation_required", "near_expiry", "disclosed_defect"),
    "breakdown": ("goods", "outbound_shipping", "return_postage", "coupon_as_cash", "deduction"),
    "pickup": ("requested", "booked", "picked_up", "cancelled"),
    "refund": ("pending", "succeeded", "failed"),
    "insurance": ("pending", "paid"),
    "link": ("rework_of", "sanbao_exchange", "sanbao_return", "complaint_about", "logistics_refund"),
    "decision": ("buyer", "merchant", "partial"),
    "result": ("accepted", "refused", "fixed", "not_fixable"),
    "service": ("repair", "maintenance", "installation", "exchange"),  # a product's service history
    "service_result": ("fixed", "not_fixable", "installed", "cancelled", "exchanged"),
    "contract": ("active",),
    "actor": ("system", "cli", "demo"),
    # What founded complaints call for (complaints/accountability.py): staff, then suppliers.
    "task": ("finance", "warehouse", "marketing"),  # who carries out a complaint's settlement
    "accountability": ("warning", "penalty", "dismissal", "verbal_warning", "written_notice", "removal",
                       "fund_deduction", "award"),
    # A parcel reported to its carrier (logistics/), and where the claim stands.
    "parcel": ("damaged", "lost"),
    "claim": ("pending", "paid", "declined"),
}
