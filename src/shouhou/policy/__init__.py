"""Pure entitlement rules: what a customer may ask for, until when, who pays, and why.

Statutory floors (消费者权益保护法, the 2017 online return measures, 三包, the 2021
household-vehicle rules, 民法典 period rules) are data with citations; store policy is
layered on top and may only be more generous. No database, no web, no I/O.
"""

from shouhou.policy.categories import CATEGORY_NATURES, CategoryNature, nature_of
from shouhou.policy.cn import CN
from shouhou.policy.decide import decide
from shouhou.policy.decision import Basis, Deduction, Eligibility, Note, RemedyDecision, Shipping
from shouhou.policy.facts import (
    CHANNELS,
    DISTANCE_CHANNELS,
    GROUNDS,
    REMEDIES,
    TAGS,
    VEHICLE_FAULTS,
    Claim,
    Gift,
    LineFacts,
    SaleFacts,
)
from shouhou.policy.jurisdiction import Jurisdiction
from shouhou.policy.rules import STORE, Rule
from shouhou.policy.rules_cn import STATUTORY_RULES
from shouhou.policy.store_policy import STATUTORY_FLOORS, Floor, StorePolicy, validate_store_policy

__all__ = [
    "CATEGORY_NATURES", "CHANNELS", "CN", "DISTANCE_CHANNELS", "GROUNDS", "REMEDIES", "STATUTORY_FLOORS",
    "STATUTORY_RULES", "STORE", "TAGS", "VEHICLE_FAULTS",
    "Basis", "CategoryNature", "Claim", "Deduction", "Eligibility", "Floor", "Gift", "Jurisdiction", "LineFacts", "Note",
    "RemedyDecision", "Rule", "SaleFacts", "Shipping", "StorePolicy",
    "decide", "nature_of", "validate_store_policy",
]
