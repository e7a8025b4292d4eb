"""Plans and reasons: each reason a constant with a meaning, a plan rejects or acts, planning is pure.

The order and sizing cases are data: tests/planner_cases/, run by test_planner_cases.py.
"""

import pytest

from reference_server.paper.planner import REASONS, Plan, SubscriptionSettings
from reference_server.paper.planner import reasons as R
from tests.planner import SIGNAL, plan, quote, signal


def test_every_rejection_reason_is_a_constant_with_a_one_line_meaning():
    constants = {v for k, v in vars(R).items() if k.isupper() and isinstance(v, str)}
    assert constants == set(REASONS)
    assert all(meaning and "\n" not in meaning for meaning in REASONS.values())


def test_a_plan_cannot_both_reject_and_act():
    entry = plan(signal("buy")).entry
    with pytest.raises(ValueError):
        Plan(entry=entry, rejection=R.NOTHING_TO_DO)
    with pytest.raises(ValueError):
        Plan(cancel_order_ids=("a",), rejection=R.NOTHING_TO_DO)


def test_settings_refuse_a_default_trailing_stop_order_type():
    with pytest.raises(ValueError):
        SubscriptionSettings(entry_order_type="trailing_stop")


def test_planning_is_pure_the_same_inputs_give_the_same_plan():
    sig = signal("buy", takeProfit={"percent": 10}, quantityType="dollar_amount", quantity=1000)
    assert plan(sig, SIGNAL, held=-3, quote=quote(99)) == plan(sig, SIGNAL, held=-3, quote=quote(99))


def test_the_input_signal_is_not_modified():
    sig = signal("buy", takeProfit={"percent": 10})
    before = repr(sig)
    plan(sig, SIGNAL, quote=quote(10))
    assert repr(sig) == before
