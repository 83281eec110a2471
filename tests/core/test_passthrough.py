"""`RunnablePassthrough` and `RunnableAssign` (`core/passthrough.py`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from chatplex import RunnablePassthrough
from chatplex import core
from chatplex.core import Runnable


async def call(r: Runnable[Any, Any], sync: bool, value: Any, config: Any = None) -> Any:
    return r.invoke(value, config) if sync else await r.ainvoke(value, config)


@pytest.mark.parametrize("sync", [True, False])
async def test_passthrough_assign(sync: bool) -> None:
    chain = RunnablePassthrough.assign(n=lambda d: len(d["text"]))
    assert await call(chain, sync, {"text": "abcd"}) == {"text": "abcd", "n": 4}
    with pytest.raises(TypeError, match="dict input"):
        await call(chain, sync, "not a dict")


def test_docstring_examples() -> None:
    import doctest

    from chatplex.core import passthrough

    failures, tried = doctest.testmod(passthrough)
    assert failures == 0 and tried > 0


@pytest.mark.parametrize("sync", [True, False])
async def test_passthrough_returns_its_input_and_streams_pieces_through(sync: bool) -> None:
    passthrough = RunnablePassthrough()
    value = {"a": [1]}
    assert await call(passthrough, sync, value) is value
    batch = passthrough.batch([1, 2]) if sync else await passthrough.abatch([1, 2])
    assert batch == [1, 2]
    if sync:
        assert list(passthrough.transform(iter(["a", "b"]))) == ["a", "b"]
    else:

        async def pieces() -> AsyncIterator[str]:
            yield "a"
            yield "b"

        assert [p async for p in passthrough.atransform(pieces())] == ["a", "b"]


@pytest.mark.parametrize("sync", [True, False])
async def test_assign_batches_and_checks_every_input_first(sync: bool) -> None:
    seen: list[str] = []

    def length(d: dict[str, str]) -> int:
        seen.append(d["text"])
        return len(d["text"])

    assign = RunnablePassthrough.assign(n=length, up=lambda d: d["text"].upper())
    assert assign.get_name() == "RunnableAssign<n,up>"
    inputs = [{"text": "ab"}, {"text": "c"}]
    out = assign.batch(inputs) if sync else await assign.abatch(inputs)
    assert out == [{"text": "ab", "n": 2, "up": "AB"}, {"text": "c", "n": 1, "up": "C"}]
    seen.clear()
    bad: list[Any] = [{"text": "ok"}, "no"]
    with pytest.raises(TypeError, match="dict input, got str"):
        assign.batch(bad) if sync else await assign.abatch(bad)
    assert seen == []  # the good input did not run either


# ---- assign streams as LangChain's RunnableAssign does ---------------------------------


def _assign_chain() -> Any:
    from chatplex import FakeChatModel
    from chatplex import RunnableLambda
    from chatplex import StrOutputParser

    model = FakeChatModel(responses=["hello world"])
    answer = RunnableLambda(lambda d: d["q"]) | model | StrOutputParser()
    return RunnablePassthrough.assign(answer=answer)


def test_assign_streams_the_input_then_the_new_keys_piece_by_piece() -> None:
    import asyncio

    chain = _assign_chain()
    pieces = list(chain.stream({"q": "hi"}))
    assert pieces[0] == {"q": "hi"}
    assert len(pieces) > 2 and all(set(p) == {"answer"} for p in pieces[1:])
    assert "".join(p["answer"] for p in pieces[1:]) == "hello world"

    async def astream() -> list[Any]:
        return [p async for p in chain.astream({"q": "hi"})]

    assert asyncio.run(astream()) == pieces


def test_assign_passes_input_pieces_on_as_they_come_without_the_maps_keys() -> None:
    import asyncio

    from chatplex import RunnableLambda
    from chatplex.core import AddableDict

    def words(_: Any) -> Any:  # a map's pieces, which add up to the whole input
        yield AddableDict(text="a", n="dropped")
        yield AddableDict(text="b")

    chain = RunnableLambda(words) | RunnablePassthrough.assign(n=lambda d: len(d["text"]))
    assert list(chain.stream(None)) == [{"text": "a"}, {"text": "b"}, {"n": 2}]
    assert chain.invoke(None) == {"text": "ab", "n": 2}

    def wholes(_: Any) -> Any:  # plain dicts are whole values, the newer replacing the last
        yield {"text": "a"}
        yield {"text": "b"}

    taken = RunnableLambda(wholes) | RunnablePassthrough.assign(n=lambda d: len(d["text"]))
    assert taken.invoke(None) == {"text": "b", "n": 1}  # LangChain's too

    async def astream() -> list[Any]:
        return [p async for p in chain.astream(None)]

    assert asyncio.run(astream()) == [{"text": "a"}, {"text": "b"}, {"n": 2}]


def test_assign_stream_rejects_non_dict_pieces() -> None:
    with pytest.raises(TypeError, match="dict input"):
        list(RunnablePassthrough.assign(n=lambda d: 1).stream("text"))


@pytest.mark.parametrize("sync", [True, False])
async def test_assign_fed_an_empty_stream_has_no_input_to_add_keys_to(sync: bool) -> None:
    assign = RunnablePassthrough.assign(n=lambda d: len(d))
    with pytest.raises(ValueError, match="no input to add keys to"):
        if sync:
            list(assign.transform(iter([])))
        else:

            async def nothing() -> AsyncIterator[Any]:
                for piece in ():
                    yield piece

            [piece async for piece in assign.atransform(nothing())]


@pytest.mark.parametrize(
    "run",
    [
        pytest.param(lambda kit: kit.RunnablePassthrough.assign(x=len).invoke("text"), id="assign"),
        pytest.param(
            lambda kit: list(kit.RunnablePassthrough.assign(x=len).stream("text")), id="stream"
        ),
        pytest.param(lambda kit: kit.RunnablePassthrough().pick("a").invoke("a"), id="pick"),
        pytest.param(lambda kit: kit.RunnablePassthrough().pick(["a"]).invoke(["a"]), id="list"),
    ],
)
def test_a_non_dict_input_is_langchains_value_error_and_still_a_type_error(run: Any) -> None:
    lc = pytest.importorskip("langchain_core.runnables")
    with pytest.raises(ValueError, match="must be a dict"):
        run(lc)
    with pytest.raises(ValueError, match="needs a dict input") as caught:
        run(core)
    assert isinstance(caught.value, TypeError)  # what chatplex raised before


def _passthrough_calls(passthrough: Any) -> list[Any]:
    """What a passthrough's `func` / `afunc` saw over every way of calling it (a
    stream's merged pieces once), beside what each call returned."""
    import asyncio

    async def astream() -> list[Any]:
        return [piece async for piece in passthrough.astream("ab")]

    returned = [
        passthrough.invoke(1, {"tags": ["t"]}),
        passthrough.batch([2, 3]),
        list(passthrough.stream("cd")),
        asyncio.run(passthrough.ainvoke(4)),
        asyncio.run(astream()),
    ]
    return returned


@pytest.mark.parametrize("with_afunc", [False, True])
def test_a_passthroughs_func_is_called_for_its_side_effect_as_langchains(
    with_afunc: bool,
) -> None:
    """`RunnablePassthrough(func)` (and `afunc=`): the input handed on unchanged, the
    function called with it first, with the run's config where it takes one, on every
    path as langchain-core calls it."""
    lc = pytest.importorskip("langchain_core.runnables")
    seen: dict[str, list[Any]] = {"ours": [], "theirs": []}

    def recorder(side: str) -> tuple[Any, Any]:
        def func(value: Any, config: Any) -> None:
            seen[side].append(("func", value, config.get("tags")))

        async def afunc(value: Any) -> None:
            seen[side].append(("afunc", value))

        return func, afunc if with_afunc else None

    ours = _passthrough_calls(RunnablePassthrough(*recorder("ours")))
    theirs = _passthrough_calls(lc.RunnablePassthrough(*recorder("theirs")))
    assert ours == theirs == [1, [2, 3], ["cd"], 4, ["ab"]]
    assert seen["ours"] == seen["theirs"]
    assert ("func", 1, ["t"]) in seen["ours"]


def _named_runs(k: Any) -> list[Any]:
    """A passthrough, a pick and an assign, each given LangChain's `name=` (and the
    passthrough its `input_type=`), of one family's classes (`k`)."""
    return [
        k.RunnablePassthrough(name="keep", input_type=int),
        k.RunnablePick(["a", "b"], name="take"),
        k.RunnableAssign(k.RunnableParallel(n=lambda d: len(d)), name="add"),
    ]


@pytest.mark.parametrize("sync", [True, False])
async def test_name_and_input_type_are_taken_and_shown_as_langchains(sync: bool) -> None:
    lc = pytest.importorskip("langchain_core.runnables.passthrough")  # (all four names)
    inputs = [3, {"a": 1, "c": 2}, {"a": 1}]
    for ours, theirs, value in zip(_named_runs(core), _named_runs(lc), inputs, strict=True):
        assert ours.get_name() == theirs.get_name()
        if not isinstance(ours, core.RunnableAssign):  # (its schemas: the map's, as tested apart)
            for schema in ("get_input_schema", "get_output_schema"):
                got = getattr(ours, schema)().model_json_schema()
                assert got == getattr(theirs, schema)().model_json_schema(), (ours, schema)
        assert await call(ours, sync, value) == theirs.invoke(value)
        names: list[str] = []
        await call(ours | (lambda x: x), sync, value, {"callbacks": [_Names(names)]})
        assert theirs.get_name() in names
    passthrough, pick, _ = _named_runs(core)
    assert (passthrough.InputType, passthrough.OutputType) == (int, int)
    assert repr(pick) == "RunnablePick(name='take', keys=['a', 'b'])"  # as LangChain's
    assert repr(core.RunnablePick("a")) == "RunnablePick(keys='a')"


def test_a_parallels_input_schema_is_its_first_branchs_type_under_its_own_name() -> None:
    lc = pytest.importorskip("langchain_core.runnables")

    def typed(x: list[str]) -> int:
        return len(x)

    for k in (core, lc):  # an untyped branch first: its Any, as LangChain's InputType
        assert k.RunnableParallel(
            a=k.RunnablePassthrough(input_type=int)
        ).get_input_schema().model_json_schema() == {
            "title": "RunnableParallel<a>Input",
            "type": "integer",
        }
        untyped_first = k.RunnableParallel(a=k.RunnableLambda(lambda x: x), b=typed)
        assert untyped_first.get_input_schema().model_json_schema() == {
            "title": "RunnableParallel<a,b>Input"
        }


class _Names(core.BaseCallbackHandler):
    def __init__(self, names: list[str]) -> None:
        self.names = names

    def on_chain_start(self, serialized: Any, inputs: Any, **kwargs: Any) -> None:
        self.names.append(kwargs["name"])
