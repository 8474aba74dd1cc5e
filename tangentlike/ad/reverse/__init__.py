"""Reverse mode: a normalized function to its joint forward-and-backward function.

The output reads top to bottom as a person would write a gradient by hand: the user's
computation (the forward sweep), then the backward sweep, one block per active statement in
reverse order, each headed by ``# Grad of: <the user's line>``.  Adjoints start at zero and
every contribution is accumulated (``bx = bx + ...``); the optimizer turns a first
contribution into a plain assignment and removes what is dead.

Stages, one module each: ``analysis`` (facts about the function: ``Program``), ``adjoints``
(each active statement's adjoint, instantiated once: ``Adjoints``), ``saves`` (what the
forward sweep saves for the backward sweep, where, how and why: ``SavePlan``, a fixed point
over sets of names), ``sweeps`` (both sweeps, generated once from the plan) and ``build``
(the seed, the zero initialisations, the signature).  ``motion`` cuts the optimized joint
function into forward and backward halves (split motion) at the empty comment that marks
where the forward sweep ends.
"""
from tangentlike.ad.common import SEED, parameter_names
from tangentlike.ad.reverse.build import ReverseOptions, plan, reverse_ad
from tangentlike.ad.reverse.motion import is_boundary, split
from tangentlike.ad.reverse.plan import How, LoopPlan, Reason, Save, SavePlan, SliceSave, When

__all__ = [
    "SEED", "How", "LoopPlan", "Reason", "ReverseOptions", "Save", "SavePlan", "SliceSave",
    "When", "is_boundary", "parameter_names", "plan", "reverse_ad", "split",
]
