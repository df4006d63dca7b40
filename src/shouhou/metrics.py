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
SQLITE_WRITER_WAIT = Histogram(
    "shouhou_sqlite_writer_wait_seconds", "How long a SQLite writer waited for its turn to write",
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30), registry=REGISTRY)
SQLITE_WRITES = Counter("shouhou_sqlite_writes_total",
                        "SQLite write requests by where their unit of work ran: on the event loop (the write "
                        "lock was free at once) or in worker threads", ["where"], registry=REGISTRY)
