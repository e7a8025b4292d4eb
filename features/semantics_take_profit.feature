# Area: the take profit placed with an entry: when the signal's counts, its limit price from a
# percent, an amount or an absolute price, the entry price it is measured from (the limit price, the
# quote midpoint, signalPrice without quotes), both legs together, and futures' price offsets.
# Requirements: REQ-TPSL-01 to REQ-TPSL-07, REQ-TPSL-14, REQ-TPSL-15.
Feature: Semantics of take profit
  A take profit is a limit order that closes the entry: an absolute limitPrice, or a percent or an
  amount above the entry price of a long entry (below for a short).

  @control-api @REQ-TPSL-01
  Scenario: the signal's take profit is not placed without Use signal take profit
    Given a "stocks" webhook with the subscription settings:
      """
      {"use_signal_take_profit": false}
      """
    And the quote for SQ is bid 99.99 ask 100.01
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "buy", "takeProfit": {"percent": 10}}
      """
    Then the plan enters with buy 1
    And the plan has no take profit order

  @control-api @REQ-TPSL-01
  Scenario: the signal's take profit is placed with Use signal take profit
    Given a "stocks" webhook with the subscription settings:
      """
      {"use_signal_take_profit": true}
      """
    And the quote for SQ is bid 99.99 ask 100.01
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "buy", "takeProfit": {"percent": 10}}
      """
    Then the plan enters with buy 1
    And the take profit order is:
      """
      {"instruction": "sell", "quantity": 1, "order_type": "limit", "limit_price": 110}
      """

  @control-api @REQ-TPSL-01
  Scenario: the subscription's take profit applies when the signal's does not count
    Given a "stocks" webhook with the subscription settings:
      """
      {"use_signal_take_profit": false, "take_profit": {"percent": 20}}
      """
    And the quote for SQ is bid 99.99 ask 100.01
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "buy", "takeProfit": {"percent": 10}}
      """
    Then the take profit order is:
      """
      {"order_type": "limit", "limit_price": 120}
      """

  @control-api @REQ-TPSL-02
  Scenario Outline: a take profit of 10 percent from 143.12 on a <side> entry is a limit at <limit>
    Given a "stocks" webhook with the subscription settings:
      """
      {"use_signal_take_profit": true, "broker": {"supports_quotes": false}}
      """
    When the signal is sent:
      """
      {"ticker": "AMD", "action": "<action>", "signalPrice": 143.12, "takeProfit": {"percent": 10}}
      """
    Then the take profit order is:
      """
      {"instruction": "<instruction>", "quantity": 1, "order_type": "limit"}
      """
    And the take profit order's limit_price is <limit> within 0.01

    Examples:
      | side  | action | instruction  | limit   |
      | long  | buy    | sell         | 157.432 |
      | short | sell   | buy_to_cover | 128.808 |

  @control-api @REQ-TPSL-03
  Scenario: signalPrice 18500 with a take profit amount of 100 is a limit at 18600
    Given a "futures" webhook with the subscription settings:
      """
      {"use_signal_order_type_entries": true, "use_signal_take_profit": true, "broker": {"supports_quotes": false}}
      """
    And the time is 2025-06-18T14:30:00Z
    When the signal is sent:
      """
      {"ticker": "MNQ", "action": "buy", "orderType": "market", "signalPrice": 18500, "takeProfit": {"amount": 100}}
      """
    Then the entry order is:
      """
      {"instruction": "buy", "order_type": "market"}
      """
    And the take profit order is:
      """
      {"instruction": "sell", "order_type": "limit", "limit_price": 18600}
      """

  @control-api @REQ-TPSL-04
  Scenario: a limit entry measures its take profit and stop loss from its limitPrice
    Given a "stocks" webhook with the subscription settings:
      """
      {"use_signal_order_type_entries": true, "use_signal_take_profit": true, "use_signal_stop_loss": true}
      """
    And the quote for SQ is bid 74.99 ask 75.01
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "buy", "orderType": "limit", "limitPrice": 71, "takeProfit": {"amount": 5}, "stopLoss": {"amount": 1}}
      """
    Then the entry order is:
      """
      {"order_type": "limit", "limit_price": 71}
      """
    And the take profit order is:
      """
      {"limit_price": 76}
      """
    And the stop loss order is:
      """
      {"stop_price": 70}
      """

  @control-api @REQ-TPSL-04
  Scenario: a futures limit entry at 18500 with a take profit amount of 100 is a limit at 18600
    Given a "futures" webhook with the subscription settings:
      """
      {"use_signal_order_type_entries": true, "use_signal_take_profit": true}
      """
    And the time is 2025-06-18T14:30:00Z
    When the signal is sent:
      """
      {"ticker": "MNQU2025", "action": "buy", "orderType": "limit", "limitPrice": 18500, "signalPrice": 18000, "takeProfit": {"amount": 100}}
      """
    Then the entry order is:
      """
      {"order_type": "limit", "limit_price": 18500}
      """
    And the take profit order is:
      """
      {"limit_price": 18600}
      """

  @control-api @REQ-TPSL-05
  Scenario: a market entry's take profit is measured from the quote midpoint
    Given a "stocks" webhook with the subscription settings:
      """
      {"use_signal_take_profit": true}
      """
    And the quote for SQ is bid 99 ask 101
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "buy", "takeProfit": {"percent": 10}}
      """
    Then the take profit order is:
      """
      {"instruction": "sell", "order_type": "limit", "limit_price": 110}
      """

  @control-api @REQ-TPSL-06
  Scenario Outline: the entry price of a relative take profit is <price> when the broker <quotes>
    Given a "stocks" webhook with the subscription settings:
      """
      {"use_signal_take_profit": true, "broker": {"supports_quotes": <supports_quotes>}}
      """
    And the quote for SQ is bid 99.99 ask 100.01
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "buy", "signalPrice": 200, "takeProfit": {"amount": 10}}
      """
    Then the take profit order is:
      """
      {"limit_price": <limit>}
      """

    Examples:
      | price                   | quotes             | supports_quotes | limit |
      | signalPrice 200         | cannot supply them | false           | 210   |
      | the quote's midpoint    | supplies them      | true            | 110   |

  @control-api @REQ-TPSL-07
  Scenario: an absolute take profit places its limit at takeProfit.limitPrice 19.99
    Given a "stocks" webhook with the subscription settings:
      """
      {"use_signal_take_profit": true}
      """
    And the quote for SQ is bid 14.99 ask 15.01
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "buy", "takeProfit": {"limitPrice": 19.99}}
      """
    Then the take profit order is:
      """
      {"instruction": "sell", "quantity": 1, "order_type": "limit", "limit_price": 19.99}
      """

  @control-api @REQ-TPSL-14
  Scenario: a take profit and a stop loss sent together are both placed with the entry
    Given a "stocks" webhook with the subscription settings:
      """
      {"use_signal_quantity": true, "use_signal_take_profit": true, "use_signal_stop_loss": true}
      """
    And the quote for SQ is bid 99.99 ask 100.01
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "buy", "quantity": 3, "takeProfit": {"percent": 10}, "stopLoss": {"percent": 5}}
      """
    Then the plan enters with buy 3
    And the take profit order is:
      """
      {"instruction": "sell", "quantity": 3, "order_type": "limit", "limit_price": 110}
      """
    And the stop loss order is:
      """
      {"instruction": "sell", "quantity": 3, "order_type": "stop", "stop_price": 95}
      """
    And the account holds 3 SQ

  @control-api @REQ-TPSL-15
  Scenario: futures take profit and stop loss are price offsets from the entry price
    Given a "futures" webhook with the subscription settings:
      """
      {"use_signal_take_profit": true, "use_signal_stop_loss": true, "broker": {"supports_quotes": false}}
      """
    And the time is 2025-06-18T14:30:00Z
    When the signal is sent:
      """
      {"ticker": "MNQU2025", "action": "sell", "signalPrice": 18500, "takeProfit": {"amount": 100}, "stopLoss": {"amount": 50}}
      """
    Then the plan enters with sell_short 1
    And the take profit order is:
      """
      {"instruction": "buy_to_cover", "limit_price": 18400}
      """
    And the stop loss order is:
      """
      {"instruction": "buy_to_cover", "stop_price": 18550}
      """
