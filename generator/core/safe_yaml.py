"""The one YAML loader for files staff write (front matter, queries.yml, wordlist.yml, mkdocs.yml).

Safe YAML without anchors and aliases: a few hundred bytes of nested aliases ("billion laughs")
expand to gigabytes once anything walks or prints the value, so they are refused with the line,
before any value is built. Duplicate keys are refused too (the second silently wins otherwise).
"""

from __future__ import annotations

import yaml


class Refused(yaml.MarkedYAMLError):
    """A construct this loader does not accept; ``problem`` is Chinese, ``problem_mark`` the place
    (a MarkedYAMLError, so callers that name the line of a syntax error name this one's too)."""

    def __init__(self, problem: str, mark: yaml.Mark | None) -> None:
        super().__init__(problem=problem, problem_mark=mark)

    def __str__(self) -> str:
        where = f"第 {self.problem_mark.line + 1} 行：" if self.problem_mark is not None else ""
        return f"{where}{self.problem}"


class StrictLoader(yaml.SafeLoader):
    """Safe YAML without anchors/aliases and without duplicate keys."""

    def compose_node(self, parent, index):  # noqa: ANN001, ANN201 - PyYAML's signature
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise Refused("不允许使用别名（*名称），请把内容直接写出来", event.start_mark)
        if getattr(event, "anchor", None) is not None:
            raise Refused("不允许使用锚点（&名称），请把内容直接写出来", event.start_mark)
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):  # noqa: ANN001, ANN201
        seen = set()
        for key_node, _ in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key is not None and key in seen:
                raise Refused(f"“{key}”在同一处写了两次", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load(text: str, loader: type[StrictLoader] = StrictLoader) -> object:
    """Parse one YAML document with ``loader`` (a StrictLoader subclass); raises yaml.YAMLError."""
    instance = loader(text)
    try:
        return instance.get_single_data()
    finally:
        instance.dispose()
