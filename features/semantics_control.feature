# Area: what the test-control API makes clear: the symbols it takes, the notes of a plan, a market
# order the paper broker cannot price, its errors, the settings it reads back, puts on an underlying.
# Requirements: REQ-CONTROL-01.
Feature: The test-control API explains itself
  A scenario arranges accounts and quotes through the test-control API and reads back what a signal
  did. What it arranges means what the signals that follow mean, and where the gateway used something
  other than what a signal asked, or refuses a control request, it says so in words.

  @control-api @REQ-CONTROL-01
  Scenario Outline: a position arranged as <arranged> is exited by a signal for <ticker>
    Given a "stocks" webhook with default subscription settings
    And the quote for <arranged> is bid 99.99 ask 100.01
    And the account holds 5 <arranged>
    When the signal is sent:
      """
      {"ticker": "<ticker>", "action": "exit"}
      """
    Then the plan exits with sell 5
    And the exit filled 5 at 99.99
    And the account is flat in <ticker>

    Examples:
      | arranged | ticker |
      | sq       | SQ     |
      | Sq       | sq     |
