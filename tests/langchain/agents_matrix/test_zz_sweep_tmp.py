import pytest
from ._kit import WIRES, run_side
from ._cells import where_they_differ
from .test_scripts import SCRIPT_WIRES
from .test_generated_settings import generate, sent, _SIDES

@pytest.mark.parametrize(("wire", "number"), [pytest.param(w, n, id=f"s{n}-{w}") for w in SCRIPT_WIRES for n in range(12, 72)])
def test_sweep(server, wire, number):
    case = generate(wire, number)
    theirs, ours = (run_side(sent(case), WIRES[wire], s, server) for s in _SIDES)
    assert ours == theirs, f"case {number} on {wire} differs:\n{case}\n" + "\n".join(where_they_differ(theirs, ours))
