"""Every case of the suite, in one list (the test module and the import-order runner
both read it)."""

from __future__ import annotations

from compat_cases_around import AROUND_CASES
from compat_cases_border import BORDER_CASES
from compat_cases_chains import CHAIN_CASES
from compat_cases_machinery import MACHINERY_CASES
from compat_cases_patterns import PATTERN_CASES
from compat_cases_probe_k import PROBE_K_CASES
from compat_cases_probe_l import PROBE_L_CASES
from compat_cases_probe_l2 import PROBE_L2_CASES
from compat_cases_probe_l3 import PROBE_L3_CASES
from compat_cases_probe_m import PROBE_M_CASES
from compat_cases_probe_n import PROBE_N_CASES
from compat_cases_probe_o import PROBE_O_CASES
from compat_cases_scripts import SCRIPT_CASES
from compat_cases_seeds import SEED_BLOCKS
from compat_cases_seeds import SEED_CASES
from compat_harness import Case

CASES: list[Case] = [
    *SEED_CASES,
    *PATTERN_CASES,
    *CHAIN_CASES,
    *BORDER_CASES,
    *SCRIPT_CASES,
    *AROUND_CASES,
    *MACHINERY_CASES,
    *PROBE_K_CASES,
    *PROBE_L_CASES,
    *PROBE_L2_CASES,
    *PROBE_L3_CASES,
    *PROBE_M_CASES,
    *PROBE_N_CASES,
    *PROBE_O_CASES,
]

__all__ = ["CASES", "SEED_BLOCKS"]
