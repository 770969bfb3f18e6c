"""The change report staff read before uploading a rebuilt site."""

from __future__ import annotations

import csv
import io

from tests.conftest import copy_project, run_portal


def edit_bank_csv(project, bank_id, edit):
    path = project / "catalog" / "banks" / bank_id / "products.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    edit(rows)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def test_rebuild_reports_new_removed_and_changed_products(tmp_path):
    project = copy_project(tmp_path / "project")
    out = tmp_path / "site"
    first = run_portal("build", "--out", str(out), cwd=project, check=True)
    assert "首次生成" in first.stdout
    again = run_portal("build", "--out", str(out), cwd=project, check=True)
    assert "没有变化" in again.stdout

    def change(rows):
        header = rows[0]
        rows[1][header.index("rate_max")] = "7.77"
        paused = rows[2]
        paused[header.index("status")] = "暂停"
        new = list(rows[3])
        new[header.index("product_id")] = "icbc-new-test-dai"
        new[header.index("name")] = "新增测试贷"
        rows.append(new)

    edit_bank_csv(project, "icbc", change)
    report = run_portal("build", "--out", str(out), cwd=project, check=True).stdout
    assert "新增产品 1 款：新增测试贷（icbc-new-test-dai）" in report
    assert "不再发布的产品 1 款" in report
    assert "变更项：年化利率上限(%)" in report
