import pytest

from live_views.testing import LiveClient


@pytest.fixture
def live_client():
    client = LiveClient()
    yield client
    client.close()
