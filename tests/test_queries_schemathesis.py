"""schemathesis against /api/openapi.json on the live server (granian): no server errors, no schema violations."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path


# schemathesis's statuses for "invalid data was rejected", plus 414: granian rejects an over-long URL before the app.
CONFIG = """
[checks.negative_data_rejection]
expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "414", "415", "422", "428", "429", "5xx"]
"""


# Every check but `all`'s 10 s response-time limit: speed is measured in bench/, never by a timed test (a busy machine flakes).
CHECKS = (
    "not_a_server_error", "status_code_conformance", "content_type_conformance", "response_headers_conformance",
    "response_schema_conformance", "negative_data_rejection", "positive_data_acceptance", "missing_required_header",
    "unsupported_method", "allow_header_conformance", "use_after_free", "ensure_resource_availability", "ignored_auth",
)


def test_schemathesis_finds_no_failures(live_server: str, tmp_path: Path):
    report = tmp_path / "junit.xml"
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG)
    command = [
        str(Path(sys.executable).parent / "schemathesis"), "--config-file", str(config), "run", f"{live_server}/api/openapi.json",
        "--checks", ",".join(CHECKS),
        "--max-examples", "10",
        "--workers", "2",
        "--request-timeout", "20",
        "--report", "junit", "--report-junit-path", str(report),
    ]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stdout[-6000:] + finished.stderr[-2000:]
    assert "No issues found" in finished.stdout
    assert re.search(r"\b(\d+) selected / \1 total", finished.stdout.replace("\n     ", " "))  # every operation tested
