"""Parties most API tests share: two stores, staff and a buyer, and one open consultation."""

from __future__ import annotations

import pytest


@pytest.fixture
def parties(world):
    world.store("S1")
    world.store("S2", "别的店铺")
    tokens = {"agent": world.user("agent1", "agent", "S1"), "agent2": world.user("agent2", "agent", "S2"),
              "buyer": world.user("buyer", "customer", "S1", customer="u1001"),
              "warehouse": world.user("wh1", "warehouse", "S1")}
    tokens["no"] = world.consultation("agent1")
    return tokens
