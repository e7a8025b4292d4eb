"""The kit spreads its requests over a role's webhooks within the spec's quotas (conformance.pool).

The pool is pure logic over a clock: these tests give it a clock they move by hand, and a sleep that
moves it, so waits of a minute take no time.
"""

from conformance.pool import MAX_WAIT, WebhookPool, WebhookPools
from conformance.target import Webhook

HOOKS = tuple(Webhook(f"00000000-0000-4000-8000-{n:012d}", f"{n:032x}") for n in range(1, 4))


class Clock:
    """A clock that only moves when the pool sleeps (or the test says)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def _pool(paced: bool = True, hooks=HOOKS) -> tuple[WebhookPool, Clock]:
    clock = Clock()
    return WebhookPool(hooks, paced, clock, clock.sleep), clock


def _send(pool: WebhookPool, webhook: Webhook, count: int = 1, authenticated: bool = True) -> None:
    for _ in range(count):
        pool.record(webhook, authenticated, 200 if authenticated else 400, None)


def test_webhooks_are_handed_out_in_turn():
    pool, _ = _pool()
    assert [pool.take() for _ in range(6)] == [*HOOKS, *HOOKS]


def test_a_webhook_without_room_in_its_minute_is_passed_over():
    pool, clock = _pool()
    _send(pool, HOOKS[0], 56)  # 56 + a scenario's 5 would pass the spec's 60 a minute
    assert [pool.take() for _ in range(4)] == [HOOKS[1], HOOKS[1], HOOKS[2], HOOKS[1]]
    assert clock.now == 1000.0 and pool.waited == 0


def test_when_no_webhook_has_room_the_pool_waits_for_the_first_that_will():
    pool, clock = _pool(hooks=HOOKS[:1])
    _send(pool, HOOKS[0], 30)
    clock.now += 20
    _send(pool, HOOKS[0], 30)
    # Room for 5 more comes when the 5 oldest of the 60 leave the minute: 40 s from now.
    assert pool.take() == HOOKS[0]
    assert clock.now == 1000.0 + 60 and pool.waited == 40


def test_the_hourly_quota_counts_too():
    pool, clock = _pool(hooks=HOOKS[:1])
    for _ in range(10):  # 500 requests, 50 a minute
        _send(pool, HOOKS[0], 50)
        clock.now += 60
    start = clock.now
    pool.take()
    assert clock.now - start == MAX_WAIT  # the hour frees up far later: the pool waits at most MAX_WAIT


def test_wrong_passwords_have_their_own_window():
    pool, clock = _pool(hooks=HOOKS[:2])
    _send(pool, HOOKS[0], 6, authenticated=False)  # 6 + 5 would pass 10 wrong passwords a minute
    assert pool.take() == HOOKS[1] and pool.take() == HOOKS[1]
    assert clock.now == 1000.0


def test_a_429_with_retry_after_blocks_the_webhook_until_then():
    pool, clock = _pool(hooks=HOOKS[:2])
    pool.record(HOOKS[0], True, 429, "30")
    assert pool.take() == HOOKS[1] and pool.take() == HOOKS[1]
    assert pool.rate_limited == 1
    clock.now += 31
    assert {pool.take(), pool.take()} == set(HOOKS[:2])


def test_an_unpaced_pool_only_takes_turns():
    pool, clock = _pool(paced=False, hooks=HOOKS[:1])
    _send(pool, HOOKS[0], 500)
    assert pool.take() == HOOKS[0] and clock.now == 1000.0


def test_the_pools_count_requests_by_path_and_spare_the_quota_role():
    clock = Clock()
    pools = WebhookPools({"stocks": HOOKS[:2], "quota": HOOKS[2:]}, True, clock, clock.sleep)
    for _ in range(56):
        pools.record(HOOKS[0].path, 200)
    pools.record(HOOKS[1].path.replace(HOOKS[1].password, "f" * 32), 400)  # a wrong password
    assert pools.roles["stocks"].usage[HOOKS[0]].sent and pools.roles["stocks"].usage[HOOKS[1]].refused
    assert pools.take("stocks") == HOOKS[1] and pools.take("stocks") == HOOKS[1]
    for _ in range(61):
        pools.record(HOOKS[2].path, 200)
    assert pools.take("quota") == HOOKS[2] and pools.take("ip-list") is None
    assert pools.waited == 0


def test_429s_on_unpaced_webhooks_are_noted_with_the_fix():
    pools = WebhookPools({"stocks": HOOKS[:1], "quota": HOOKS[1:]}, paced=False)
    pools.record(HOOKS[0].path, 429, "12")
    pools.record(HOOKS[1].path, 429, "12")  # the quota scenarios expect theirs
    (note,) = pools.notes()
    assert (
        note.startswith("1 requests to stocks webhooks were answered 429") and 'rate_limits = "spec"' in note
    )


def test_a_scenario_webhook_moves_on_only_when_its_quota_is_used_up():
    clock = Clock()
    pool = WebhookPool(HOOKS, True, clock, clock.sleep)
    webhook = pool.for_scenario()
    first = webhook.current
    for _ in range(60):  # the spec's minute, all to the first webhook
        assert webhook.path == first.path
        pool.record(first, True, 200, None)
    path = webhook.path  # the 61st request goes to another one, with its password
    assert webhook.current != first and path == webhook.current.path
    assert (webhook.uuid, webhook.password) == (webhook.current.uuid, webhook.current.password)
    assert WebhookPool(HOOKS, False).for_scenario() == HOOKS[0]  # unpaced: a plain webhook
