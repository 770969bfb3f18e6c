"""The canonical product schema (``catalog/schema/products.schema.json``).

It is a Frictionless Table Schema plus two extension keys that Table Schema v1 lacks:
``x-list`` (a cell holding several values, with the allowed items) and ``x-positive``
(a number that must be > 0). A bank's own schema is never used.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from frictionless import Schema

from generator.core.errors import ConfigError
from generator.core.offline import offline_frictionless

# DESIGN.md section 3: list values are separated by 、 ； ; or , (the full-width ，is what
# people type on Chinese keyboards, so it is accepted too).
LIST_SEPARATORS = re.compile(r"[、；;,，]")

# frictionless reads a number with Python's Decimal, which also takes "1e2", "NaN", "Infinity"
# and raises on "sNaN". A bank writes plain digits, so anything else is a type error before
# frictionless sees it.
NUMBER_SYNTAX = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
INTEGER_SYNTAX = re.compile(r"^[+-]?\d+$")

# frictionless's own per-cell reader: cell -> (typed value, notes); notes maps a failed check
# ("type", "required", "enum", "pattern", "minimum", ...) to frictionless's English note.
CellReader = Callable[[Any], tuple[Any, dict[str, str] | None]]


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
    constraints: dict = field(default_factory=dict, compare=False)


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
                constraints=dict(constraints),
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

    @cached_property
    def titles(self) -> dict[str, str]:
        """Field name -> Chinese title, as reports and pages show it."""
        return {f.name: f.title for f in self.fields}

    @cached_property
    def vocab(self) -> dict[str, tuple[str, ...]]:
        """Field name -> allowed values (list items or enum; empty for free text)."""
        return {f.name: f.list_enum or f.enum or () for f in self.fields}

    def frictionless_schema(self) -> Schema:
        with offline_frictionless():
            return Schema.from_descriptor(self.descriptor)

    @cached_property
    def cell_readers(self) -> dict[str, CellReader]:
        """frictionless's type + constraint check for each canonical field (compiled once)."""
        with offline_frictionless():
            return {f.name: f.create_cell_reader() for f in self.frictionless_schema().fields}

    @cached_property
    def row_readers(self) -> dict[str, CellReader | None]:
        """The readers validation applies to non-empty cells, tuned for 100,000-row tables.

        None where frictionless would only hand the text back (a string field with no
        constraint other than ``required``, which validation checks itself on empty cells);
        memoised where a column has few distinct values (dates, booleans, enums): parsing
        "2026-01-05" with strptime once per table instead of once per row. Both return exactly
        what frictionless's reader returns.
        """
        readers: dict[str, CellReader | None] = {}
        for spec in self.fields:
            reader = self.cell_readers[spec.name]
            checks = set(spec.constraints) - {"required"}
            field_descriptor = next(f for f in self.descriptor["fields"] if f["name"] == spec.name)
            if spec.type == "string" and not checks and field_descriptor.get("format", "default") == "default":
                readers[spec.name] = None
            elif spec.type in ("date", "boolean") or spec.enum:
                readers[spec.name] = lru_cache(maxsize=4096)(reader)
            else:
                readers[spec.name] = reader
        return readers

    @cached_property
    def syntax(self) -> dict[str, re.Pattern]:
        """The plain-digits rule checked before frictionless for number and integer fields."""
        return {f.name: NUMBER_SYNTAX if f.type == "number" else INTEGER_SYNTAX
                for f in self.fields if f.type in ("number", "integer")}


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
        _ = schema.fields
        _ = schema.cell_readers  # fail early on a broken canonical schema (e.g. a bad regex)
    except FileNotFoundError as exc:
        raise ConfigError(f"找不到产品标准模式文件 {path}") from exc
    except Exception as exc:  # noqa: BLE001 - any defect of the office's schema is a config error
        raise ConfigError(f"产品标准模式文件 {path} 无效：{exc}") from exc
    return schema
