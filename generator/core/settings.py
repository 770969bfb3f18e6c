"""Project paths and site settings.

Site settings live in ``mkdocs.yml`` under ``extra.portal`` so that staff edit one file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

DEFAULT_RATE_CEILING = 24.0
DEFAULT_MAX_FILE_BYTES = 20 * 1024 * 1024
DEFAULT_STALE_AFTER_DAYS = 180


class ConfigError(Exception):
    """The project configuration is unusable (command contract: exit 2)."""


@dataclass(frozen=True)
class PortalSettings:
    sample_data: bool = False
    district: str = ""
    office: str = ""
    rate_ceiling: float = DEFAULT_RATE_CEILING
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    stale_after_days: int = DEFAULT_STALE_AFTER_DAYS
    warning_notice: str = "notices/illegal-intermediaries.md"
    extra: dict = field(default_factory=dict)


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
    class Loader(yaml.SafeLoader):
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
    try:
        data = yaml.load(mkdocs_yml.read_text(encoding="utf-8"), Loader=_yaml_loader()) or {}
    except FileNotFoundError as exc:
        raise ConfigError(f"找不到站点配置文件 {mkdocs_yml}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"站点配置文件 {mkdocs_yml} 不是有效的 YAML：{exc}") from exc
    portal = ((data.get("extra") or {}).get("portal")) or {}
    if not isinstance(portal, dict):
        raise ConfigError(f"{mkdocs_yml}：extra.portal 必须是键值对")
    try:
        return PortalSettings(
            sample_data=bool(portal.get("sample_data", False)),
            district=str(portal.get("district", "")),
            office=str(portal.get("office", "")),
            rate_ceiling=float(portal.get("rate_ceiling", DEFAULT_RATE_CEILING)),
            max_file_bytes=int(portal.get("max_file_bytes", DEFAULT_MAX_FILE_BYTES)),
            stale_after_days=int(portal.get("stale_after_days", DEFAULT_STALE_AFTER_DAYS)),
            warning_notice=str(portal.get("warning_notice", "notices/illegal-intermediaries.md")),
            extra=portal,
        )
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{mkdocs_yml}：extra.portal 中的数值设置无效：{exc}") from exc


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
