"""Project paths and the site settings, read and checked once.

Staff edit one file: the settings live in ``mkdocs.yml`` under ``extra.portal`` (README "Site
settings"). ``load_settings`` turns that mapping into one frozen ``PortalSettings``; every key is
declared below with its type and range, and a bad value is a ``ConfigError`` (exit 2) naming the
key. The footer (主办单位, 承办单位, contact, 网站标识码, ICP and public-security filing numbers)
is part of it: a malformed filing number on a government site is an inspection finding.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from generator.core import safe_yaml
from generator.core.errors import ConfigError
from generator.core.models import Region
from generator.core.safe_yaml import StrictLoader

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


@dataclass(frozen=True)
class Number:
    """A numeric setting: its range and whether it must be whole."""

    low: float
    high: float
    whole: bool = False
    unit: str = ""


@dataclass(frozen=True)
class Key:
    """One key of ``extra.portal``: its type and (for numbers) range; its default is PortalSettings'."""

    name: str
    kind: type
    number: Number | None = None
    example: str = ""


# The declaration of every scalar setting (footer and base_url have their own checks below).
KEYS = (
    Key("sample_data", bool, example="true 或 false"),
    Key("district", str, example="达州市通川区"),
    Key("office", str, example="通川区支持小微企业融资协调工作机制办公室"),
    Key("rate_ceiling", float, Number(0.01, 100, unit="%"), example="24"),
    Key("max_file_bytes", int, Number(1024, 2 * 1024 ** 3, whole=True, unit="字节"), example="20971520（20 MB）"),
    Key("max_document_bytes", int, Number(1024, 64 * 1024 ** 2, whole=True, unit="字节"),
        example="2097152（2 MB）"),
    Key("stale_after_days", int, Number(1, 3650, whole=True, unit="天"), example="180"),
    Key("warning_notice", str, example="notices/illegal-intermediaries.md"),
)
OTHER_KEYS = ("base_url", "footer", "region", "region_code")
# 行政区划代码 (GB/T 2260): six digits, the first two a province (11 北京 … 82 澳门).
REGION_CODE = re.compile(r"^[1-8]\d{5}$")


@dataclass(frozen=True)
class PortalSettings:
    sample_data: bool = False
    district: str = ""
    office: str = ""
    rate_ceiling: float = 24.0          # highest annual rate (%) a product may show
    max_file_bytes: int = 20 * 1024 * 1024
    max_document_bytes: int = 2 * 1024 * 1024   # one Markdown file under content/
    stale_after_days: int = 180         # older data is flagged 数据可能已过期
    warning_notice: str = "notices/illegal-intermediaries.md"
    base_url: str | None = None         # public address ending in "/": feeds, sitemap, QR codes, share tags
    footer: Footer = Footer()
    region: Region | None = None        # the district this portal serves: in the manifest and open data


@dataclass(frozen=True)
class ProjectPaths:
    root: Path
    mkdocs_yml: Path
    catalog: Path
    content: Path
    templates: Path
    out: Path

    @property
    def schema_file(self) -> Path:
        return self.catalog / "schema" / "products.schema.json"

    @property
    def registry_file(self) -> Path:
        return self.catalog / "registry" / "banks.csv"

    @property
    def banks_dir(self) -> Path:
        return self.catalog / "banks"


def _yaml_loader() -> type:
    # mkdocs.yml may use MkDocs' own tags (!ENV, !relative); ignore them when we only read extra.
    class Loader(StrictLoader):
        pass

    def _any_tag(loader, suffix, node):  # noqa: ANN001
        if isinstance(node, yaml.ScalarNode):
            return loader.construct_scalar(node)
        if isinstance(node, yaml.SequenceNode):
            return loader.construct_sequence(node)
        return loader.construct_mapping(node)

    Loader.add_multi_constructor("!", _any_tag)
    Loader.add_multi_constructor("tag:yaml.org,2002:python/", _any_tag)
    return Loader


def load_settings(mkdocs_yml: Path) -> PortalSettings:
    """Read ``extra.portal`` from ``mkdocs.yml`` and check every key; ``ConfigError`` names the bad one."""
    try:
        data = safe_yaml.load(mkdocs_yml.read_text(encoding="utf-8"), _yaml_loader()) or {}
    except FileNotFoundError as exc:
        raise ConfigError(f"找不到站点配置文件 {mkdocs_yml}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"站点配置文件 {mkdocs_yml} 不是有效的 YAML：{exc}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"无法读取站点配置文件 {mkdocs_yml}：{exc}") from exc
    extra = data.get("extra") if isinstance(data, dict) else None
    portal = (extra or {}).get("portal") if isinstance(extra, dict) else None
    if portal is None:
        portal = {}
    if not isinstance(portal, dict):
        raise _fail("", "应是“键: 值”的设置，见 README“站点设置”。")
    known = [k.name for k in KEYS] + list(OTHER_KEYS)
    for key in portal:
        if key not in known:
            close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
            hint = f"是不是要写 {close[0]}？" if close else f"可用的键：{'、'.join(known)}。"
            raise _fail(str(key), f"不是已知的设置。{hint}")
    # A key left out (or empty) keeps PortalSettings' default.
    values = {k.name: _scalar(k, portal[k.name]) for k in KEYS if portal.get(k.name) is not None}
    return PortalSettings(**values, base_url=_base_url(portal.get("base_url")), footer=_footer(portal.get("footer")),
                          region=_region(portal.get("region"), portal.get("region_code")))


def _fail(key: str, message: str) -> ConfigError:
    where = f"extra.portal.{key}" if key else "extra.portal"
    return ConfigError(f"mkdocs.yml 中 {where} 有误：{message}")


def _scalar(key: Key, raw: object) -> Any:
    if key.kind is bool:
        if not isinstance(raw, bool):
            raise _fail(key.name, f"“{raw}”不是 true 或 false。")
        return raw
    if key.kind is str:
        if not isinstance(raw, str):
            raise _fail(key.name, f"应是一段文字，如 {key.example}。")
        return raw
    spec = key.number
    if isinstance(raw, bool) or not isinstance(raw, (int, float)) or (spec.whole and isinstance(raw, float)
                                                                       and not raw.is_integer()):
        kind = "整数" if spec.whole else "数字"
        raise _fail(key.name, f"“{raw}”不是{kind}；请写一个{kind}，如 {key.example}。")
    if not spec.low <= raw <= spec.high:
        raise _fail(key.name, f"{raw} 超出允许范围；应在 {_plain(spec.low)} 到 {_plain(spec.high)} {spec.unit}之间，"
                    f"如 {key.example}。")
    return key.kind(raw)


def _plain(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


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


def _region(name: object, code: object) -> Region | None:
    """``region`` and ``region_code`` go together (a code alone names no place, a name alone is ambiguous)."""
    if name in (None, "") and code in (None, ""):
        return None
    if not isinstance(name, str) or not name.strip():
        raise _fail("region", "填写了 region_code 时也要填写地区名称，如 region: 通川区。")
    if isinstance(code, bool) or not isinstance(code, (str, int)) or not REGION_CODE.match(str(code).strip()):
        raise _fail("region_code", f"“{code if code is not None else ''}”不是 6 位行政区划代码；"
                    "请写本区县的代码，如 511702（通川区）。")
    return Region(name.strip(), str(code).strip())


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


def check_warning_notice(settings: PortalSettings, content_dir: Path) -> None:
    """The banner needs its notice: a setting that names a missing file stops the build (exit 2)."""
    target = settings.warning_notice
    if not target:
        raise _fail("warning_notice", "必须指定防范非法中介风险提示的文件，如 notices/illegal-intermediaries.md。")
    if not target.startswith("notices/") or not (content_dir / target).is_file():
        raise _fail("warning_notice", f"找不到 {content_dir.name}/{target}；全站风险提示横幅需要链接到这篇通知。"
                    "请写 content/ 下通知的相对路径，如 notices/illegal-intermediaries.md。")


def project_paths(root: Path | None = None, *, catalog: Path | None = None,
                  content: Path | None = None, out: Path | None = None) -> ProjectPaths:
    root = (root or Path.cwd()).resolve()
    return ProjectPaths(
        root=root,
        mkdocs_yml=root / "mkdocs.yml",
        catalog=(catalog or root / "catalog").resolve(),
        content=(content or root / "content").resolve(),
        templates=root / "site_templates",
        out=(out or root / "site").resolve(),
    )
