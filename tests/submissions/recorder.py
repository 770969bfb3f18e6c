"""A loopback HTTP server that records every request: hostile submissions point at it, and the
tests assert it was never contacted. It answers with a valid-looking CSV, so a fetch would not
fail quietly but feed data in."""

from __future__ import annotations

import http.server

from tests.conftest import LoopbackServer
from tests.submissions.corpus.cases import csv_bytes, valid_row


class RecordingServer(LoopbackServer):
    def __init__(self) -> None:
        self.hits: list[str] = []
        body = csv_bytes([valid_row()])
        hits = self.hits

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server naming
                hits.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "text/csv")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_HEAD = do_GET  # noqa: N815

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        super().__init__(Handler)


__all__ = ["RecordingServer"]
