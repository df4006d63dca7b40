from __future__ import annotations

import pytest

# The receivers of these tests are fake hosts on an httpx.MockTransport: named as allowed
# internal hosts, they are posted to by name (no DNS here).
ALLOWED = "shop.example,other.example"


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"webhook_allow_hosts": ALLOWED})
