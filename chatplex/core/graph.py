"""`runnable.get_graph()`: a chain's steps as nodes and edges, as LangChain builds them.

A runnable is its input schema → itself → its output schema; a sequence chains its
steps' graphs (inner schema nodes dropped), a parallel map fans out from its input
schema and back into its output schema, `assign` adds a `Passthrough` beside its map,
and wrappers (bindings, listeners, retries, configurable switches) show what they wrap.
Node names follow LangChain's: a runnable's name, or its schema's, without a leading
`Runnable` (`Lambda`, `Parallel<a,b>Input`).

`draw_mermaid()` writes Mermaid text as LangChain does (`_mermaid.py`). `draw_ascii()`
draws the graph in layers, top to bottom. It is not LangChain's
drawing (which needs the `grandalf` package), but shows the same nodes and edges.
Imported on first use: `import chatplex` pays nothing for it (schemas need pydantic).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any
from typing import NamedTuple

from .base import Runnable
from .binding import RunnableBinding
from .composition import RunnableParallel
from .composition import RunnableSequence
from .configurable import RunnableConfigurableAlternatives
from .configurable import RunnableConfigurableFields
from .passthrough import RunnableAssign
from .passthrough import RunnablePassthrough
from .reliability import RunnableRetry
from .run_config import RunnableConfig

__all__ = ["Edge", "Graph", "Node", "runnable_graph"]


class Node(NamedTuple):
    id: str
    name: str
    data: Any  # the runnable, or its input/output schema (a pydantic model class)
    metadata: dict[str, Any] | None = None


class Edge(NamedTuple):
    source: str
    target: str
    data: Any = None
    conditional: bool = False


def _name(data: Any) -> str:
    name = data.get_name() if isinstance(data, Runnable) else getattr(data, "__name__", str(data))
    return name[8:] if name.startswith("Runnable") else name


class Graph:
    """Nodes by id (`nodes`), and `edges` between their ids."""

    def __init__(self) -> None:
        self.nodes: dict[str, Node] = {}
        self.edges: list[Edge] = []

    def __bool__(self) -> bool:
        return bool(self.nodes)

    def __repr__(self) -> str:
        return f"Graph({len(self.nodes)} nodes, {len(self.edges)} edges)"

    def add_node(
        self, data: Any, id: str | None = None, *, metadata: dict[str, Any] | None = None
    ) -> Node:
        if id is not None and id in self.nodes:
            raise ValueError(f"the graph already has a node with id {id!r}")
        node = Node(id or uuid.uuid4().hex, _name(data) if id is None else id, data, metadata)
        self.nodes[node.id] = node
        return node

    def remove_node(self, node: Node) -> None:
        self.nodes.pop(node.id)
        self.edges = [e for e in self.edges if node.id not in (e.source, e.target)]

    def add_edge(
        self, source: Node, target: Node, data: Any = None, conditional: bool = False
    ) -> Edge:
        for end in (source, target):
            if end.id not in self.nodes:
                raise ValueError(f"no node {end.name!r} ({end.id}) in the graph")
        edge = Edge(source.id, target.id, data, conditional)
        self.edges.append(edge)
        return edge

    def extend(self, other: Graph) -> tuple[Node | None, Node | None]:
        """Add `other`'s nodes and edges (not connected); its first and last nodes."""
        self.nodes.update(other.nodes)
        self.edges.extend(other.edges)
        return other.first_node(), other.last_node()

    def _single(self, ends: Callable[[Edge], str], exclude: str | None = None) -> Node | None:
        linked = {ends(e) for e in self.edges if exclude not in (e.source, e.target)}
        found = [n for n in self.nodes.values() if n.id != exclude and n.id not in linked]
        return found[0] if len(found) == 1 else None

    def first_node(self) -> Node | None:
        """The one node no edge leads to (None if there are several or none)."""
        return self._single(lambda e: e.target)

    def last_node(self) -> Node | None:
        """The one node no edge leaves (None if there are several or none)."""
        return self._single(lambda e: e.source)

    def trim_first_node(self) -> None:
        """Drop the first node if it has one edge out and another node would be first."""
        self._trim(self.first_node(), lambda e: e.target, lambda e: e.source)

    def trim_last_node(self) -> None:
        """Drop the last node if it has one edge in and another node would be last."""
        self._trim(self.last_node(), lambda e: e.source, lambda e: e.target)

    def _trim(
        self, end: Node | None, ends: Callable[[Edge], str], own: Callable[[Edge], str]
    ) -> None:
        """Drop `end` (the first or last node, as `_single(ends)` finds it) if one edge
        alone has it as its `own` end and another node would take its place."""
        if (
            end is not None
            and self._single(ends, exclude=end.id) is not None
            and sum(own(e) == end.id for e in self.edges) == 1
        ):
            self.remove_node(end)

    def reid(self) -> Graph:
        """A copy whose node ids are their names (numbered when a name repeats)."""
        counts: dict[str, int] = {}
        for node in self.nodes.values():
            counts[node.name] = counts.get(node.name, 0) + 1
        seen: dict[str, int] = {}
        ids: dict[str, str] = {}
        for node in self.nodes.values():
            if counts[node.name] == 1:
                ids[node.id] = node.name
            else:
                seen[node.name] = seen.get(node.name, 0) + 1
                ids[node.id] = f"{node.name}_{seen[node.name]}"
        out = Graph()
        out.nodes = {ids[k]: n._replace(id=ids[k]) for k, n in self.nodes.items()}
        out.edges = [e._replace(source=ids[e.source], target=ids[e.target]) for e in self.edges]
        return out

    def draw_ascii(self) -> str:
        """The graph as text, in layers from the first node down (see `_ascii.py`)."""
        from ._ascii import draw

        return draw({n.id: n.name for n in self.nodes.values()}, self.edges)

    def print_ascii(self) -> None:
        print(self.draw_ascii())  # noqa: T201 - that is what it is for

    def draw_mermaid(
        self,
        *,
        with_styles: bool = True,
        curve_style: Any = "linear",
        node_colors: Any = None,
        wrap_label_n_words: int = 9,
        frontmatter_config: dict[str, Any] | None = None,
    ) -> str:
        """The graph as Mermaid flowchart text, as LangChain writes it (see `_mermaid.py`).

        Args:
            with_styles: declare the nodes and their styles (else edges only).
            curve_style: Mermaid's edge curve (`"linear"`, `"basis"`..., or LangChain's
                `CurveStyle`).
            node_colors: styles of the `default`, `first` and `last` nodes (a dict, or
                LangChain's `NodeStyles`).
            wrap_label_n_words: words per line of an edge label.
            frontmatter_config: Mermaid configuration, written as YAML frontmatter.
        """
        from ._mermaid import NODE_STYLES
        from ._mermaid import draw_mermaid

        graph = self.reid()
        first, last = graph.first_node(), graph.last_node()
        styles = dict(NODE_STYLES)
        if node_colors is not None:
            given = node_colors if isinstance(node_colors, dict) else vars(node_colors)
            styles.update(given)
        return draw_mermaid(
            graph.nodes,
            graph.edges,
            first_node=first.id if first else None,
            last_node=last.id if last else None,
            with_styles=with_styles,
            curve_style=str(getattr(curve_style, "value", curve_style)),
            node_styles=styles,
            wrap_label_n_words=wrap_label_n_words,
            frontmatter_config=frontmatter_config,
        )


def _schema_node(graph: Graph, runnable: Runnable[Any, Any], output: bool) -> Node:
    try:
        schema = runnable.get_output_schema() if output else runnable.get_input_schema()
    except Exception:  # noqa: BLE001 - a schema that cannot be built still gets a node
        return graph.add_node(_Named(runnable.get_name() + ("Output" if output else "Input")))
    return graph.add_node(schema)


class _Named:
    """A schema node's data when the schema could not be built: just its name."""

    def __init__(self, name: str) -> None:
        self.__name__ = name


def _default(runnable: Runnable[Any, Any], config: RunnableConfig | None) -> Graph:
    graph = Graph()
    first = _schema_node(graph, runnable, output=False)
    node = graph.add_node(runnable, metadata=(config or {}).get("metadata"))
    last = _schema_node(graph, runnable, output=True)
    graph.add_edge(first, node)
    graph.add_edge(node, last)
    return graph


def _sequence(seq: RunnableSequence[Any, Any], config: RunnableConfig | None) -> Graph:
    graph = Graph()
    for index, step in enumerate(seq.steps):
        previous = graph.last_node()
        step_graph = runnable_graph(step, config)
        if index > 0:
            step_graph.trim_first_node()
        if index < len(seq.steps) - 1:
            step_graph.trim_last_node()
        first, _ = graph.extend(step_graph)
        if first is None:
            raise ValueError(f"step {index + 1} ({step.get_name()}) has no first node")
        if previous is not None:
            graph.add_edge(previous, first)
    return graph


def _parallel(par: RunnableParallel[Any], config: RunnableConfig | None) -> Graph:
    graph = Graph()
    first = _schema_node(graph, par, output=False)
    last = _schema_node(graph, par, output=True)
    for key, step in par.steps.items():
        step_graph = runnable_graph(step, None)
        step_graph.trim_first_node()
        step_graph.trim_last_node()
        if not step_graph:
            graph.add_edge(first, last)
            continue
        head, tail = graph.extend(step_graph)
        if head is None or tail is None:
            raise ValueError(f"branch {key!r} ({step.get_name()}) has no single first/last node")
        graph.add_edge(first, head)
        graph.add_edge(tail, last)
    return graph


def _assign(assign: RunnableAssign, config: RunnableConfig | None) -> Graph:
    graph = _parallel(assign.mapper, config)
    first, last = graph.first_node(), graph.last_node()
    if first is not None and last is not None:
        passthrough = graph.add_node(RunnablePassthrough())
        graph.add_edge(first, passthrough)
        graph.add_edge(passthrough, last)
    return graph


def runnable_graph(runnable: Runnable[Any, Any], config: RunnableConfig | None = None) -> Graph:
    """`runnable.get_graph(config)` (see the module doc)."""
    if isinstance(runnable, RunnableSequence):
        return _sequence(runnable, config)
    if isinstance(runnable, RunnableAssign):
        return _assign(runnable, config)
    if isinstance(runnable, RunnableParallel):
        return _parallel(runnable, config)
    if isinstance(runnable, (RunnableConfigurableFields, RunnableConfigurableAlternatives)):
        return runnable_graph(runnable._prepare(dict(config or {})), config)  # type: ignore[arg-type]
    if isinstance(runnable, RunnableRetry):
        return runnable_graph(runnable.bound, config)
    if isinstance(runnable, RunnableBinding):
        return runnable_graph(runnable.bound, config)
    return _default(runnable, config)
