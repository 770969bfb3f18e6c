"""The change report staff read before uploading a rebuilt site.

The first build's report is read from the session's demo build (tests/test_build.py, end to end);
the others come from in-process builds over a copy of the demo site, and the comparison itself is
called directly."""

from __future__ import annotations

import csv
import shutil

from generator.release.changes import compare_sites
from tests.conftest import add_products, copy_project, edit_product, portal


def test_a_first_build_and_an_unchanged_rebuild_say_so(demo_site, rebuilt_demo, tmp_path):
    assert compare_sites(tmp_path / "no-earlier-site", demo_site).to_text() == \
        "变更报告：首次生成，没有可比较的上一版网站。"
    _, printed = rebuilt_demo
    assert "变更报告：与上一版网站相比，产品和页面没有变化。" in printed
    assert compare_sites(demo_site, rebuilt_demo[0]).empty


def test_rebuild_reports_new_removed_and_changed_products(tmp_path, demo_site):
    project = copy_project(tmp_path / "project")
    out = shutil.copytree(demo_site, tmp_path / "site")      # the earlier publication
    edit_product(project, "icbc", 0, rate_max="7.77")
    edit_product(project, "icbc", 1, status="暂停")
    with (project / "catalog" / "banks" / "icbc" / "products.csv").open(encoding="utf-8", newline="") as f:
        third = list(csv.DictReader(f))[2]
    add_products(project, {**third, "product_id": "icbc-new-test-dai", "name": "新增测试贷"}, bank="icbc")
    report = portal("build", "--out", str(out), cwd=project, check=True).stdout
    assert "新增产品 1 款：新增测试贷（icbc-new-test-dai）" in report
    assert "不再发布的产品 1 款" in report
    assert "变更项：年化利率上限(%)" in report
