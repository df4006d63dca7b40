"""Prometheus metrics, shared by the API, the worker and the engine."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)
REQUESTS = Counter("shouhou_http_requests_total", "HTTP requests", ["method", "route", "status"],
                   registry=REGISTRY)
LATENCY = Histogram("shouhou_http_request_seconds", "HTTP request latency", ["method", "route"],
                    registry=REGISTRY)
TRANSITIONS = Counter("shouhou_case_transitions_total", "Case actions taken", ["type", "action"],
                      registry=REGISTRY)
TIMERS_FIRED = Counter("shouhou_timers_fired_total", "Timers fired", ["result"], registry=REGISTRY)
WEBHOOKS = Counter("shouhou_webhook_deliveries_total", "Webhook delivery attempts", ["result"], registry=REGISTRY)
