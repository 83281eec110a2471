"""Suite-wide fixtures: the local Ray cluster of the tests marked `ray`; one botocore
data loader for every boto3 client the tests build (parsed once, not per client); the guard
that fails a test (or fixture) leaving a child process unwaited or its pipes open
(tests/_children.py); and the one that fails a test connecting anywhere but loopback
(tests/_netguard.py).

Ray is imported only when a test asks for the cluster, so the rest of the suite never
imports it; without the `ray` extra those tests are skipped, saying why.
"""

from __future__ import annotations

import functools
import gc
import os
import sys
import types
import weakref
from collections.abc import Callable
from collections.abc import Generator
from collections.abc import Iterable
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any

import pytest

from tests import _compile_once
from tests import _logscan
from tests import _quiet_reports
from tests import _worker_zygote
from tests._children import ChildGuard
from tests._netguard import NetGuard

if TYPE_CHECKING:
    from chatplex.testing import MockServer

#: Modules whose fixtures every test may ask for (`silent`, `stops_mid_stream`), and the
#: summary line of the agents matrix's recordings.
pytest_plugins = ["tests._silent", "tests._matrix_report"]

ROOT = Path(__file__).resolve().parents[1]
RAY_MISSING = "needs Ray: pip install 'chatplex[ray]' (make test installs it)"


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    """A mock server shared by a module's tests: for the modules that ask for `server`
    and define none (a suite's own `server` fixture takes its place)."""
    from chatplex.testing import MockServer

    with MockServer() as srv:
        yield srv


@pytest.fixture(scope="session")
def ray_mock_server() -> Iterator[Any]:
    """The mock server the Ray cluster's workers reach by the environment (both base
    URLs): a script joining the cluster, as the docs' Ray block does, builds its models
    on the workers from that environment, as a user's workers reach their provider."""
    from chatplex.testing import MockServer

    with MockServer() as server:
        try:
            yield server
        finally:
            _RAY.stop()  # (when still running: the cluster's workers name this server)


class _RayCluster:
    """The local Ray cluster of the tests marked `ray`, started by the first test that asks
    for it and stopped once the last of them has run (`pytest_runtest_teardown`), not at
    the end of the session: the Ray tests run first (`pytest_collection_modifyitems`), and
    an idle cluster's daemons kept using CPU (~2.5 s a minute, measured) and memory
    through the rest of the run. A test asking for it later starts it again."""

    def __init__(self) -> None:
        self.ray: Any = None
        #: The last test marked `ray` of this run's collection (set once it is made).
        self.last: pytest.Item | None = None

    def started(self, tmp_path_factory: pytest.TempPathFactory, server: Any) -> Any:
        if self.ray is not None:
            return self.ray
        ray = pytest.importorskip("ray", reason=RAY_MISSING)
        helpers = str(Path(__file__).parent / "ray")
        paths = os.environ.get("PYTHONPATH", "").split(os.pathsep)
        if helpers not in paths:
            os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (helpers, *paths) if p)
        # Machine budgets of the workers go to this session's own directory.
        os.environ["CHATPLEX_BUDGET_DIR"] = str(tmp_path_factory.mktemp("budgets"))
        # The workers inherit the environment and the working directory of the node Ray
        # starts here; this process keeps its own (the other tests read the base URLs
        # from it). A relative path a joining script writes to (the docs' `answers/`) is
        # the workers', so it lands in this session's directory, not the checkout.
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("OPENAI_BASE_URL", server.openai_base_url)
            patch.setenv("ANTHROPIC_BASE_URL", server.anthropic_base_url)
            patch.chdir(tmp_path_factory.mktemp("ray-workers"))
            ray.init(
                address="local",
                num_cpus=2,
                include_dashboard=False,
                _node_ip_address="127.0.0.1",
                log_to_driver=False,
                configure_logging=False,
                # Ray starts its workers at nice 15, under the test workers at 0: on a
                # busy machine they got ~3 % of a core each, and the group's runs took
                # 5-30 times as long as on an idle one (actors pending for a minute).
                _system_config={"worker_niceness": 0},
            )
        self.ray = ray
        return ray

    def stop(self) -> None:
        if self.ray is not None:
            self.ray.shutdown()
            self.ray = None


_RAY = _RayCluster()


@pytest.fixture
def ray_cluster(tmp_path_factory: pytest.TempPathFactory, ray_mock_server: Any) -> Any:
    """A local Ray cluster on 127.0.0.1 (2 logical CPUs, as `ray.init()` gives a 2-core
    machine), one for all the tests marked `ray` (`_RayCluster`); its workers import the
    tests' helpers (tests/ray) and name `ray_mock_server` as both base URLs. Each logical
    CPU is a worker process Ray starts and keeps (prestarted, then one per task running
    at once: each imports Ray Data and pyarrow for a write), so 4 on 2 cores added
    processes, not parallelism.

    Where a test's time goes is process starts (measured with perf over the whole process
    tree, 2 loaded cores): a `map_chat` run of 100 rows costs ~6 s of CPU, the test's own
    process under 1 s of it. Every actor is a new process, ended with its actor: each
    `ChatMapper` ~1.5 s (Ray ~0.3, Ray Data with pandas and pyarrow ~0.55, chatplex ~0.2,
    then its rows), the run's tally ~0.6 s, a cluster budget's actor ~0.5 s; a write on a
    new worker ~1 s. The first Ray Data run of the cluster starts 3 actors of Ray Data's
    own (~2.5 s) and the cluster ~3.5 s. Under load these are CPU-bound: waits are not
    where the time goes."""
    return _RAY.started(tmp_path_factory, ray_mock_server)


@pytest.fixture(autouse=True, scope="session")
def one_botocore_loader() -> Iterator[None]:
    """Every botocore Session of the run shares one data loader, as the clients of one
    Session always do: botocore's service and endpoint JSON parsed once, not once per
    Session. langchain-aws builds a boto3 client, from a new Session, for each model, and
    the tests build its models by the hundred (~0.25 s each: 59 of the 69 s of
    tests/partners/bedrock); what a client is built from is unchanged.

    Their event aliasers share one cache of aliased event names too: a new Session
    registers ~125 handlers, each name matched against botocore's 65 aliases again
    (6.5 -> 2.1 ms a Session; the matrix and the bedrock tests build them by the
    hundred). The cache is shared only where the aliases are botocore's own, the same
    names then giving the same aliases.

    And whether a handler takes `**kwargs`, which a Session's registry checks of each of
    the ~125 it registers with `inspect.getfullargspec` (~2 ms a Session), is known once
    per function (`_accepts_kwargs_once`)."""
    try:
        import botocore.hooks
        import botocore.loaders
        import botocore.session
    except ImportError:  # without the bedrock extra: nothing to share
        yield
        return
    with pytest.MonkeyPatch.context() as patch:
        # Keyed by the data path a Session asks for (AWS_DATA_PATH).
        shared = functools.cache(botocore.loaders.create_loader)
        patch.setattr(botocore.session, "create_loader", shared)
        patch.setattr(botocore.hooks.EventAliaser, "__init__", _sharing_alias_names(botocore.hooks))
        patch.setattr(botocore.hooks, "accepts_kwargs", _accepts_kwargs_once(botocore.hooks))
        yield


def _accepts_kwargs_once(hooks: Any) -> Callable[[Any], Any]:
    """botocore's `accepts_kwargs` (the name of a handler's `**kwargs` parameter, if any),
    found once per function: a bound method's is its function's. Held weakly, so a handler
    is not kept alive by it; another callable is looked at each time, as before."""
    accepts = hooks.accepts_kwargs
    found: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()

    def accepts_kwargs(func: Any) -> Any:
        function = getattr(func, "__func__", func)
        if not isinstance(function, types.FunctionType):
            return accepts(func)
        if function not in found:
            found[function] = accepts(func)
        return found[function]

    return accepts_kwargs


def _sharing_alias_names(hooks: Any) -> Callable[..., None]:
    """botocore's `EventAliaser.__init__`, its cache of aliased names shared by every
    aliaser of botocore's own aliases (a Session's, and the copies its clients take)."""
    names: dict[str, str] = {}
    init = hooks.EventAliaser.__init__

    def __init__(self: Any, event_emitter: Any, event_aliases: Any = None) -> None:
        init(self, event_emitter, event_aliases)
        if self._event_aliases == hooks.EVENT_ALIASES:
            self._alias_name_cache = names

    return __init__


# ---- pytest-recording's autouse fixtures, made no-ops -------------------------------------


@pytest.fixture
def collector_as_cpython_sets_it(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The collector on, its young threshold at CPython's 700 and CHATPLEX_GC_THRESHOLD
    unset: for a test reading what a batch raises it to (chatplex/core/collector.py).
    What was found is put back after."""
    monkeypatch.delenv("CHATPLEX_GC_THRESHOLD", raising=False)
    found, enabled = gc.get_threshold(), gc.isenabled()
    gc.set_threshold(700, *found[1:])
    gc.enable()
    yield
    gc.set_threshold(*found)
    (gc.enable if enabled else gc.disable)()


@pytest.fixture(scope="session")
def vcr() -> None:
    """pytest-recording's `vcr` (installed with langchain-tests), which is autouse: with
    what it asks for (`vcr_markers`, `vcr_cassette_dir`, `record_mode`, `request`...)
    and `block_network`, it set up three function-scoped fixtures for every test, ~0.3
    of a trivial test's ~0.9 ms of CPU (~8 s over the suite); this one is set up once.
    No test here records or replays a cassette: the one that asks for it, the standard
    suites' `test_stream_time`, skips (`enable_vcr_tests` is off: the partners' cassettes
    are recordings of the real APIs), and none blocks the network by pytest-recording's
    mark (tests/_netguard.py refuses every address but loopback to every test)."""
    return None


@pytest.fixture(scope="session")
def block_network() -> None:
    """pytest-recording's `block_network`, autouse too (`vcr`)."""
    return None


@pytest.hookimpl(wrapper=True)
def pytest_collection(session: pytest.Session) -> Generator[None, object, object]:
    """Collection runs with no automatic full garbage collection. It imports every test
    module and the libraries they load, objects that live for the whole run, and each
    full collection walked all of them again: 12 of them, ~3 s of the ~14 s a worker
    spends collecting, on every worker. The young generations are still collected: most
    of what collection drops (~250k objects, pytest's items and requests made again,
    ~30 MB) is reclaimed while it is young, for ~0.5 s of CPU, where a full collection
    at its end walked all ~2M objects for it (~1.2 s a worker). Explicit collections
    still run: tests/langchain/conftest.py collects the young generations once when
    collection is done, then freezes what it loaded.

    The tests then run with an automatic full collection after 100 middle ones, not 10:
    each walks everything the tests keep alive (servers, models, caches; ~0.15 s), for
    garbage the young collections had mostly freed already. tests/chat and the standard
    suites in one process: 9 automatic full collections, 1.6 s, then 2, 0.55 s (the 30
    `gc.collect()` calls of tests that need their garbage gone are unchanged)."""
    threshold = gc.get_threshold()
    gc.set_threshold(threshold[0], threshold[1], 10**9)
    try:
        return (yield)
    finally:
        gc.set_threshold(threshold[0], threshold[1], max(threshold[2], 100))


@pytest.hookimpl(trylast=True)  # after the hooks that add xdist_group marks (tests/compat)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Under pytest-xdist (--dist loadgroup) the Ray tests share one worker, so one local
    # cluster is started, not one per worker.
    ray = [item for item in items if item.get_closest_marker("ray")]
    for item in ray:
        item.add_marker(pytest.mark.xdist_group("ray"))
    # The Ray tests run first, one after another: their cluster is started once and
    # stopped after the last of them (`_RayCluster`), not left idle to the end.
    marked = set(map(id, ray))
    items[:] = ray + [item for item in items if id(item) not in marked]
    _RAY.last = ray[-1] if ray else None
    if getattr(config.option, "loadgroup", False):  # set in xdist's workers only
        groups = {id(item): _group(item) for item in items}
        _largest_groups_first(items, groups)
        _name_the_groups(items, groups)


def _group(item: pytest.Item) -> str | None:
    """The name --dist loadgroup gives the test's group (None: no group)."""
    names = {
        str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
        for mark in item.iter_markers("xdist_group")
    }
    return "_".join(sorted(names)) if names else None


def _largest_groups_first(items: list[pytest.Item], groups: dict[int, str | None]) -> None:
    """The order pytest-xdist's scheduler gives --dist loadgroup by default (its
    `--loadscope-reorder`: the work units with the most tests first, a group one unit, a
    test of no group a unit of its own), but with the Ray group before any other. `make
    test` runs with `--no-loadscope-reorder`, so that the scheduler keeps this order.

    The Ray group runs on one worker, one test after another (~220 s of a loaded run):
    placed by its size, it started after the agents matrix' 40 larger groups; first, it
    ends long before the run does. The larger groups go first so that no long group is
    left for the end, to run alone."""
    sizes: dict[str | None, int] = {}
    for group in groups.values():
        sizes[group] = sizes.get(group, 0) + 1

    def rank(item: pytest.Item) -> tuple[int, int]:
        group = groups[id(item)]
        if group is None:
            return (2, 0)
        return (0, 0) if group == "ray" else (1, -sizes[group])

    items.sort(key=rank)  # stable: each group, and the rest, in collection order


def _name_the_groups(items: list[pytest.Item], groups: dict[int, str | None]) -> None:
    """What pytest-xdist's worker does for --dist loadgroup, where it no longer works.

    The scheduler groups tests by a `@group` suffix of their node ids, which xdist's own
    hook writes to `item._nodeid`; since pytest 9.2 a node's id is `item._id` (a NodeId),
    so that write changes nothing: no test was grouped, and each worker started a Ray
    cluster and ran the import-order interpreters of its own (pytest-xdist issue #1386).
    A test xdist did suffix (a pytest before 9.2) is left as it is.
    """
    for item in items:
        group = groups[id(item)]
        suffix = f"@{group}"
        if group is None or item.nodeid.endswith(suffix):
            continue
        if hasattr(item, "_id"):
            from _pytest.nodeid import NodeId  # pytest >= 9.2

            item._id = NodeId.parse(item.nodeid + suffix)
        else:
            item._nodeid = item.nodeid + suffix


# ---- the child-process guard ---------------------------------------------------------

_CHILDREN = ChildGuard()
_NETWORK = NetGuard()


def pytest_configure(config: pytest.Config) -> None:
    _CHILDREN.install()
    _NETWORK.install()
    _logscan.install()  # pytest's log capture finds the non-propagating loggers without a walk
    # langchain-tests' `test_init_time` is a pytest-benchmark timing loop (hundreds of
    # rounds of ten constructions, ~50 s of CPU over the standard suites): timing is
    # bench/'s job, never a unit test's; disabled, it builds the model once, still
    # failing if construction fails. (pytest-benchmark reads the option after this hook:
    # its own `pytest_configure` is `trylast`.)
    if hasattr(config.option, "benchmark_disable"):
        config.option.benchmark_disable = True
    if _controls_workers(config):
        _compile_once_for_the_workers(config)
    elif hasattr(config, "workerinput"):
        if not sys.dont_write_bytecode:
            _compile_once.install()  # what the step left: each module compiled by one worker
        _quiet_reports.install(config)  # no report of a setup or teardown saying nothing


_ZYGOTE = pytest.StashKey[_worker_zygote.WorkerZygote]()


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_setupnodes(config: pytest.Config, specs: list[Any]) -> None:
    """The workers forked from one process that has imported the libraries they all
    import as they collect, not each importing them again (tests/_worker_zygote.py)."""
    if not _worker_zygote.wanted() or any(spec.python or not spec.popen for spec in specs):
        return
    zygote = config.stash[_ZYGOTE] = _worker_zygote.WorkerZygote()
    for spec in specs:
        spec.python = zygote.python


@pytest.hookimpl(tryfirst=True, optionalhook=True)  # before xdist's own (firstresult)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """--dist loadgroup's scheduler with its bookkeeping kept in counts, not walked again
    at each test done (~25 s of the controller's CPU), and a worker running low given
    several tests a message, not one (tests/_scheduling.py)."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from tests._scheduling import CountingGroupScheduling

    return CountingGroupScheduling(config, log)


# ---- the workers' bytecode, made once --------------------------------------------------


def _controls_workers(config: pytest.Config) -> bool:
    """Whether this process is the controller of a pytest-xdist run: its workers are
    started after this hook, each importing (and collecting) the same modules."""
    if hasattr(config, "workerinput") or config.getoption("collectonly"):
        return False
    dist = config.getoption("dist", default="no")
    return dist != "no" and bool(config.getoption("tx", default=None))


#: Packages that mark their modules for pytest's rewriter as they are imported (in the
#: workers, at collection), not as plugins: langchain-tests' suites (~0.45 s of CPU to
#: rewrite, on each worker of a fresh venv).
_MARKED_WHEN_IMPORTED = ("langchain_tests.unit_tests", "langchain_tests.integration_tests")


def _compile_once_for_the_workers(config: pytest.Config) -> None:
    """The test modules under the run's paths rewritten by pytest's assertion rewriter,
    their helper modules and chatplex compiled, once, before the workers start. On a
    fresh checkout each worker rewrote and compiled all of them, all at the same time.
    The packages pytest rewrites besides the tests, its plugins' (chatplex, langsmith,
    anyio...), have their rewritten pycs made here too: a fresh checkout's workers each
    rewrote chatplex's ~460 modules (~1 s of CPU a worker). The work is split over the
    cores in forked processes; the workers find the caches made (pytest's pycs and
    Python's own). A module missed here (another pytest's layout) the workers rewrite as
    before.

    The other installed modules are compiled by the workers as they import them, each
    by one worker (tests/_compile_once.py, installed in `pytest_configure`), not all of
    site-packages here: on a fresh venv (`make .venv/.installed-dev`) that took 40-47 s
    of CPU, for sources of which a whole run's processes import ~78 % by size (~70 % of
    the modules; collection ~66 %). Measured with -n 4 and no test selected, on a
    loaded machine: this step and the workers' collection together took 129-147 s of
    CPU, where they took 153-157 s."""
    if sys.dont_write_bytecode or config.getoption("assertmode") != "rewrite":
        return
    try:  # pytest's own cache format, which it checks on reading; none: nothing done
        from _pytest.assertion.rewrite import PYC_TAIL
        from _pytest.assertion.rewrite import _read_pyc
        from _pytest.assertion.rewrite import _rewrite_test
        from _pytest.assertion.rewrite import _write_pyc
        from _pytest.assertion.rewrite import assertstate_key
        from _pytest.assertion.rewrite import get_cache_dir
    except ImportError:  # pragma: no cover - another pytest
        return
    import compileall
    import fnmatch

    state = config.stash[assertstate_key]
    patterns = [*config.getini("python_files"), "conftest.py"]
    skip = config.getini("norecursedirs")

    def rewrite(path: Path) -> None:
        pyc = get_cache_dir(path) / (path.name[:-3] + PYC_TAIL)
        if _read_pyc(path, pyc) is None:
            pyc.parent.mkdir(exist_ok=True)
            try:
                source_hash, code = _rewrite_test(path, config)
            except SyntaxError:  # (a library's template or example): what imports it fails
                return
            _write_pyc(state, code, source_hash, pyc)

    chatplex = _sources_under(ROOT, "chatplex")
    work: list[Callable[[], object]] = [
        functools.partial(compileall.compile_file, str(path), quiet=2) for path in chatplex
    ]
    # The packages of pytest plugins (chatplex's own among them) are imported through
    # the rewriter, which caches them apart from Python's pycs: made here as well.
    marked = (*getattr(state.hook, "_must_rewrite", ()), *_MARKED_WHEN_IMPORTED)
    work += [functools.partial(rewrite, path) for path in _rewritten_sources(marked)]
    for arg in config.args:
        top = Path(config.invocation_params.dir, arg.split("::")[0])
        walk = os.walk(top) if top.is_dir() else [(str(top.parent), [], [top.name])]
        for folder, dirs, files in walk:
            dirs[:] = [d for d in dirs if not any(fnmatch.fnmatch(d, p) for p in skip)]
            for name in files:
                if not name.endswith(".py"):
                    continue
                if any(fnmatch.fnmatch(name, p) for p in patterns):
                    work.append(functools.partial(rewrite, Path(folder, name)))
                else:  # a helper module, imported as any module is
                    work.append(
                        functools.partial(compileall.compile_file, str(Path(folder, name)), quiet=2)
                    )
    shares = os.cpu_count() or 1
    children = []
    for share in range(shares):
        pid = os.fork()
        if pid == 0:  # pragma: no cover - a forked child: left by os._exit, whatever happens
            gc.disable()  # it ends when its share is done: what it drops is freed then
            code = 0
            try:
                for job in work[share::shares]:
                    job()
            except BaseException:  # noqa: BLE001 - what is left, the workers do
                code = 1
            finally:
                os._exit(code)
        children.append(pid)
    for pid in children:
        os.waitpid(pid, 0)


def _rewritten_sources(marked: Iterable[str]) -> list[Path]:
    """The modules of the packages (or the modules) named in `marked`, where they are
    found: chatplex in the checkout, the others in site-packages (a name found in
    neither is left to the workers)."""
    import sysconfig

    paths = sysconfig.get_paths()
    roots = {ROOT, *(Path(paths[key]).resolve() for key in ("purelib", "platlib"))}
    found: set[Path] = set()
    for name in set(marked):
        for root in roots:
            relative = name.replace(".", "/")
            if (root / relative).is_dir():
                found.update(_sources_under(root, relative))
            elif (root / f"{relative}.py").is_file():
                found.add(root / f"{relative}.py")
    return sorted(found)


def _sources_under(root: Path, package: str) -> list[Path]:
    """Each module under `root` in its `package` (a path under `root`), but those of a
    library's own test suite (a `tests` or `test` package inside it)."""
    found = []
    for folder, dirs, files in os.walk(root / package):
        dirs[:] = [name for name in dirs if name not in ("tests", "test")]
        found += [Path(folder, name) for name in files if name.endswith(".py")]
    return sorted(found)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    from tests.adapters._corpus import missing_note

    note = missing_note()
    if note is not None:
        terminalreporter.write_line(note, yellow=True)


def pytest_unconfigure(config: pytest.Config) -> None:
    _compile_once.uninstall()
    _logscan.uninstall()
    _NETWORK.uninstall()
    _CHILDREN.uninstall()


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef: pytest.FixtureDef[Any]) -> Generator[None, Any, Any]:
    _CHILDREN.enter(fixturedef)  # what its setup starts, its teardown must have ended
    try:
        return (yield)
    finally:
        _CHILDREN.leave(fixturedef)


def pytest_fixture_post_finalizer(fixturedef: pytest.FixtureDef[Any]) -> None:
    _fail_on(_CHILDREN.check(fixturedef), f"fixture {fixturedef.argname!r}")
    _fail_on_network(_NETWORK.take(), f"fixture {fixturedef.argname!r}")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Generator[None, Any, Any]:
    _CHILDREN.enter(item)
    try:
        return (yield)
    finally:
        _CHILDREN.leave(item)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, Any, Any]:
    result = yield  # the function-scoped fixtures are torn down (and checked) first
    if item is _RAY.last:
        _RAY.stop()
    _fail_on(_CHILDREN.check(item), "the test")
    _fail_on_network(_NETWORK.take(), "the test")
    return result


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    zygote = session.config.stash.get(_ZYGOTE, None)
    if zygote is not None:  # after xdist's own hook, which ended the workers
        zygote.close()
    # Children started outside any test or fixture (at collection): tidied, and the run
    # fails, since no test is left to fail.
    loose = _CHILDREN.check(None)
    if loose:
        print("\nleft running or unclosed at the end:\n  " + "\n  ".join(loose), file=sys.stderr)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def _fail_on_network(refused: list[str], owner: str) -> None:
    if refused:
        tried = "; ".join(refused)
        pytest.fail(f"{owner} tried to connect beyond loopback: {tried}", pytrace=False)


def _fail_on(loose: list[str], owner: str) -> None:
    if loose:
        pytest.fail(f"{owner} left child processes behind: " + "; ".join(loose), pytrace=False)
