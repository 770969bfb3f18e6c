"""Site settings (``extra.portal`` in mkdocs.yml) are read once, typed and checked per key; every way a
command stops carries its exit code. In-process: no subprocess, no build."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from jinja2 import TemplateSyntaxError

from generator.commands.errors import as_portal_error
from generator.core.errors import EXIT_CONFIG, BuildError, ConfigError
from generator.core.settings import Footer, PortalSettings, check_warning_notice, load_settings
from generator.site.search import SearchIndexError
from tests.conftest import ROOT

DEMO = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")


def settings_with(tmp_path: Path, old: str, new: str) -> PortalSettings:
    assert old in DEMO, old
    path = tmp_path / "mkdocs.yml"
    path.write_text(DEMO.replace(old, new, 1), encoding="utf-8")
    return load_settings(path)


def test_the_demo_settings_are_typed_values():
    settings = load_settings(ROOT / "mkdocs.yml")
    assert settings.sample_data is True
    assert settings.rate_ceiling == 24.0 and isinstance(settings.rate_ceiling, float)
    assert settings.max_file_bytes == 20971520 and settings.stale_after_days == 180
    assert settings.base_url == "https://www.tongchuan.gov.cn/xwqy/"
    assert settings.footer.site_code == "5117020000" and settings.footer.sample is True
    assert settings.footer.police_url.endswith("code=51170200000000")


@pytest.mark.parametrize(("old", "new", "key", "words"), [
    ("rate_ceiling: 24", 'rate_ceiling: "abc"', "extra.portal.rate_ceiling", "不是数字"),
    ("rate_ceiling: 24", "rate_ceiling: 0", "extra.portal.rate_ceiling", "超出允许范围"),
    ("rate_ceiling: 24", "rate_ceiling: 250", "extra.portal.rate_ceiling", "0.01 到 100"),
    ("max_file_bytes: 20971520", "max_file_bytes: -1", "extra.portal.max_file_bytes", "超出允许范围"),
    ("max_file_bytes: 20971520", "max_file_bytes: 1.5", "extra.portal.max_file_bytes", "不是整数"),
    ("stale_after_days: 180", "stale_after_days: true", "extra.portal.stale_after_days", "不是整数"),
    ("sample_data: true", "sample_data: 是", "extra.portal.sample_data", "true 或 false"),
    ("district: 达州市通川区", "district: [a, b]", "extra.portal.district", "一段文字"),
    ("stale_after_days: 180", "stale_after_dayz: 180", "extra.portal.stale_after_dayz", "stale_after_days"),
    ('site_code: "5117020000"', 'site_code: "51170"', "extra.portal.footer.site_code", "10 位"),
    ("icp_number: 蜀ICP备00000000号-1", "icp_number: ICP备案中", "extra.portal.footer.icp_number", "ICP 备案号"),
    ("contact_phone: 0818-0000000", "contact_phone: 12", "extra.portal.footer.contact_phone", "联系电话"),
    ("\n      sample: true", "\n      sample: 1", "extra.portal.footer.sample", "true 或 false"),
    ("base_url: https://www.tongchuan.gov.cn/xwqy/", "base_url: www.tongchuan.gov.cn", "extra.portal.base_url",
     "https://"),
])
def test_a_bad_value_names_its_key_and_how_to_fix_it(tmp_path, old, new, key, words):
    with pytest.raises(ConfigError) as caught:
        settings_with(tmp_path, old, new)
    message = str(caught.value)
    assert key in message and words in message
    assert caught.value.exit_code == EXIT_CONFIG


def test_values_at_the_edges_of_a_range_are_accepted(tmp_path):
    assert settings_with(tmp_path, "rate_ceiling: 24", "rate_ceiling: 100").rate_ceiling == 100.0
    assert settings_with(tmp_path, "stale_after_days: 180", "stale_after_days: 1").stale_after_days == 1
    assert settings_with(tmp_path, "max_file_bytes: 20971520", "max_file_bytes: 2048.0").max_file_bytes == 2048


def test_missing_keys_take_their_documented_defaults(tmp_path):
    path = tmp_path / "mkdocs.yml"
    path.write_text("site_name: x\n", encoding="utf-8")
    assert load_settings(path) == PortalSettings()
    assert PortalSettings().footer == Footer() and PortalSettings().base_url is None


def test_base_url_gets_its_trailing_slash(tmp_path):
    settings = settings_with(tmp_path, "base_url: https://www.tongchuan.gov.cn/xwqy/",
                             "base_url: https://www.tongchuan.gov.cn/xwqy")
    assert settings.base_url == "https://www.tongchuan.gov.cn/xwqy/"


def test_settings_are_frozen():
    with pytest.raises(AttributeError):
        load_settings(ROOT / "mkdocs.yml").rate_ceiling = 30   # type: ignore[misc]


def test_a_missing_warning_notice_names_the_key(tmp_path):
    with pytest.raises(ConfigError, match="extra.portal.warning_notice"):
        check_warning_notice(PortalSettings(warning_notice="notices/gone.md"), tmp_path)


def test_every_failure_maps_to_exit_2_with_a_chinese_message(tmp_path):
    out = tmp_path / "out"
    template = as_portal_error(TemplateSyntaxError("unexpected '}'", 3, filename="product.html"), out)
    assert isinstance(template, ConfigError) and "product.html 第 3 行" in str(template) and f"{out} 保持不变" in str(template)
    disk = as_portal_error(OSError(errno.ENOSPC, "No space left on device"), out)
    assert isinstance(disk, BuildError) and disk.exit_code == 2 and disk.label == "生成网站失败"
    search = as_portal_error(SearchIndexError("找不到 Pagefind 程序"), out)
    assert search.exit_code == 2 and "找不到 Pagefind 程序" in str(search)
    config = ConfigError("mkdocs.yml 中 extra.portal.x 有误")
    assert as_portal_error(config) is config


def test_a_programming_error_is_not_disguised_as_a_configuration_error():
    assert as_portal_error(KeyError("bug")) is None


def test_the_region_is_a_name_with_a_six_digit_code(tmp_path):
    demo = load_settings(ROOT / "mkdocs.yml").region
    assert (demo.name, demo.code) == ("通川区", "511702")
    unquoted = settings_with(tmp_path, 'region_code: "511702"', "region_code: 511702").region
    assert unquoted.code == "511702"     # YAML reads it as a number; it is kept as the digits


@pytest.mark.parametrize(("old", "new", "key"), [
    ('region_code: "511702"', 'region_code: "51170"', "extra.portal.region_code"),
    ('region_code: "511702"', 'region_code: "0A1702"', "extra.portal.region_code"),
    ('region_code: "511702"', "region_code: true", "extra.portal.region_code"),
    ("region: 通川区", "region: ", "extra.portal.region"),
])
def test_a_malformed_region_names_its_key(tmp_path, old, new, key):
    with pytest.raises(ConfigError) as raised:
        settings_with(tmp_path, old, new)
    assert key in str(raised.value) and raised.value.exit_code == EXIT_CONFIG
