"""The site's public identity from ``mkdocs.yml`` ``extra.portal``: the footer (主办单位,
承办单位, contact, 网站标识码, ICP and public-security filing numbers), the public address used
for absolute URLs in feeds and the sitemap, and the warning notice the banner links to.

Every value is checked here, before anything is built: a malformed filing number on a
government site is an inspection finding, so a bad value is a configuration error (exit 2)
that names the key.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

from generator.core.settings import ConfigError, PortalSettings

# 网站标识码: 10 characters, letters and digits (e.g. 5117020001, or bm… for ministries).
SITE_CODE = re.compile(r"^[A-Za-z0-9]{10}$")
# ICP 备案号: province abbreviation + ICP备 + number + 号, optionally -N for a site (蜀ICP备12345678号-1).
ICP_NUMBER = re.compile(r"^[\u4e00-\u9fff]ICP备\d{6,10}号(-\d{1,3})?$")
# 公安机关备案号: province abbreviation + 公网安备 + 14 digits + 号 (川公网安备51170202000123号).
POLICE_NUMBER = re.compile(r"^[\u4e00-\u9fff]公网安备(\d{14})号$")
# Same rule as a bank's contact_phone: landline, mobile, 95xxx or 400 hotline.
PHONE = re.compile(r"^(0\d{2,3}-?\d{7,8}(-\d{1,6})?|1[3-9]\d{9}|95\d{3,6}|400-?\d{3}-?\d{4}|12\d{3})$")
ICP_LOOKUP = "https://beian.miit.gov.cn/"
POLICE_LOOKUP = "https://beian.mps.gov.cn/#/query/webSearch?code="

FOOTER_KEYS = ("sponsor", "organizer", "contact_phone", "contact_address", "site_code", "icp_number",
               "police_number", "sample")


@dataclass(frozen=True)
class Footer:
    sponsor: str = ""            # 主办单位
    organizer: str = ""          # 承办单位
    contact_phone: str = ""
    contact_address: str = ""
    site_code: str = ""          # 网站标识码
    icp_number: str = ""         # ICP 备案号
    police_number: str = ""      # 公安机关备案号
    sample: bool = False         # values are placeholders: every one is marked 示例
    icp_url: str = ICP_LOOKUP
    police_url: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class SiteInfo:
    footer: Footer
    base_url: str | None         # public address ending in "/", only for feeds and the sitemap


def load_site_info(settings: PortalSettings, content_dir: Path) -> SiteInfo:
    portal = settings.extra or {}
    _check_warning_notice(settings, content_dir)
    return SiteInfo(footer=_footer(portal.get("footer")), base_url=_base_url(portal.get("base_url")))


def _fail(key: str, message: str) -> ConfigError:
    return ConfigError(f"mkdocs.yml 中 extra.portal.{key} 有误：{message}")


def _footer(raw: object) -> Footer:
    if raw is None:
        return Footer()
    if not isinstance(raw, dict):
        raise _fail("footer", "应是“键: 值”的设置，见 README“页脚设置”。")
    for key in raw:
        if key not in FOOTER_KEYS:
            raise _fail(f"footer.{key}", f"不是已知的页脚设置；可用的键：{'、'.join(FOOTER_KEYS)}。")
    values: dict[str, str] = {}
    for key in FOOTER_KEYS[:-1]:
        value = raw.get(key)
        if value is None:
            values[key] = ""
            continue
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            raise _fail(f"footer.{key}", "应是一段文字。")
        values[key] = str(value).strip()
    checks = (
        ("site_code", SITE_CODE, "网站标识码应是 10 位字母或数字，如 5117020001。"),
        ("icp_number", ICP_NUMBER, "ICP 备案号格式应如 蜀ICP备12345678号 或 蜀ICP备12345678号-1。"),
        ("police_number", POLICE_NUMBER, "公安机关备案号格式应如 川公网安备51170202000123号（14 位数字）。"),
        ("contact_phone", PHONE, "联系电话应是固定电话（如 0818-2123456）、手机号码或服务热线。"),
    )
    for key, pattern, message in checks:
        if values[key] and not pattern.match(values[key]):
            raise _fail(f"footer.{key}", f"“{values[key]}”格式不对。{message}")
    sample = raw.get("sample", False)
    if not isinstance(sample, bool):
        raise _fail("footer.sample", "只能是 true 或 false。")
    police = POLICE_NUMBER.match(values["police_number"])
    return Footer(**values, sample=sample, police_url=POLICE_LOOKUP + police.group(1) if police else "")


def _base_url(raw: object) -> str | None:
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str):
        raise _fail("base_url", "应是网址文字，如 https://www.example.gov.cn/xwqy/。")
    parts = urlsplit(raw.strip())
    if parts.scheme not in ("https", "http") or not parts.netloc or parts.query or parts.fragment:
        raise _fail("base_url", f"“{raw}”不是完整的网址；应以 https:// 开头，如 https://www.example.gov.cn/xwqy/。")
    url = raw.strip()
    return url if url.endswith("/") else url + "/"


def _check_warning_notice(settings: PortalSettings, content_dir: Path) -> None:
    target = settings.warning_notice
    if not target:
        raise _fail("warning_notice", "必须指定防范非法中介风险提示的文件，如 notices/illegal-intermediaries.md。")
    if not target.startswith("notices/") or not (content_dir / target).is_file():
        raise _fail("warning_notice", f"找不到 {content_dir.name}/{target}；全站风险提示横幅需要链接到这篇通知。"
                    "请写 content/ 下通知的相对路径，如 notices/illegal-intermediaries.md。")
