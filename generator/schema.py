"""The canonical product schema (``catalog/schema/products.schema.json``).

It is a Frictionless Table Schema plus two extension keys that Table Schema v1 lacks:
``x-list`` (a cell holding several values, with the allowed items) and ``x-positive``
(a number that must be > 0). A bank's own schema is never used.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from frictionless import Schema

from generator.config import ConfigError

# DESIGN.md section 3: list values are separated by 、 ； ; or , (the full-width ，is what
# people type on Chinese keyboards, so it is accepted too).
LIST_SEPARATORS = re.compile(r"[、；;,，]")


@dataclass(frozen=True)
class FieldSpec:
    name: str
    title: str
    type: str
    description: str
    required: bool
    enum: tuple[str, ...] | None
    is_list: bool
    list_enum: tuple[str, ...] | None
    positive: bool


@dataclass(frozen=True)
class CanonicalSchema:
    descriptor: dict

    @cached_property
    def fields(self) -> list[FieldSpec]:
        specs = []
        for f in self.descriptor["fields"]:
            constraints = f.get("constraints", {})
            x_list = f.get("x-list")
            specs.append(FieldSpec(
                name=f["name"],
                title=f.get("title", f["name"]),
                type=f.get("type", "string"),
                description=f.get("description", ""),
                required=bool(constraints.get("required")),
                enum=tuple(constraints["enum"]) if "enum" in constraints else None,
                is_list=x_list is not None,
                list_enum=tuple(x_list["enum"]) if x_list and "enum" in x_list else None,
                positive=bool(f.get("x-positive")),
            ))
        return specs

    @cached_property
    def by_name(self) -> dict[str, FieldSpec]:
        return {f.name: f for f in self.fields}

    @cached_property
    def header_lookup(self) -> dict[str, str]:
        """Maps a normalised header cell (name or Chinese title) to the field name."""
        lookup = {}
        for f in self.fields:
            lookup[normalise_header(f.name)] = f.name
            lookup[normalise_header(f.title)] = f.name
        return lookup

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.fields]

    def frictionless_schema(self) -> Schema:
        return Schema.from_descriptor(self.descriptor)


def normalise_header(cell: object) -> str:
    """Header cells from Excel carry stray spaces, full-width brackets and case changes."""
    text = "" if cell is None else str(cell)
    text = text.replace("（", "(").replace("）", ")").replace("\u3000", " ")
    return re.sub(r"\s+", "", text).lower()


def split_list(value: str) -> list[str]:
    return [item.strip() for item in LIST_SEPARATORS.split(value) if item.strip()]


def load_schema(path: Path) -> CanonicalSchema:
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
        schema = CanonicalSchema(descriptor)
        schema.frictionless_schema()  # fail early on a broken canonical schema
        _ = schema.fields
    except FileNotFoundError as exc:
        raise ConfigError(f"找不到产品标准模式文件 {path}") from exc
    except Exception as exc:  # noqa: BLE001 - any defect of the office's schema is a config error
        raise ConfigError(f"产品标准模式文件 {path} 无效：{exc}") from exc
    return schema
