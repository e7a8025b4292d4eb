# Area: trading windows: the From time inclusive and the To time exclusive, signals outside every
# window, ignoreTradingWindows, and exits and cancels the subscription allows outside the windows.
# Requirements: REQ-WINDOW-01 to REQ-WINDOW-04.
Feature: Semantics of trading windows
  The subscription trades from 09:30 (inclusive) to 16:00 (exclusive) New York time, Monday to
  Friday. 2025-06-18 is a Wednesday; New York is then UTC-4.

  @control-api @REQ-WINDOW-01
  Scenario Outline: a signal at <local> New York time, inside the window, executes
    Given a "stocks" webhook with the subscription settings:
      """
      {"trading_windows": [{"timezone": "America/New_York", "start": "09:30", "end": "16:00", "days": [0, 1, 2, 3, 4]}]}
      """
    And the quote for SQ is bid 99.99 ask 100.01
    And the time is <time>
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "buy"}
      """
    Then the plan enters with buy 1
    And the account holds 1 SQ

    Examples:
      | local             | time                 |
      | 09:30, the From   | 2025-06-18T13:30:00Z |
      | 15:59:59          | 2025-06-18T19:59:59Z |

  @control-api @REQ-WINDOW-01 @REQ-WINDOW-02
  Scenario Outline: a signal at <local>, outside every window, is rejected
    Given a "stocks" webhook with the subscription settings:
      """
      {"trading_windows": [{"timezone": "America/New_York", "start": "09:30", "end": "16:00", "days": [0, 1, 2, 3, 4]}]}
      """
    And the quote for SQ is bid 99.99 ask 100.01
    And the time is <time>
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "buy"}
      """
    Then the trade is rejected with "outside-trading-window"
    And the account is flat in SQ

    Examples:
      | local                        | time                 |
      | 16:00 New York, the To       | 2025-06-18T20:00:00Z |
      | 09:29:59 New York            | 2025-06-18T13:29:59Z |
      | 11:00 New York on a Saturday | 2025-06-21T15:00:00Z |

  @control-api @REQ-WINDOW-03
  Scenario: ignoreTradingWindows true executes outside the windows
    Given a "stocks" webhook with the subscription settings:
      """
      {"trading_windows": [{"timezone": "America/New_York", "start": "09:30", "end": "16:00", "days": [0, 1, 2, 3, 4]}]}
      """
    And the quote for SQ is bid 99.99 ask 100.01
    And the time is 2025-06-18T22:00:00Z
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "buy", "ignoreTradingWindows": true}
      """
    Then the plan enters with buy 1
    And the account holds 1 SQ

  @control-api @REQ-WINDOW-04
  Scenario: an exit outside the windows executes when the subscription allows exits outside them
    Given a "stocks" webhook with the subscription settings:
      """
      {"trading_windows": [{"timezone": "America/New_York", "start": "09:30", "end": "16:00"}], "allow_exits_outside_windows": true}
      """
    And the quote for SQ is bid 99.99 ask 100.01
    And the time is 2025-06-18T22:00:00Z
    And the account holds 5 SQ
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "exit"}
      """
    Then the plan exits with sell 5
    And the account is flat in SQ

  @control-api @REQ-WINDOW-04
  Scenario: a reversal outside the windows only exits when the subscription allows exits outside them
    Given a "stocks" webhook with the subscription settings:
      """
      {"trading_windows": [{"timezone": "America/New_York", "start": "09:30", "end": "16:00"}], "allow_exits_outside_windows": true}
      """
    And the quote for SQ is bid 99.99 ask 100.01
    And the time is 2025-06-18T22:00:00Z
    And the account holds -10 SQ
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "buy"}
      """
    Then the plan exits with buy_to_cover 10
    And the plan has no entry
    And the account is flat in SQ

  @control-api @REQ-WINDOW-04
  Scenario: a cancel outside the windows executes when the subscription allows cancels outside them
    Given a "stocks" webhook with the subscription settings:
      """
      {"trading_windows": [{"timezone": "America/New_York", "start": "09:30", "end": "16:00"}], "allow_cancels_outside_windows": true}
      """
    And the time is 2025-06-18T22:00:00Z
    And the account has an open buy limit order o1 for 5 SQ at 60
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "cancel"}
      """
    Then the plan cancels the open orders o1
    And the account has no open orders for SQ

  @control-api @REQ-WINDOW-04 @REQ-WINDOW-02
  Scenario Outline: <action> outside the windows is rejected when the subscription allows only <allowed>
    Given a "stocks" webhook with the subscription settings:
      """
      {"trading_windows": [{"timezone": "America/New_York", "start": "09:30", "end": "16:00"}], "<setting>": true}
      """
    And the time is 2025-06-18T22:00:00Z
    And the account holds 5 SQ
    And the account has an open sell limit order o1 for 5 SQ at 120
    When the body {"ticker": "SQ", "action": "<action>"} is sent
    Then the trade is rejected with "outside-trading-window"
    And the account holds 5 SQ

    Examples:
      | action | allowed | setting                       |
      | exit   | cancels | allow_cancels_outside_windows |
      | cancel | exits   | allow_exits_outside_windows   |
