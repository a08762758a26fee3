"""Fixtures for the client tests (shared test code lives in clientkit.py)."""

import pytest

from asana_adaptor.client import VirtualClock


@pytest.fixture
def clock() -> VirtualClock:
    """A virtual clock for retries and the rate limiter: nothing waits for real."""
    return VirtualClock()
