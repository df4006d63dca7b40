"""How a case page offers the actions its user may take: one primary button, the others
secondary, destructive ones marked and confirmed; the thread's messages and notes apart.

Workflows stay plain data: this is how the console and the portal present them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from shouhou.web.forms import Field

# The first of these the user may take is the page's primary action (the next step forward).
PRIMARY = ("approve", "approve_refund", "receive", "reship", "arbitrate", "decide", "ship_return", "confirm_receipt",
           "assign", "investigate", "propose", "approve_proposal", "agree", "pay_compensation", "ship_goods",
           "send_gift", "follow_up", "analyse", "contact", "log_query", "resolve", "respond", "dispatch", "check_in", "complete_onsite", "take_in",
           "receive_unit", "quote", "approve_quote", "start_repair", "parts_arrived", "vendor_returned",
           "finish_repair", "pass_qc", "return_unit", "confirm_return", "book_pickup", "record_pickup", "modify",
           "customer_reply", "close")
# Undo, refuse or end something: styled as such and confirmed before they are sent.
DESTRUCTIVE = frozenset({"reject", "cancel", "close", "send_back", "withdraw", "cancel_pickup", "fail_refund",
                         "decline_quote", "fail_qc", "write_off", "refund_instead", "delete", "reject_proposal",
                         "decline", "close_unresolved"})
# Serious enough to confirm although nothing is undone.
CONFIRM = DESTRUCTIVE | {"escalate", "approve_refund", "arbitrate", "decide"}
# The thread: a message both sides read, or a note for staff only; shown in the reply box.
PUBLIC_SAY = ("message", "reply", "customer_reply")
INTERNAL_SAY = ("note",)
THREAD = frozenset(PUBLIC_SAY + INTERNAL_SAY + ("add_evidence",))


@dataclass
class Offered:
    action: dict[str, Any]  # the case document's available action: name, label, fields (schema)
    fields: list[Field]
    style: str = "secondary"  # primary | secondary | danger
    confirm: bool = False

    @property
    def name(self) -> str:
        return str(self.action["name"])


@dataclass
class Offer:
    primary: Offered | None = None
    others: list[Offered] = field(default_factory=list)
    say_public: str | None = None  # the action a message in the thread is sent with
    say_internal: str | None = None
    say_photos: bool = False


def arrange(available: list[tuple[dict[str, Any], list[Field]]]) -> Offer:
    by_name = {a["name"]: (a, f) for a, f in available}
    offer = Offer()
    offer.say_public = next((n for n in PUBLIC_SAY if n in by_name), None)
    offer.say_internal = next((n for n in INTERNAL_SAY if n in by_name), None)
    if offer.say_public:
        offer.say_photos = any(f.name == "photos" for f in by_name[offer.say_public][1])
    main = next((n for n in PRIMARY if n in by_name and n not in DESTRUCTIVE), None)
    for a, fields in available:
        name = a["name"]
        if name in (offer.say_public, offer.say_internal):
            continue
        item = Offered(a, fields, "danger" if name in DESTRUCTIVE else "secondary", name in CONFIRM)
        if name == main:
            item.style = "primary"
            offer.primary = item
        else:
            offer.others.append(item)
    return offer


def text_field(fields: list[Field]) -> str:
    """The field a thread message goes in: `message`, else `note`."""
    names = [f.name for f in fields]
    return "message" if "message" in names else "note"
