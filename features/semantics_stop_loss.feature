# Area: the stop loss placed with an entry: when the signal's counts, its stop from a percent, an
# amount or an absolute stopPrice (with the limit of a stop limit), its type, trailing stop losses,
# and the quote price a market entry's relative stop is measured from.
# Requirements: REQ-TPSL-01, REQ-TPSL-08 to REQ-TPSL-13, REQ-TPSL-16.
Feature: Semantics of stop loss and trailing stops
  A stop loss closes the entry: a stop percent or amount below the entry price of a long entry
  (above for a short), an absolute stopPrice, or a trailing stop that follows the price.

  @control-api @REQ-TPSL-01
  Scenario: the signal's stop loss is not placed without Use signal stop loss
    Given a "stocks" webhook with the subscription settings:
      """
      {"use_signal_stop_loss": false}
      """
    And the quote for SQ is bid 99.99 ask 100.01
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "buy", "stopLoss": {"percent": 5}}
      """
    Then the plan enters with buy 1
    And the plan has no stop loss order

  @control-api @REQ-TPSL-01
  Scenario: the signal's stop loss is placed with Use signal stop loss
    Given a "stocks" webhook with the subscription settings:
      """
      {"use_signal_stop_loss": true}
      """
    And the quote for SQ is bid 99.99 ask 100.01
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "buy", "stopLoss": {"percent": 5}}
      """
    Then the stop loss order is:
      """
      {"instruction": "sell", "quantity": 1, "order_type": "stop", "stop_price": 95}
      """

  @control-api @REQ-TPSL-01
  Scenario: the subscription's stop loss applies when the signal's does not count
    Given a "stocks" webhook with the subscription settings:
      """
      {"use_signal_stop_loss": false, "stop_loss": {"amount": 3}}
      """
    And the quote for SQ is bid 99.99 ask 100.01
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "buy", "stopLoss": {"percent": 5}}
      """
    Then the stop loss order is:
      """
      {"order_type": "stop", "stop_price": 97}
      """

  @control-api @REQ-TPSL-08
  Scenario Outline: a stop loss of 5 percent from 143.12 on a <side> entry stops at <stop>
    Given a "stocks" webhook with the subscription settings:
      """
      {"use_signal_stop_loss": true, "broker": {"supports_quotes": false}}
      """
    When the signal is sent:
      """
      {"ticker": "AMD", "action": "<action>", "signalPrice": 143.12, "stopLoss": {"type": "stop", "percent": 5}}
      """
    Then the stop loss order is:
      """
      {"instruction": "<instruction>", "quantity": 1, "order_type": "stop"}
      """
    And the stop loss order's stop_price is <stop> within 0.01

    Examples:
      | side  | action | instruction  | stop    |
      | long  | buy    | sell         | 135.964 |
      | short | sell   | buy_to_cover | 150.276 |

  @control-api @REQ-TPSL-09
  Scenario Outline: a stop loss amount of 3 on a <side> entry at 100 stops at <stop>
    Given a "stocks" webhook with the subscription settings:
      """
      {"use_signal_stop_loss": true}
      """
    And the quote for SQ is bid 99.99 ask 100.01
    When the body {"ticker": "SQ", "action": "<action>", "stopLoss": {"amount": 3}} is sent
    Then the stop loss order is:
      """
      {"instruction": "<instruction>", "order_type": "stop", "stop_price": <stop>}
      """

    Examples:
      | side  | action | instruction  | stop |
      | long  | buy    | sell         | 97   |
      | short | sell   | buy_to_cover | 103  |

  @control-api @REQ-TPSL-10
  Scenario Outline: an absolute stop loss of type <type> stops at 10.71<limit_text>
    Given a "stocks" webhook with the subscription settings:
      """
      {"use_signal_stop_loss": true}
      """
    And the quote for SQ is bid 10.99 ask 11.01
    When the body <body> is sent
    Then the stop loss order is:
      """
      {"instruction": "sell", "order_type": "<type>", "stop_price": 10.71, "limit_price": <limit>}
      """

    Examples:
      | type       | limit_text           | limit | body                                                                                                  |
      | stop       |                      | null  | {"ticker": "SQ", "action": "buy", "stopLoss": {"type": "stop", "stopPrice": 10.71}}                   |
      | stop_limit | , limited at 10.75   | 10.75 | {"ticker": "SQ", "action": "buy", "stopLoss": {"type": "stop_limit", "stopPrice": 10.71, "limitPrice": 10.75}} |

  @control-api @REQ-TPSL-11
  Scenario Outline: the stop loss type of <source> wins
    Given a "stocks" webhook with the subscription settings:
      """
      {"use_signal_stop_loss": true, "stop_loss_type": "stop_limit"}
      """
    And the quote for SQ is bid 99.99 ask 100.01
    When the body <body> is sent
    Then the stop loss order is:
      """
      {"order_type": "<type>", "stop_price": 95}
      """

    Examples:
      | source                                       | body                                                                         | type       |
      | the signal over the subscription             | {"ticker": "SQ", "action": "buy", "stopLoss": {"type": "stop", "amount": 5}} | stop       |
      | the subscription when the signal names none  | {"ticker": "SQ", "action": "buy", "stopLoss": {"amount": 5}}                 | stop_limit |

  @control-api @REQ-TPSL-12
  Scenario: a trailing stop loss of trailAmount 1 on a limit buy at 71 starts at 70
    Given a "stocks" webhook with the subscription settings:
      """
      {"use_signal_order_type_entries": true, "use_signal_stop_loss": true}
      """
    And the quote for SQ is bid 74.99 ask 75.01
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "buy", "orderType": "limit", "limitPrice": 71, "stopLoss": {"type": "trailing_stop", "trailAmount": 1}}
      """
    Then the entry order is:
      """
      {"order_type": "limit", "limit_price": 71}
      """
    And the stop loss order is:
      """
      {"instruction": "sell", "order_type": "trailing_stop", "trail_amount": 1, "stop_price": 70}
      """

  @control-api @REQ-TPSL-13
  Scenario: a trailing stop loss of trailPercent 1.0 on a limit buy at 71 starts at 71 times 0.99
    Given a "stocks" webhook with the subscription settings:
      """
      {"use_signal_order_type_entries": true, "use_signal_stop_loss": true}
      """
    And the quote for SQ is bid 74.99 ask 75.01
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "buy", "orderType": "limit", "limitPrice": 71, "stopLoss": {"type": "trailing_stop", "trailPercent": 1.0}}
      """
    Then the stop loss order is:
      """
      {"instruction": "sell", "order_type": "trailing_stop", "trail_percent": 1, "stop_price": 70.29}
      """

  @control-api @REQ-TPSL-16
  Scenario: a market entry's relative stop loss is measured from the quote, not from signalPrice
    Given a "stocks" webhook with the subscription settings:
      """
      {"use_signal_stop_loss": true}
      """
    And the quote for SQ is bid 99 ask 101
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "buy", "signalPrice": 200, "stopLoss": {"amount": 5}}
      """
    Then the stop loss order is:
      """
      {"instruction": "sell", "order_type": "stop", "stop_price": 95}
      """
