"""The partner side of the side-by-side suites, replayed while nothing it depends on has
changed (tests/_replayed.py, as the agents matrix's).

`run_both` (`_sidebyside.py`), through which every suite runs its scripts, runs the
partner package's script, then chatplex's. Most of the suites' CPU is the partner's run,
and what it gives, its result as the suite reads it and the requests it sent, depends on
the script's module and the helpers it imports, the partner packages and the scripted
server, nothing of chatplex's drop-ins. So it is recorded per module in
`recorded/<folder>.<module>.json.gz`, per test and run (`test[a]#0`), and replayed while
the module's key holds; chatplex's side always runs live and is compared with it as
before. A result no encoding gives back as it was (an exception object, a set, a
class) is not recorded: that run stays live, and the recording says why.

A test that fails with a replayed partner side runs again live (`rerun_live_on_failure`)
and is named at the run's end: today those whose drop-in is the first in the process to
call a LangChain API that warns once per process (`InMemoryChatMessageHistory`, a beta
loader), which the partner's live run would have called first, its warning ignored.

    make record-partners      # the suites run with CHATPLEX_RECORD_PARTNERS=1: re-records
"""

from __future__ import annotations

from pathlib import Path

from tests._replayed import MACHINERY
from tests._replayed import Recordings

HERE = Path(__file__).resolve().parent

#: The files every suite module runs its scripts with: its server's fixture, and the
#: watsonx folder's environment.
_KIT = tuple(HERE / name for name in ("conftest.py", "__init__.py", "watsonx/conftest.py"))
#: Modules that run no partner side: this one and its tests.
_NOT_RUN_HERE = MACHINERY | {HERE / "_replays.py", HERE / "test_replays.py"}

RECORDINGS = Recordings(
    directory=HERE / "recorded",
    label="side-by-side suites",
    target="record-partners",
    placeholder="<scripted-server>",
    kit=_KIT,
    not_run_here=_NOT_RUN_HERE,
    unordered={
        "is not a valid tool": "an agent running a streamed call's split parts as two "
        "tool calls (langchain-cohere's) runs them at once: their results come in the "
        "scheduler's order",
    },
)
