"""The kit's lanes each send to webhooks of their own (conformance.property_lane, conformance.scenario_lane).

Two processes sending to one webhook would meet each other's replay windows and failed-password counts;
these tests check how the webhooks are divided, and that the embedded target gives every lane its own.
"""

from types import SimpleNamespace

from conformance.embedded_gateway import ROLE_WEBHOOKS
from conformance.lanes import divide, split_roles, split_webhooks
from conformance.plugin import STATEFUL_TAG
from conformance.pytest_plugin import SCENARIOS_FILE
from conformance.scenario_lane import independent
from conformance.target import Target, Webhook


def _hooks(first: int, count: int) -> tuple[Webhook, ...]:
    numbers = range(first, first + count)
    return tuple(Webhook(f"00000000-0000-4000-8000-{n:012d}", f"{n:032x}") for n in numbers)


def test_each_shared_role_is_split_in_halves_and_the_quota_webhooks_stay_with_the_kit():
    webhooks = {"stocks": _hooks(1, 3), "options": _hooks(10, 2), "quota": _hooks(100, 4)}
    main, lane = split_roles(webhooks)
    assert main == {"stocks": _hooks(1, 2), "options": _hooks(10, 1), "quota": _hooks(100, 4)}
    assert lane == {"stocks": _hooks(3, 1), "options": _hooks(11, 1)}


def test_no_scenario_lane_when_a_shared_role_lists_one_webhook():
    webhooks = {"stocks": _hooks(1, 2), "options": _hooks(10, 1), "quota": _hooks(100, 4)}
    assert split_roles(webhooks) == (webhooks, {})


def test_the_property_checks_take_the_last_stocks_webhook_only_when_there_are_two():
    assert split_webhooks({"stocks": _hooks(1, 2)}) == ({"stocks": _hooks(1, 1)}, _hooks(2, 1))
    assert split_webhooks({"stocks": _hooks(1, 1)}) == ({"stocks": _hooks(1, 1)}, ())


def _embedded(paced: bool = False) -> Target:
    roles: dict[str, tuple[Webhook, ...]] = {}
    for hook in ROLE_WEBHOOKS:
        roles[hook.name] = (*roles.get(hook.name, ()), Webhook(hook.uuid, hook.password))
    return Target(base_url="http://127.0.0.1:1", webhooks=roles, paced=paced)


def test_the_embedded_target_gives_the_kit_and_each_lane_webhooks_of_their_own():
    main, lanes = divide(_embedded(), properties=True)
    kit = {hook for hooks in main.values() for hook in hooks}
    scenario_lane = {hook for hooks in lanes.scenarios.values() for hook in hooks}
    assert lanes.properties and lanes.scenarios
    assert not kit & scenario_lane and not set(lanes.properties) & (kit | scenario_lane)
    shared = {role for role in main if role != "quota"}
    assert shared == set(lanes.scenarios) and all(main[role] for role in shared)


def test_no_lanes_on_a_paced_target_nor_for_properties_that_do_not_run():
    target = _embedded(paced=True)
    main, lanes = divide(target, properties=True)
    assert main == target.webhooks and not lanes.properties and not lanes.scenarios
    main, lanes = divide(_embedded(), properties=False)
    assert not lanes.properties and main["stocks"][-1] == target.webhooks["stocks"][-2]


class _Scenario:
    """What conformance.scenario_lane.independent reads of a pytest item: its file and its markers."""

    def __init__(self, tags: set[str], needs: set[str]) -> None:
        self.path = SCENARIOS_FILE
        self._marks = {
            "tag": [SimpleNamespace(args=(tag,)) for tag in tags],
            "needs": [SimpleNamespace(args=(need,)) for need in needs],
        }

    def iter_markers(self, name: str):
        return iter(self._marks.get(name, []))


def test_a_stateful_scenario_stays_in_the_kits_process_with_the_control_api_ones():
    assert independent(_Scenario({"REQ-REPLAY-02"}, set()))
    assert not independent(_Scenario({STATEFUL_TAG, "REQ-REPLAY-01"}, set()))
    assert not independent(_Scenario({"control-api"}, {"control-api"}))
