# Area: when a signal is executed: delay and expiresAt; what is recorded of it: latency and slippage.
# Requirements: REQ-TIMING-01, REQ-TIMING-02, REQ-TIMING-03, REQ-PRICE-01.
Feature: Timing, latency and slippage
  A signal with a delay is executed that many seconds after it is received; one whose expiresAt has
  passed by then is not executed. The time from the signal's time to its receipt is its latency, and
  the difference between signalPrice and the fill price is its slippage. The clock is the gateway's,
  set through the test-control API.

  @control-api @REQ-TIMING-01
  Scenario: a signal with a 30 second delay is executed 30 seconds after it is received
    Given a "stocks" webhook with default subscription settings
    And the time is 2025-06-18T14:30:00Z
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "buy", "signalPrice": 70, "delay": 30}
      """
    Then the trade is pending
    Given the time is 2025-06-18T14:30:29Z
    Then the trade is pending
    Given the time is 2025-06-18T14:30:30Z
    Then the plan enters with buy 1
    And the account holds 1 SQ

  @control-api @REQ-TIMING-02
  Scenario Outline: a signal whose expiresAt <expires> passes before its delay is over is not executed
    Given a "stocks" webhook with default subscription settings
    And the time is 2025-06-18T14:30:00Z
    When the body <body> is sent
    Then the trade is pending
    Given the time is 2025-06-18T14:31:00Z
    Then the trade is rejected with "expired"
    And the account is flat in SQ

    Examples:
      | expires              | body                                                                                                    |
      | +10 seconds          | {"ticker": "SQ", "action": "buy", "signalPrice": 70, "delay": 30, "expiresAt": "+10 seconds"}          |
      | 2025-06-18T14:30:20Z | {"ticker": "SQ", "action": "buy", "signalPrice": 70, "delay": 30, "expiresAt": "2025-06-18T14:30:20Z"} |

  @control-api @REQ-TIMING-02
  Scenario: a signal executed before its expiresAt is executed
    Given a "stocks" webhook with default subscription settings
    And the time is 2025-06-18T14:30:00Z
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "buy", "signalPrice": 70, "delay": 30, "expiresAt": "+1 minute"}
      """
    Given the time is 2025-06-18T14:31:00Z
    Then the plan enters with buy 1

  @control-api @REQ-TIMING-03
  Scenario: the latency is the time from the signal's time to its receipt
    Given a "stocks" webhook with default subscription settings
    And the time is 2025-06-18T14:30:02.5Z
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "buy", "signalPrice": 70, "time": "2025-06-18T14:30:00Z"}
      """
    Then the signal's latency is 2.5 seconds

  @control-api @REQ-PRICE-01
  Scenario Outline: the slippage of a <action> filled at <price> against a signalPrice of 70 is <slippage>
    Given a "stocks" webhook with default subscription settings
    And the quote for SQ is bid 69.8 ask 70.25
    When the body <body> is sent
    Then the entry filled 1 at <price>
    And the entry fill's slippage is <slippage>

    Examples:
      | action | price | slippage | body                                                  |
      | buy    | 70.25 | 0.25     | {"ticker": "SQ", "action": "buy", "signalPrice": 70}  |
      | sell   | 69.8  | 0.2      | {"ticker": "SQ", "action": "sell", "signalPrice": 70} |
