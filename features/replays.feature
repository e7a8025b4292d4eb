# Area: retries: a sender that got no answer sends the same body again; within the gateway's replay
# window that is the same signal, answered as before and traded once (DECISIONS D-055).
# Requirements: REQ-REPLAY-01 to REQ-REPLAY-03.
# @stateful: the retry counts on the gateway remembering the first signal, which a test-control API
# reset by another scenario would wipe; the kit never runs such a scenario beside those.
Feature: Replays
  A request can be committed and then lose its answer (a timeout, a dropped connection, a gateway
  that restarts), and its sender retries it. The same body bytes sent again at once to the same
  webhook are answered with the first signal's id and payload and are not a second signal; a body
  that differs in any byte is a new signal.

  @stateful @REQ-REPLAY-01
  Scenario: the same body sent again at once is answered with the first signal's id and payload
    When the signal is sent:
      """
      {"ticker": "AMD", "action": "buy", "quantity": 2, "extras": {"scenario": "a retry of the same body"}}
      """
    And the same body is sent again
    Then the signal is accepted
    And the answer has the id and payload of the first answer

  @REQ-REPLAY-02
  Scenario: a body that differs in one byte is a new signal
    When the signal is sent:
      """
      {"ticker": "AMD", "action": "buy", "extras": {"scenario": "a body that differs"}}
      """
    And the signal is sent:
      """
      {"ticker": "AMD", "action": "buy", "extras": {"scenario": "a body that differs" }}
      """
    Then the signal is accepted
    And the answer has a new id

  @control-api @REQ-REPLAY-03
  Scenario: a signal sent again at once is traded once
    Given a "stocks" webhook with default subscription settings
    And the quote for SQ is bid 99.99 ask 100.01
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "buy"}
      """
    And the same body is sent again
    Then the answer has the id and payload of the first answer
    And the account holds 1 SQ
