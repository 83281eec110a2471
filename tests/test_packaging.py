"""The package as a user gets it: `python -m build` makes the sdist and the wheel,
`twine check` passes them (what PyPI would render), and the wheel installed into a fresh
virtual environment works -- alone, with `import chatplex` loading no optional
dependency, then with each extra installed one after another, each checked by using the
feature it enables (against the embedded mock server, which ships in the wheel).

Each extra is installed with its dependencies (never `--no-deps`, which would hide a
missing one), by uv: Ray in seconds where pip takes a minute. Tests never reach the
network, so uv runs `--offline`, from its cache alone: `make packaging-cache` (a step of
`make test`, run beside pytest: the uv calls here wait for its end) fills that cache
from the package index beforehand, and a package missing from it fails here naming that
target.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
import sys
import tarfile
import textwrap
import time
import tomllib
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

from tests._script_module import script_module

try:
    import uv
except ImportError as exc:  # fail, never skip: a skipped packaging test proves nothing
    raise ImportError("the packaging test needs uv, from the dev group: make test") from exc

# One worker builds and installs once: every test here reads the same environment.
pytestmark = pytest.mark.xdist_group("packaging")

ROOT = Path(__file__).resolve().parents[1]

#: Modules an extra (or a test-only dependency) brings: a bare install must load none of
#: them at `import chatplex`, nor when every public name is touched.
OPTIONAL_MODULES = (
    "botocore",
    "boto3",
    "google.auth",
    "google.genai",
    "langchain_core",
    "langsmith",
    "tiktoken",
    "opentelemetry",
    "pyarrow",
    "ray",
    "respx",
    "fastapi",
    "uvicorn",
    "openai",
    "anthropic",
    # dependencies, but loaded only when used (a priced reply, a progress bar)
    "genai_prices",
    "tqdm",
)


@dataclass(frozen=True)
class Dist:
    wheel: Path
    sdist: Path


@dataclass(frozen=True)
class Env:
    python: Path

    workdir: Path

    def run(self, code: str) -> str:
        """Run `code` in the fresh environment, from a folder of its own (so this
        checkout is not on the path); its stdout, or a failure with its stderr."""
        result = subprocess.run(
            [str(self.python), "-c", textwrap.dedent(code)],
            cwd=self.workdir,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout


#: What a failed offline install says: which make target fills uv's cache.
_WARM_THE_CACHE = (
    "uv's cache lacks a package this test installs (it runs --offline: tests never "
    "reach the network); run `make packaging-cache` once, then this test again"
)


#: Set by `make test`, which runs `make packaging-cache` beside pytest: the file its exit
#: status is written to once it has ended.
_CACHE_DONE = "CHATPLEX_PACKAGING_CACHE_DONE"


def _filled(done: Path, timeout_s: float = 900) -> str | None:
    """Wait for `done` (the exit status of `make packaging-cache`): None once it says 0,
    else what went wrong."""
    deadline = time.monotonic() + timeout_s
    while not done.exists():
        if time.monotonic() > deadline:
            return f"`make packaging-cache` had not ended after {timeout_s:.0f} s ({done})"
        time.sleep(0.2)
    status = done.read_text(encoding="utf-8").strip()
    if status != "0":
        return f"`make packaging-cache` failed (exit {status}): see .venv/packaging-cache.log"
    return None


@functools.cache
def _cache_problem() -> str | None:
    """Under `make test`, what kept uv's cache from being filled (waited for once); None
    when it was, or outside `make test` (the cache is the one `make packaging-cache` left)."""
    done = os.environ.get(_CACHE_DONE)
    return _filled(Path(done)) if done else None


def _uv(*args: str) -> None:
    """Run uv offline: packages come from uv's cache, never from the package index."""
    problem = _cache_problem()
    assert problem is None, problem
    command = [uv.find_uv_bin(), *args, "--offline"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{_WARM_THE_CACHE}\n{result.stderr[-3000:]}"


def test_a_package_missing_from_uvs_cache_fails_naming_the_make_target(
    tmp_path: Path,
) -> None:
    _uv("venv", "--quiet", "--python", sys.executable, str(tmp_path / "venv"))
    with pytest.raises(AssertionError, match="run `make packaging-cache`"):
        # a name no index holds, so no cache does either
        _uv("pip", "install", "--python", str(tmp_path / "venv"), "chatplex-no-such-package")


def test_the_uv_calls_wait_for_the_packaging_cache_step_and_fail_with_it(tmp_path: Path) -> None:
    done = tmp_path / "packaging-cache.exit"
    done.write_text("0\n", encoding="utf-8")
    assert _filled(done) is None
    done.write_text("2\n", encoding="utf-8")
    assert _filled(done) == (
        "`make packaging-cache` failed (exit 2): see .venv/packaging-cache.log"
    )
    missing = tmp_path / "never-written"
    assert "had not ended after 0 s" in (_filled(missing, timeout_s=0) or "")


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Dist:
    out = tmp_path_factory.mktemp("dist")
    # --no-isolation: the build backend (hatchling) comes from the dev group, not from a
    # download per run; the sdist is built first and the wheel from it, as PyPA's does.
    result = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    [wheel] = out.glob("*.whl")
    [sdist] = out.glob("*.tar.gz")
    return Dist(wheel, sdist)


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory, dist: Dist) -> Iterator[Env]:
    home = tmp_path_factory.mktemp("fresh")
    _uv("venv", "--quiet", "--python", sys.executable, str(home / "venv"))
    (home / "work").mkdir()
    env = Env(home / "venv" / "bin" / "python", home / "work")
    _uv("pip", "install", "--quiet", "--python", str(env.python), str(dist.wheel))
    yield env


def install_extra(env: Env, dist: Dist, extra: str) -> None:
    _uv(
        "pip",
        "install",
        "--quiet",
        "--python",
        str(env.python),
        f"chatplex[{extra}] @ {dist.wheel.as_uri()}",
    )


def test_twine_passes_the_sdist_and_the_wheel(dist: Dist) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", str(dist.wheel), str(dist.sdist)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("PASSED") == 2


def test_the_wheel_ships_its_type_marker_plugin_and_command(dist: Dist) -> None:
    with zipfile.ZipFile(dist.wheel) as wheel:
        names = set(wheel.namelist())
        info = next(n for n in names if n.endswith(".dist-info/METADATA"))
        metadata = wheel.read(info).decode()
        entry_points = wheel.read(info.replace("METADATA", "entry_points.txt")).decode()
    assert "chatplex/py.typed" in names  # mypy reads chatplex's types (PEP 561)
    assert "chatplex/testing/mock_server.py" in names
    assert not any(n.startswith(("tests/", "bench/", "docs/")) for n in names)
    assert "chatplex = chatplex.__main__:main" in entry_points  # the `chatplex` command
    assert "chatplex = chatplex.testing.pytest_plugin" in entry_points  # pytest11
    for field in ("Classifier: Typing :: Typed", "Project-URL: Documentation", "License"):
        assert field in metadata


def test_the_test_only_pins_stay_out_of_the_published_metadata(dist: Dist) -> None:
    # The tests' tools are a PEP 735 dependency group, which no metadata field carries:
    # PyPI lists only what users install (the dependencies and the extras).
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    declared = project["project"]["dependencies"] + [
        pin for pins in project["project"]["optional-dependencies"].values() for pin in pins
    ]
    with zipfile.ZipFile(dist.wheel) as wheel:
        info = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
        headers = wheel.read(info).decode().split("\n\n", 1)[0].splitlines()
    published = {_name(h.split(": ", 1)[1]) for h in headers if h.startswith("Requires-Dist:")}
    assert published == {_name(pin) for pin in declared}
    test_only = {_name(pin) for pin in project["dependency-groups"]["dev"]} - published
    assert len(test_only) > 30 and {"pytest", "langchain-openai", "mypy"} <= test_only
    assert "dev" not in project["project"]["optional-dependencies"]


def _name(requirement: str) -> str:
    """A requirement's project name, normalized (PEP 503)."""
    name = re.split(r"[<>=!~\[; (]", requirement.strip(), maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", name).lower()


def test_the_license_ships_in_the_sdist_and_the_wheel(dist: Dist) -> None:
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License") and "the chatplex authors" in text
    with zipfile.ZipFile(dist.wheel) as wheel:
        [licence] = [n for n in wheel.namelist() if n.endswith(".dist-info/licenses/LICENSE")]
        assert wheel.read(licence).decode() == text
        info = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = wheel.read(info).decode()
    assert "License-Expression: MIT" in metadata and "License-File: LICENSE" in metadata
    with tarfile.open(dist.sdist) as sdist:
        [licence] = [n for n in sdist.getnames() if n.count("/") == 1 and n.endswith("/LICENSE")]
        member = sdist.extractfile(licence)
        assert member is not None and member.read().decode() == text


def test_pypi_s_readme_links_only_to_pages_that_exist(dist: Dist) -> None:
    # PyPI shows the README without the repository: its relative links are made absolute
    # at build time (pyproject's fancy-pypi-readme substitutions), docs/ to the site.
    urls = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    site, repository = urls["urls"]["Documentation"], urls["urls"]["Homepage"] + "/blob/main/"
    with zipfile.ZipFile(dist.wheel) as wheel:
        info = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
        description = wheel.read(info).decode().split("\n\n", 1)[1]
    links = re.findall(r"\]\(([^)]+)\)", description)
    assert links and "(docs/" not in description
    for link in links:
        target = link.split("#")[0]
        if target.startswith(site):  # mkdocs' URL of docs/<page>.md (or <dir>/index.md)
            page = target[len(site) :].rstrip("/") or "index"
            assert any((ROOT / "docs" / f"{p}.md").is_file() for p in (page, f"{page}/index")), link
        else:
            assert target.startswith(repository), link
            assert (ROOT / target[len(repository) :]).is_file(), link


def test_a_bare_install_imports_no_optional_dependency(fresh: Env) -> None:
    out = fresh.run(
        f"""
        import sys
        import chatplex
        for name in chatplex.__all__:  # every public name, each loaded on first use
            getattr(chatplex, name)
        print(sorted(m for m in {OPTIONAL_MODULES!r} if m in sys.modules))
        """
    )
    assert out.strip() == "[]"


def test_a_bare_install_calls_a_model(fresh: Env) -> None:
    out = fresh.run(
        """
        from chatplex import init_chat_model
        from chatplex.testing import MockServer

        with MockServer() as server:
            openai = init_chat_model("openai:gpt-4o-mini", base_url=server.openai_base_url,
                                     api_key="sk-test")
            claude = init_chat_model("anthropic:claude-sonnet-4-5",
                                     base_url=server.anthropic_base_url, api_key="sk-test")
            print(openai.invoke("hi").text, "/", claude.invoke("ho").text)
        """
    )
    assert out.strip() == "Echo: hi / Echo: ho"


@dataclass(frozen=True)
class Extra:
    name: str
    #: Run before the extra is installed: what the user sees without it (the printed
    #: text must name the extra) -- None where that is not checked.
    without: str | None
    #: Run after: uses the feature, prints "ok" when it worked.
    check: str


#: Indented as the check blocks are, which are dedented once joined.
_MOCK = "\n        from chatplex.testing import MockServer\n"

#: LangSmith settings only the langsmith client implements (several run endpoints):
#: chatplex's own sender sends through that client when it is installed, else it logs
#: that the setting is ignored and names the extra.
_LANGSMITH = """
        import io, logging
        from chatplex.tracing import enable_from_env
        warned = io.StringIO()
        logging.getLogger("chatplex").addHandler(logging.StreamHandler(warned))
        env = {"LANGSMITH_TRACING": "true", "LANGSMITH_API_KEY": "lsv2-test",
               "LANGSMITH_RUNS_ENDPOINTS": '{"http://127.0.0.1:9": "lsv2-test"}'}
        assert enable_from_env(env) == ["langsmith"]
        print(warned.getvalue())
"""

#: In install order: an extra whose absence is checked comes before any extra that
#: brings its packages too (langchain-core depends on langsmith; ray[data] on pyarrow).
EXTRAS = [
    Extra(
        "langsmith",
        _LANGSMITH,
        _LANGSMITH
        + """
        assert not warned.getvalue(), warned.getvalue()  # sent through the langsmith client
        print("ok")
        """,
    ),
    Extra(
        "bedrock",
        _MOCK
        + """
        from chatplex import init_chat_model
        try:  # refused when the model is built
            init_chat_model(
                "bedrock_converse:anthropic.claude-3-5-haiku-20241022-v1:0",
                region_name="us-east-1",
                aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="example-secret",
            )
        except ImportError as exc:
            print(exc)
        """,
        _MOCK
        + """
        from chatplex import init_chat_model
        with MockServer() as server:
            model = init_chat_model(
                "bedrock_converse:anthropic.claude-3-5-haiku-20241022-v1:0",
                region_name="us-east-1",
                endpoint_url=server.url, aws_access_key_id="AKIDEXAMPLE",
                aws_secret_access_key="example-secret",
            )
            assert model.invoke("hi").text == "Echo: hi"   # signed with SigV4 by botocore
        print("ok")
        """,
    ),
    Extra(
        "vertexai",
        _MOCK
        + """
        from chatplex import init_chat_model
        with MockServer() as server:
            try:
                init_chat_model("google_vertexai:gemini-2.5-flash", project="p",
                                location="us-central1", base_url=server.url).invoke("hi")
            except ImportError as exc:
                print(exc)
        """,
        _MOCK
        + """
        from google.oauth2.credentials import Credentials
        from chatplex import init_chat_model
        with MockServer() as server:
            model = init_chat_model("google_vertexai:gemini-2.5-flash", project="p",
                                    location="us-central1", base_url=server.url,
                                    credentials=Credentials(token="t"))
            assert model.invoke("hi").text == "Echo: hi"   # a google-auth Bearer token
        print("ok")
        """,
    ),
    Extra(
        "langchain",
        """
        try:
            import chatplex.langchain
        except ImportError as exc:
            print(exc)
        """,
        _MOCK
        + """
        import tiktoken  # the OpenAI drop-ins' token counts (providers/openai/tokens.py)
        from langchain_core.messages import AIMessage
        from chatplex.langchain import ChatChatplex
        with MockServer() as server:
            llm = ChatChatplex(model="openai:gpt-4o-mini", base_url=server.openai_base_url,
                               api_key="sk-test")
            reply = llm.invoke("hi")
        assert isinstance(reply, AIMessage) and reply.content == "Echo: hi"
        print("ok")
        """,
    ),
    Extra(
        "otel",
        """
        import chatplex.otel
        try:  # refused when the tracer is made
            chatplex.otel.instrument()
        except ImportError as exc:
            print(exc)
        """,
        _MOCK
        + """
        import sys
        import chatplex.otel
        from chatplex import init_chat_model
        chatplex.otel.instrument()
        assert "opentelemetry.trace" in sys.modules
        with MockServer() as server:
            model = init_chat_model("openai:gpt-4o-mini", base_url=server.openai_base_url,
                                    api_key="sk-test")
            assert model.invoke("hi").text == "Echo: hi"   # traced through the API's no-op
        chatplex.otel.uninstrument()
        print("ok")
        """,
    ),
    Extra(
        "testing",
        """
        from chatplex.testing import Cassette
        said = []
        try:
            from chatplex.testing import ChatMock
        except ImportError as exc:
            said.append(str(exc))
        try:  # replaying a recorded cassette: respx answers
            Cassette("c", ".", mode="replay").start()
        except ImportError as exc:
            said.append(str(exc))
        assert len(said) == 2 and all("chatplex[testing]" in s for s in said), said
        print(said[0])
        """,
        """
        from chatplex import init_chat_model
        from chatplex.testing import ChatMock
        with ChatMock() as mock:
            mock.openai.reply_text("Paris")
            model = init_chat_model("openai:gpt-4o-mini", api_key="sk-test", max_retries=0)
            assert model.invoke("Capital of France?").text == "Paris"
        print("ok")
        """,
    ),
    Extra(
        "examples",
        None,
        """
        import fastapi, uvicorn
        print("ok")
        """,
    ),
    Extra(
        "parquet",
        _MOCK
        + """
        from chatplex import bulk
        from chatplex.bulk import InputError
        open("rows.parquet", "wb").write(b"PAR1")
        try:
            list(bulk.iter_rows("rows.parquet"))
        except (ImportError, InputError) as exc:
            print(exc)
        """,
        _MOCK
        + """
        import json
        import pyarrow as pa, pyarrow.parquet as pq
        from chatplex import bulk
        from chatplex import init_chat_model
        pq.write_table(pa.table({"id": ["a", "b"], "prompt": ["tea", "coffee"]}), "rows.parquet")
        with MockServer() as server:
            model = init_chat_model("openai:gpt-4o-mini", base_url=server.openai_base_url,
                                    api_key="sk-test")
            bulk.run(model, "rows.parquet", output="out.jsonl", progress=False)
        rows = sorted(json.loads(line)["text"] for line in open("out.jsonl"))
        assert rows == ["Echo: coffee", "Echo: tea"], rows
        print("ok")
        """,
    ),
    Extra(
        "ray",
        """
        try:  # pyarrow is there (the parquet extra): ray is not
            import chatplex.ray
        except ImportError as exc:
            print(exc)
        """,
        """
        import ray
        import chatplex.ray
        assert callable(chatplex.ray.map_chat) and ray.data is not None
        print("ok")
        """,
    ),
]


def test_the_extras_are_the_ones_pyproject_declares() -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    extras = set(declared["project"]["optional-dependencies"]) - {"docs"}
    assert extras == {extra.name for extra in EXTRAS}, "check the new extra here"


def test_each_extra_enables_its_feature(fresh: Env, dist: Dist) -> None:
    # One after another in one environment, as the cost of a venv per extra is a minute:
    # each check runs with the extras before it installed, none after.
    for extra in EXTRAS:
        if extra.without is not None:
            said = fresh.run(extra.without)
            assert f"chatplex[{extra.name}]" in said, (extra.name, said)
        install_extra(fresh, dist, extra.name)
        assert fresh.run(extra.check).strip().endswith("ok"), extra.name


def _compat_install() -> ModuleType:
    """`.ci/compat_install.py`, the script of `make compat-install`, as a module."""
    return script_module("compat_install", ROOT / ".ci/compat_install.py")


def test_compat_install_takes_the_lowest_and_highest_python_the_metadata_declares() -> None:
    compat = _compat_install()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert compat.declared_pythons(project) == ("3.11", "3.13")
    with pytest.raises(compat.CompatError, match="lowest Python classifier is 3.11"):
        compat.declared_pythons({**project, "requires-python": ">=3.10"})


def test_compat_install_pins_every_dependency_at_its_declared_floor() -> None:
    compat = _compat_install()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    floors = compat.floor_constraints(project["dependencies"])
    assert len(floors) == len(project["dependencies"])
    assert floors["pydantic"] == "2.10" and floors["genai-prices"] == "0.2"
    with pytest.raises(compat.CompatError, match="no single '>=' floor"):
        compat.floor_constraints(["httpx<1"])
    with pytest.raises(compat.CompatError, match="has a marker"):
        compat.floor_constraints(["tomli>=2; python_version<'3.11'"])


def test_compat_install_finds_pythons_by_version_and_names_a_missing_one(
    tmp_path: Path,
) -> None:
    compat = _compat_install()
    for patch in ("3.12.1", "3.12.10", "3.13.0"):
        binary = tmp_path / "versions" / patch / "bin" / f"python{patch[:4]}"
        binary.parent.mkdir(parents=True)
        binary.touch(mode=0o755)
    environ = {"PYENV_ROOT": str(tmp_path), "PATH": str(tmp_path / "empty")}
    found = compat.find_python("3.12", environ)
    assert found == tmp_path / "versions/3.12.10/bin/python3.12"  # the newest patch
    with pytest.raises(compat.CompatError, match=r"Python 3\.11 .*pyenv install 3\.11"):
        compat.find_python("3.11", environ)
    path_only = tmp_path / "bin" / "python3.11"
    path_only.parent.mkdir()
    path_only.touch(mode=0o755)
    on_path = {"PYENV_ROOT": str(tmp_path), "PATH": str(path_only.parent)}
    assert compat.find_python("3.11", on_path) == path_only


def test_compat_install_is_keyed_by_what_decides_it(tmp_path: Path) -> None:
    compat = _compat_install()
    (tmp_path / ".ci").mkdir()
    for name in ("pyproject.toml", ".ci/compat_install.py", ".ci/compat_call.py"):
        (tmp_path / name).write_text(f"# {name}\n")
    pythons = [Path("/py/3.11"), Path("/py/3.13")]
    key = compat.stamp_key(tmp_path, pythons)
    assert compat.stamp_key(tmp_path, pythons) == key
    assert compat.stamp_key(tmp_path, [Path("/py/3.11"), Path("/py/3.13.1")]) != key
    (tmp_path / "uv.lock").write_text("")  # a lock file, even empty, where there was none
    locked = compat.stamp_key(tmp_path, pythons)
    assert locked != key
    (tmp_path / "pyproject.toml").write_text("# pyproject.toml, changed\n")
    assert compat.stamp_key(tmp_path, pythons) not in (key, locked)
    stamp = tmp_path / "stamp"
    assert not compat.unchanged(stamp, key, {})  # no run passed yet
    stamp.write_text(key + "\n")
    assert compat.unchanged(stamp, key, {})
    assert not compat.unchanged(stamp, locked, {})
    assert not compat.unchanged(stamp, key, {"CI": "true"})  # CI always runs it
    assert compat.unchanged(stamp, key, {"CI": "false"})


def test_compat_install_skips_what_the_stamp_says_passed_but_not_in_ci(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    compat = _compat_install()
    monkeypatch.setattr(compat, "find_python", lambda version: Path(f"/py/{version}"))
    stamp = tmp_path / "compat-install.stamp"
    stamp.write_text(compat.stamp_key(compat.ROOT, [Path("/py/3.11"), Path("/py/3.13")]))
    argv = ["--uv", str(tmp_path / "no-uv"), "--wheel", "x.whl", "--into", str(tmp_path)]
    monkeypatch.delenv("CI", raising=False)
    assert compat.main([*argv, "--stamp", str(stamp)]) == 0
    assert "compat-install: skipped" in capsys.readouterr().out
    monkeypatch.setenv("CI", "true")
    with pytest.raises(FileNotFoundError, match="no-uv"):  # it ran: uv was called
        compat.main([*argv, "--stamp", str(stamp)])
    assert not stamp.exists()  # until a run passes again
