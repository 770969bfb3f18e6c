"""Usage mistakes on the command line are answered in Chinese, with the usage line, exit 2."""

from __future__ import annotations

import pytest

from tests.conftest import portal


@pytest.mark.parametrize(("args", "words"), [
    (["verify"], "缺少参数 TARGET"),
    (["accept", "x.csv"], "缺少选项 --bank"),
    (["bundle", "--reviewer", "张三", "--reviewed-on", "2026-13-45"], "不是有效的日期，请写成 YYYY-MM-DD"),
    (["validate", "--format", "xml"], "不是可选的值"),
    (["biuld"], "是不是要写 build"),
    (["build", "--bogus"], "没有选项 --bogus"),
])
def test_a_usage_mistake_is_explained_in_chinese(args, words):
    result = portal(*args)
    assert result.returncode == 2
    assert words in result.stderr and "用法：portal" in result.stderr
    assert "Error:" not in result.stderr and "Missing" not in result.stderr


def test_help_still_works_and_exits_0():
    result = portal("--help")
    assert result.returncode == 0 and "校验银行数据和内容" in result.stdout
