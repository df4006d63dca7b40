"""ORM models, one module per aggregate. Importing this package registers every table."""

from shouhou.models.account import ROLES, ApiToken, RoleGrant, SignInThrottle, User, UserPreference
from shouhou.models.case import Case, CaseEvent, CaseLink, CaseNumber
from shouhou.models.customer import Customer
from shouhou.models.idempotency import IdempotencyRecord
from shouhou.models.order import CHANNELS, PAYMENT_METHODS, Order, OrderLine, Shipment
from shouhou.models.outbox import OutboxMessage, WebhookDelivery, WebhookEndpoint
from shouhou.models.policy import CalendarDay, StorePolicyVersion
from shouhou.models.product import Product
from shouhou.models.reason import Reason
from shouhou.models.returns import CaseLine, CaseShipment, Refund, ReturnDetail
from shouhou.models.stock import STOCK_KINDS, StockMovement
from shouhou.models.store import Store
from shouhou.models.timer import Timer

__all__ = [
    "CHANNELS",
    "PAYMENT_METHODS",
    "ROLES",
    "STOCK_KINDS",
    "ApiToken",
    "CalendarDay",
    "Case",
    "CaseEvent",
    "CaseLine",
    "CaseLink",
    "CaseNumber",
    "CaseShipment",
    "Customer",
    "IdempotencyRecord",
    "Order",
    "OrderLine",
    "OutboxMessage",
    "Product",
    "Reason",
    "Refund",
    "ReturnDetail",
    "RoleGrant",
    "Shipment",
    "SignInThrottle",
    "StockMovement",
    "Store",
    "StorePolicyVersion",
    "Timer",
    "User",
    "UserPreference",
    "WebhookDelivery",
    "WebhookEndpoint",
]
