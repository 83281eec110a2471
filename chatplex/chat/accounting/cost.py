"""What a reply cost, from a maintained price table (`genai-prices`, imported lazily).

`cost_of(usage, model, provider=...)` prices one reply's `usage_metadata`:

>>> cost_of({"input_tokens": 1000, "output_tokens": 200, "total_tokens": 1200},
...         "gpt-4o-mini", provider="openai")  # doctest: +SKIP
{'total': 0.00027, 'input': 0.00015, 'output': 0.00012, 'currency': 'USD'}

It returns None -- never 0 -- when the price is unknown: a model the table does not list,
a provider it does not know, a reply without usage. Cached input tokens are priced as the
table says (`input_token_details["cache_read"]` at the cache-read price,
`["cache_creation"]` at the cache-write price, the rest of `input_tokens` at the input
price); `batch=True` uses the table's batch prices, and for a model it lists none for
(it lists them for some models only) the standard ones at the provider's documented flat
Batch API discount (50% on OpenAI and Anthropic). The provider is found from the
request URL first (the OpenAI-compatible hosts speak the OpenAI wire at their own prices),
else from chatplex's provider name.

Speed. The table's own calculator (`genai_prices.calc_price`) costs ~130 us a call --
a third of chatplex's whole CPU per request. Token prices are affine in the four counts
within each price tier, so the first reply of a (provider, model, batch) asks the
calculator for a handful of probe usages and keeps the coefficients; every later reply is
a few float multiplications (< 2 us), equal to the calculator's figure to ~1e-12 relative
(`tests/chat/accounting/test_cost.py` checks it). Prices that change with the time of day,
and audio tokens, always go through the calculator. Plans are rebuilt each UTC day, so a dated price
change in the table applies from its date.

Importing the table costs ~0.2 s once per process, on the first priced reply (not at
`import chatplex`); `load_prices()` pays it up front.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from collections.abc import Mapping
from typing import Any
from typing import TypedDict

from ...specs import spec

__all__ = ["Cost", "cost_of", "load_prices", "price_table_version", "reply_cost"]

_log = logging.getLogger("chatplex.cost")


class Cost(TypedDict):
    """What one reply cost, in `currency` (always "USD" in the table).

    `input` and `output` are the input-side (prompt, cache reads and writes) and the
    output-side prices; `total` is their sum plus any per-request fee."""

    total: float
    input: float
    output: float
    currency: str


_lock = threading.Lock()
_module: Any = None  # genai_prices once imported; False when it cannot be
#: (UTC day made, plan) by (provider, endpoint URL, model, batch); bounded by the models
#: and endpoints a process uses, replaced (not added to) each day.
_plans: dict[tuple[str, str | None, str, bool], tuple[int, _Plan | None]] = {}


def load_prices() -> bool:
    """Import the price table now (~0.2 s) rather than on the first priced reply.
    False when `genai-prices` is not installed (every cost is then None)."""
    return _prices() is not None


def price_table_version() -> str | None:
    """The installed `genai-prices` version (None if missing): cite it with figures."""
    module = _prices()
    return None if module is None else str(module.__version__)


def _prices() -> Any:
    global _module
    if _module is None:
        with _lock:
            if _module is None:
                try:
                    import genai_prices
                except ImportError:  # pragma: no cover - it is a dependency
                    _log.warning("genai-prices is not installed: reply costs are None")
                    _module = False
                else:
                    _module = genai_prices
    return _module or None


def cost_of(
    usage: Mapping[str, Any] | None,
    model: str | None,
    *,
    provider: str,
    url: str | None = None,
    batch: bool = False,
) -> Cost | None:
    """The price of one reply's usage (a `UsageMetadata`), or None when unknown.

    `model`: the model name as the reply reports it (dated snapshots are matched too);
    `provider`: chatplex's provider name ("openai", "anthropic"); `url`: the endpoint the
    request went to (its host picks the price list, e.g. Azure's); `batch`: price at the
    Batch API's rates.
    """
    if not usage or not model:
        return None
    get = usage.get
    inp, out = get("input_tokens"), get("output_tokens")
    if type(inp) is not int or type(out) is not int or inp < 0 or out < 0:
        return None  # no usage reported (or a bool, or garbage): no price
    details = get("input_token_details")
    if details:
        read = _count(details.get("cache_read")) or 0
        write = _count(details.get("cache_creation")) or 0
        audio_in = _count(details.get("audio")) or 0
    else:
        read = write = audio_in = 0
    out_details = get("output_token_details")
    audio_out = _count(out_details.get("audio")) or 0 if out_details else 0
    day = int(time.time() // 86_400)  # plans are rebuilt each UTC day (dated price changes)
    key = (provider, url, model, batch)
    entry = _plans.get(key)
    if entry is None or entry[0] != day:
        entry = _plans[key] = (day, _make_plan(provider, _origin(url), model, batch))
    plan = entry[1]
    if plan is None:
        return None
    if plan.exact is not None or audio_in or audio_out:
        return plan.calculate(inp, read, write, out, audio_in, audio_out)
    return plan.affine(inp, read, write, out)


def reply_cost(
    message: Any,
    *,
    model: str | None = None,
    provider: str | None = None,
    url: str | None = None,
    batch: bool = False,
) -> Cost | None:
    """The price of a reply (an `AIMessage`, or a merged stream), from what it carries:
    its `usage_metadata`, and `response_metadata`'s `model_name` and `provider` (else
    `model_provider`, else the `model` / `provider` given); None when unknown, zero for a
    cache hit. `url`: the endpoint it came from, when it matters (Azure, OpenRouter...
    price models their way).

    >>> reply_cost(model.invoke("hi"))  # doctest: +SKIP
    {'total': 4.5e-06, 'input': 1.5e-06, 'output': 3e-06, 'currency': 'USD'}
    """
    meta = message.response_metadata
    if meta.get("cached"):  # a cache hit: no call, nothing billed
        return {"total": 0.0, "input": 0.0, "output": 0.0, "currency": "USD"}
    # A LangChain drop-in's reply names its provider as its partner's does, alone.
    source = provider or meta.get("provider") or meta.get("model_provider")
    if not source:
        return None
    name = meta.get("model_name") or model
    return cost_of(message.usage_metadata, name, provider=str(source), url=url, batch=batch)


def _count(value: Any) -> int | None:
    return value if type(value) is int and value >= 0 else None


def _origin(url: str | None) -> str | None:
    """scheme://host[:port] of a URL: what the table's provider patterns match."""
    if not url:
        return None
    scheme, sep, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0].split('?', 1)[0]}" if sep else None


class _Plan:
    """How to price one (provider, model, batch): the affine coefficients per input tier
    (`regions`), or `exact`, the calculator call for prices it cannot reduce to them."""

    __slots__ = ("exact", "regions")

    def __init__(
        self,
        regions: list[tuple[int, tuple[float, ...]]],
        exact: Callable[..., Any] | None = None,
    ) -> None:
        self.regions = regions  # (upper bound on input tokens, coefficients), ascending
        self.exact = exact

    def affine(self, inp: int, read: int, write: int, out: int) -> Cost:
        c = self.regions[-1][1]
        for bound, coefficients in self.regions:
            if inp <= bound:
                c = coefficients
                break
        plain = inp - read - write
        i = c[0] + c[1] * plain + c[2] * read + c[3] * write + c[4] * out
        o = c[5] + c[6] * plain + c[7] * read + c[8] * write + c[9] * out
        t = c[10] + c[11] * plain + c[12] * read + c[13] * write + c[14] * out
        # Rounded to 1e-12 USD: float noise off, far below any one token's price.
        return {
            "total": round(t, 12),
            "input": round(i, 12),
            "output": round(o, 12),
            "currency": "USD",
        }

    def calculate(self, inp: int, read: int, write: int, out: int, a_in: int, a_out: int) -> Cost:
        assert self.exact is not None
        calc = self.exact(inp, read, write, out, a_in, a_out)
        return {
            "total": float(calc.total_price),
            "input": float(calc.input_price),
            "output": float(calc.output_price),
            "currency": "USD",
        }


def _make_plan(provider: str, host: str | None, model: str, batch: bool) -> _Plan | None:
    gp = _prices()
    if gp is None:
        return None
    context = {"processing": "batch"} if batch else None
    where: dict[str, str] | None = None
    candidates: list[dict[str, str]] = []
    if host is not None:
        candidates.append({"provider_api_url": host})
    # The provider's id in the table, as its spec declares it (the table matches ids
    # loosely: a preset named after another provider would find that one's prices).
    declared = spec(provider)
    candidates.append({"provider_id": (declared and declared.price_id) or provider})
    for candidate in candidates:
        try:
            gp.calc_price(gp.Usage(input_tokens=0, output_tokens=0), model, **candidate)
        except LookupError:
            continue
        where = candidate
        break
    if where is None:
        return None

    def exact(inp: int, read: int, write: int, out: int, a_in: int = 0, a_out: int = 0) -> Any:
        counts = {
            "input_tokens": inp,
            "cache_read_tokens": read,
            "cache_write_tokens": write,
            "output_tokens": out,
        }
        if a_in:
            counts["input_audio_tokens"] = a_in
        if a_out:
            counts["output_audio_tokens"] = a_out
        return gp.calc_price(gp.Usage(**counts), model, price_context=context, **where)

    # The Batch API's flat discount the spec declares, for models the table lists no
    # batch price for (it lists them for some models only).
    discount = declared and declared.batch_discount
    if batch and discount and _no_batch_price(gp, model, where):
        exact = _discounted(exact, discount)
    try:
        base = exact(0, 0, 0, 0)
        if _varies_by_time_of_day(gp, base.model):
            return _Plan([], exact)
        starts = sorted(
            {
                tier.start
                for price in vars(base.model_price).values()
                if isinstance(price, gp.types.TieredPrices)
                for tier in price.tiers
            }
        )
        bounds = [*starts, 1 << 62]
        regions = []
        for index, bound in enumerate(bounds):
            probe = max(1, min(bound, 1_000_000)) if index == 0 else starts[index - 1] + 1
            regions.append((bound, _coefficients(exact, base, probe)))
    except (ArithmeticError, LookupError, ValueError, TypeError):
        _log.debug("no affine price plan for %s %s", provider, model, exc_info=True)
        return _Plan([], exact)
    return _Plan(regions)


def _no_batch_price(gp: Any, model: str, where: dict[str, str]) -> bool:
    """Whether the table prices a batch request as a real-time one (lists no batch price)."""
    usage = gp.Usage(input_tokens=1_000_000, output_tokens=1_000_000)
    batch = gp.calc_price(usage, model, price_context={"processing": "batch"}, **where)
    return bool(batch.total_price == gp.calc_price(usage, model, **where).total_price)


class _Scaled:
    """A calculator result with its prices scaled (the rest -- model, tiers -- as is)."""

    def __init__(self, calc: Any, factor: float) -> None:
        self.model, self.model_price = calc.model, calc.model_price
        self.input_price = float(calc.input_price) * factor
        self.output_price = float(calc.output_price) * factor
        self.total_price = float(calc.total_price) * factor


def _discounted(exact: Callable[..., Any], factor: float) -> Callable[..., Any]:
    def discounted(*counts: int) -> _Scaled:
        return _Scaled(exact(*counts), factor)

    return discounted


def _coefficients(exact: Callable[..., Any], base: Any, n: int) -> tuple[float, ...]:
    """(constant, per plain input, per cache read, per cache write, per output token) for
    the input, output and total prices, from the calculator at `n` input tokens."""
    plain = exact(n, 0, 0, 0)
    read = exact(n, n, 0, 0)
    write = exact(n, 0, n, 0)
    out = exact(n, 0, 0, n)
    coefficients: list[float] = []
    for name in ("input_price", "output_price", "total_price"):
        zero = getattr(base, name)
        at_plain = getattr(plain, name)
        coefficients += [
            float(zero),
            float(at_plain - zero) / n,
            float(getattr(read, name) - zero) / n,
            float(getattr(write, name) - zero) / n,
            float(getattr(out, name) - at_plain) / n,
        ]
    return tuple(coefficients)


def _varies_by_time_of_day(gp: Any, model: Any) -> bool:
    kind = gp.types.TimeOfDateConstraint
    prices = model.prices if isinstance(model.prices, list) else []
    variants = model.price_variants or []
    return any(isinstance(p.constraint, kind) for p in [*prices, *variants])
