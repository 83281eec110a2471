"""`graph.draw_mermaid()`: a runnable's graph as Mermaid flowchart text, written as
LangChain's `draw_mermaid` writes it (the same node ids, labels, edges and styles), so
a page or test that shows LangChain's diagram shows chatplex's the same way.

chatplex's graphs are flat (no LangGraph subgraphs), so no `subgraph` blocks are drawn.
The frontmatter is a small YAML writer of its own: no YAML package is needed.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

__all__ = ["NODE_STYLES", "draw_mermaid"]

#: LangChain's default `NodeStyles`: class name -> Mermaid style.
NODE_STYLES = {
    "default": "fill:#f2f0ff,line-height:1.2",
    "first": "fill-opacity:0",
    "last": "fill:#bfb6fc",
}

_MARKDOWN_SPECIAL = ("*", "_", "`")
_LABEL_ESCAPES = {
    "[": "#91;",
    "]": "#93;",
    "(": "#40;",
    ")": "#41;",
    "{": "#123;",
    "}": "#125;",
    '"': "#quot;",
    "<": "#60;",
    ">": "#62;",
    "|": "#124;",
}
_SAFE = set(string.ascii_letters + string.digits + "_-")
_PLAIN_YAML = re.compile(r"^[A-Za-z0-9_.#/-]+$")


def _safe_id(label: str) -> str:
    """A Mermaid-safe node id: other characters as a backslash and their hex code."""
    return "".join(ch if ch in _SAFE else "\\" + format(ord(ch), "x") for ch in label)


def _escape(text: str) -> str:
    text = text.replace("#", "#35;")
    for char, entity in _LABEL_ESCAPES.items():
        text = text.replace(char, entity)
    return text


def _metadata_lines(metadata: Mapping[str, Any]) -> list[str]:
    lines = []
    scalars = (str, int, float, bool)
    for key, value in metadata.items():
        if isinstance(value, scalars):
            shown = str(value)
        elif isinstance(value, (list, tuple, set)) and all(isinstance(v, scalars) for v in value):
            items = [str(v) for v in value]
            shown = ", ".join(sorted(items) if isinstance(value, set) else items)
        else:
            continue
        lines.append(_escape(f"{key} = {shown}"))
    return lines


def _yaml(value: Any, indent: int = 0) -> str:
    """Block-style YAML with sorted keys, as `yaml.dump(default_flow_style=False)`."""
    pad = "  " * indent
    if isinstance(value, Mapping):
        out = ""
        for key in sorted(value):
            item = value[key]
            if isinstance(item, Mapping) and item:
                out += f"{pad}{key}:\n{_yaml(item, indent + 1)}"
            else:
                out += f"{pad}{key}: {_scalar(item)}\n"
        return out
    return f"{pad}{_scalar(value)}\n"


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, Mapping):
        return "{}"
    text = str(value)
    return text if _PLAIN_YAML.match(text) else json.dumps(text)


def draw_mermaid(
    nodes: Mapping[str, Any],
    edges: Sequence[Any],
    *,
    first_node: str | None,
    last_node: str | None,
    with_styles: bool,
    curve_style: str,
    node_styles: Mapping[str, str],
    wrap_label_n_words: int,
    frontmatter_config: Mapping[str, Any] | None,
) -> str:
    """`nodes`: id -> node (`.name`, `.metadata`); `edges`: `.source`, `.target`,
    `.data`, `.conditional`."""
    given = dict(frontmatter_config or {})
    config = dict(given.get("config", {}))
    config["flowchart"] = {**config.get("flowchart", {}), "curve": curve_style}
    if with_styles:
        text = "---\n" + _yaml({**given, "config": config}) + "---\ngraph TD;\n"
        formats = {first_node: "{0}([{1}]):::first", last_node: "{0}([{1}]):::last"}
        for key, node in nodes.items():
            name = node.name
            label = (
                f"<p>{name}</p>"
                if name.startswith(_MARKDOWN_SPECIAL) and name.endswith(_MARKDOWN_SPECIAL)
                else name
            )
            lines = _metadata_lines(node.metadata or {})
            if lines:
                label += "<hr/><small><em>" + "\n".join(lines) + "</em></small>"
            text += "\t" + formats.get(key, "{0}({1})").format(_safe_id(key), label) + "\n"
    else:
        text = "graph TD;\n"
    for edge in edges:
        if edge.data is not None:
            words = str(edge.data).split()
            data = (
                "&nbsp<br>&nbsp".join(
                    " ".join(words[i : i + wrap_label_n_words])
                    for i in range(0, len(words), wrap_label_n_words)
                )
                if len(words) > wrap_label_n_words
                else edge.data
            )
            arrow = (
                f" -. &nbsp;{data}&nbsp; .-> "
                if edge.conditional
                else f" -- &nbsp;{data}&nbsp; --> "
            )
        else:
            arrow = " -.-> " if edge.conditional else " --> "
        text += f"\t{_safe_id(edge.source)}{arrow}{_safe_id(edge.target)};\n"
    if with_styles:
        text += "".join(f"\tclassDef {name} {style}\n" for name, style in node_styles.items())
    return text
