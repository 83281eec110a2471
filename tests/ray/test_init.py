"""chatplex.ray's public names; `import chatplex` never imports Ray."""

from __future__ import annotations

import subprocess
import sys

import pytest


def test_import_chatplex_does_not_import_ray() -> None:
    code = "import sys, chatplex, chatplex.http; print('ray' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.ray
def test_public_names() -> None:
    pytest.importorskip("ray", reason="needs Ray: pip install 'chatplex[ray]'")
    import chatplex.ray

    assert chatplex.ray.__all__ == [
        "OUTPUT_COLUMNS",
        "ChatMapper",
        "ChatRun",
        "TallyReport",
        "map_chat",
    ]
    assert list(chatplex.ray.OUTPUT_COLUMNS) == ["text", "usage", "cost", "error"]
    assert all(getattr(chatplex.ray, name) for name in chatplex.ray.__all__)  # each resolves
    assert set(chatplex.ray.__all__) <= set(dir(chatplex.ray))


def test_the_tally_actor_loads_neither_ray_data_nor_pyarrow() -> None:
    """A run's tally actor only counts rows: its process imports `chatplex.ray._tally`.
    Through the package's eager imports that loaded Ray Data, pandas and pyarrow: ~1 s of
    CPU and of start-up for every run's tally."""
    pytest.importorskip("ray", reason="needs Ray: pip install 'chatplex[ray]'")
    code = (
        "import sys, chatplex.ray._tally\n"
        "print(sorted(m for m in ('ray.data', 'pandas', 'pyarrow') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.ray
def test_a_model_holding_its_key_is_refused_with_what_to_do(ray_cluster: object) -> None:
    from tests._dropins import engine

    ChatOpenAI = engine("ChatOpenAI")
    from chatplex.ray import map_chat

    model = ChatOpenAI(model="m", api_key="sk-not-sent-anywhere", base_url="http://127.0.0.1:9/v1")
    ds = ray_cluster.data.from_items([{"prompt": "x"}])  # type: ignore[attr-defined]
    with pytest.raises(TypeError, match="function that builds it") as caught:
        map_chat(ds, model)
    assert "sk-not-sent-anywhere" not in str(caught.value)
