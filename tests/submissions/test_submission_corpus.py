"""Every broken or hostile submission of the corpus gives exactly the expected issue (code, row,
field, file), never a traceback, never a request, and never a byte of a file outside the package."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from generator.commands import report
from generator.core.settings import load_settings, project_paths
from generator.commands.validate import validate_targets
from tests.conftest import ROOT, copy_project, portal, run_portal
from tests.submissions.corpus.cases import BANK, CASES, FIELDS, SECRET_MARKER, TODAY, Case, Env, csv_bytes, valid_row
from tests.submissions.recorder import RecordingServer

TEST_CAP = 64 * 1024  # bytes; the "file-over-the-size-cap" case writes ~200 KB


@pytest.fixture(scope="module")
def recorder():
    server = RecordingServer()
    yield server
    server.stop()


@pytest.fixture
def env(tmp_path: Path, recorder: RecordingServer) -> Env:
    recorder.hits.clear()
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "products.csv"
    # If this file were ever read, its extra column would be named in an unknown-column warning.
    secret.write_bytes(csv_bytes([valid_row()], header=[*FIELDS, SECRET_MARKER]))
    return Env(recorder.url, secret)


def build_case(case: Case, tmp_path: Path, env: Env) -> Path:
    package = tmp_path / "submission" / BANK
    case.build(package, env)
    return package


def matching(case: Case, found: list[dict]) -> list[dict]:
    return [i for i in found if i["code"] == case.code and i["row"] == case.row and i["field"] == case.field
            and Path(i["file"]).name == case.file]


def assert_expected(case: Case, result: dict) -> None:
    found = result["errors"] if case.severity == "error" else result["warnings"]
    hits = matching(case, found)
    assert hits, f"{case.name}: expected {case.code} row={case.row} field={case.field} in {case.file}; got " + \
        json.dumps(result["errors"] + result["warnings"], ensure_ascii=False, indent=1)
    assert all(i["message"] and i["hint"] for i in hits)
    assert result["valid"] is (case.severity == "warning"), result["errors"]


def test_the_corpus_is_big_enough():
    assert len(CASES) >= 40
    assert sum(c.cli for c in CASES) >= 10


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_corpus_case(case: Case, tmp_path: Path, env: Env, recorder: RecordingServer):
    package = build_case(case, tmp_path, env)
    paths = project_paths(ROOT)
    settings = dataclasses.replace(load_settings(paths.mkdocs_yml), max_file_bytes=TEST_CAP)
    issues, titles = validate_targets(paths, [package], today=TODAY, settings=settings)
    result = json.loads(report.to_json(issues))
    assert_expected(case, result)
    assert recorder.hits == [], "a request was sent"
    for text in (report.to_json(issues), report.to_text(issues, titles), report.to_html(issues, titles)):
        assert SECRET_MARKER not in text


CLI_CASES = [c for c in CASES if c.cli]


@pytest.mark.parametrize("case", CLI_CASES, ids=[c.name for c in CLI_CASES])
def test_corpus_case_through_the_command_line(case: Case, tmp_path: Path, env: Env, recorder: RecordingServer):
    """The command's contract on hostile input: exit 1, the JSON shape, nothing fetched or leaked
    (in-process; the real command in a new process is tested in test_submission_reports.py)."""
    package = build_case(case, tmp_path, env)
    completed = portal("validate", str(package), "--format", "json")
    assert "Traceback" not in completed.stderr, completed.stderr
    assert completed.returncode == 1, completed.stderr
    result = json.loads(completed.stdout)
    assert set(result) == {"valid", "errors", "warnings"}
    for issue in result["errors"] + result["warnings"]:
        assert list(issue) == ["file", "row", "field", "code", "message", "hint"]
    assert_expected(case, result)
    assert recorder.hits == []
    assert SECRET_MARKER not in completed.stdout + completed.stderr


def test_size_cap_comes_from_mkdocs_yml(tmp_path: Path, env: Env):
    project = copy_project(tmp_path / "project")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "max_file_bytes: 20971520" in text
    config.write_text(text.replace("max_file_bytes: 20971520", "max_file_bytes: 2000"), encoding="utf-8")
    package = project / "catalog" / "banks" / BANK
    completed = portal("validate", str(package), "--format", "json", cwd=project)
    assert completed.returncode == 1
    result = json.loads(completed.stdout)
    assert [(i["code"], Path(i["file"]).name) for i in result["errors"]] == [("file-too-large", "products.csv")]
    assert "2000 字节" in result["errors"][0]["message"]


def test_a_hostile_package_in_the_catalogue_stops_the_build_and_publishes_nothing(tmp_path: Path, env: Env,
                                                                                recorder: RecordingServer):
    project = copy_project(tmp_path / "project")
    hostile = project / "catalog" / "banks" / "dzbank"
    (hostile / "datapackage.json").write_text(json.dumps(
        {"resources": [{"name": "products", "path": f"{env.url}products.csv"}]}), encoding="utf-8")
    (project / "catalog" / "banks" / "cdrcb" / "products.csv").unlink()
    (project / "catalog" / "banks" / "cdrcb" / "products.csv").symlink_to(env.secret)
    out = tmp_path / "site"
    completed = portal("build", "--out", str(out), cwd=project)
    assert completed.returncode == 1
    assert "remote-path" in completed.stderr and "unsafe-path" in completed.stderr
    assert "Traceback" not in completed.stderr
    assert not out.exists(), "nothing may be published from invalid input"
    assert recorder.hits == []
    assert SECRET_MARKER not in completed.stdout + completed.stderr


def test_nonexistent_path_is_a_usage_error():
    """End to end: the real ``portal validate`` in a new process exits 2."""
    completed = run_portal("validate", "/no/such/package", "--format", "json")
    assert completed.returncode == 2
    assert "找不到" in completed.stderr


def test_issue_list_json_uses_canonical_field_names_for_chinese_headers(tmp_path: Path):
    from tests.submissions.corpus.cases import write_package

    titles = {f["name"]: f["title"] for f in json.loads(
        (ROOT / "catalog/schema/products.schema.json").read_text(encoding="utf-8"))["fields"]}
    header = [titles[name] for name in FIELDS]
    row = {titles[k]: v for k, v in valid_row(rate_min="4.35%").items()}
    package = write_package(tmp_path / BANK, csv_bytes([row], header=header))
    issues, _ = validate_targets(project_paths(ROOT), [package], today=TODAY)
    assert [(i.code, i.row, i.field) for i in issues.errors] == [("type-error", 2, "rate_min")]
    assert "请填写不带 % 的数字，如 4.35" in issues.errors[0].hint
    assert "4.35%" in issues.errors[0].message
    # The JSON report names the column by its canonical field name, not the Chinese header.
    errors = json.loads(report.to_json(issues))["errors"]
    assert [(e["row"], e["field"], e["code"]) for e in errors] == [(2, "rate_min", "type-error")]
    assert Path(errors[0]["file"]) == package / "products.csv"


def test_xlsx_that_unpacks_far_beyond_the_cap_is_refused_unopened(tmp_path: Path):
    import io
    import zipfile

    from tests.submissions.corpus.cases import write_package

    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (80 * 1024 * 1024))
    assert len(data.getvalue()) < 1024 * 1024
    package = write_package(tmp_path / BANK, data.getvalue(), path="products.xlsx")
    paths = project_paths(ROOT)
    settings = dataclasses.replace(load_settings(paths.mkdocs_yml), max_file_bytes=1024 * 1024)
    issues, _ = validate_targets(paths, [package], today=TODAY, settings=settings)
    assert [(i.code, Path(i.file).name) for i in issues.errors] == [("file-too-large", "products.xlsx")]


def test_an_unexpected_failure_becomes_an_issue_not_a_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from generator.ingest import catalog
    from tests.submissions.corpus.cases import write_package

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(catalog, "validate_table", explode)
    package = write_package(tmp_path / BANK, csv_bytes([valid_row()]))
    issues, _ = validate_targets(project_paths(ROOT), [package], today=TODAY)
    assert [(i.code, i.row, i.field) for i in issues.errors] == [("internal-error", None, None)]
    assert "RuntimeError" in issues.errors[0].message
