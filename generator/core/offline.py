"""frictionless without a network: every HTTP request it might attempt is refused.

frictionless 5 fetches any http(s) URL it meets in a descriptor through ``system.http_session``.
We never hand it a path or URL (only inline values), and on top of that every call into it runs
with a session that refuses to send anything, so a mistake elsewhere cannot become a request.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import requests
from frictionless import system


class NetworkRefused(RuntimeError):
    """Raised instead of sending an HTTP request."""


class RefusingSession(requests.Session):
    def request(self, method, url, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        raise NetworkRefused(f"network access refused: {method} {url}")

    def send(self, request, **kwargs):  # noqa: ANN001, ANN003
        raise NetworkRefused(f"network access refused: {request.method} {request.url}")


@contextmanager
def offline_frictionless() -> Iterator[None]:
    """Run frictionless with the refusing session (``system.use_context(http_session=...)``)."""
    with system.use_context(http_session=RefusingSession()):
        yield
