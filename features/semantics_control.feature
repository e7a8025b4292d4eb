# Area: what the test-control API makes clear: the symbols it takes, the notes of a plan, a market
# order the paper broker cannot price, its errors, the settings it reads back, puts on an underlying.
# Requirements: REQ-CONTROL-01 to REQ-CONTROL-06.
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

  @control-api @REQ-CONTROL-02
  Scenario Outline: a signal field the plan does not use as asked is noted: <case>
    Given a "stocks" webhook with the subscription settings:
      """
      <settings>
      """
    And the quote for SQ is bid 99.99 ask 100.01
    When the body <body> is sent
    Then the plan enters with buy <quantity>
    And the plan notes <field>: asked <asked>, used <used>, decided by <setting>

    Examples:
      | case                                        | settings                                                                            | body                                                                                         | quantity | field        | asked           | used             | setting                             |
      | dollar_amount without the override          | {"use_signal_quantity": true}                                                       | {"ticker": "SQ", "action": "buy", "quantityType": "dollar_amount", "quantity": 1000}          | 1000     | quantityType | "dollar_amount" | "fixed_quantity" | allow_signal_quantity_type_override |
      | a quantity without use_signal_quantity      | {"sizing": {"method": "fixed_quantity", "value": 3}}                                | {"ticker": "SQ", "action": "buy", "quantity": 5}                                             | 3        | quantity     | 5               | 3                | use_signal_quantity                 |
      | a limit order without its setting           | {}                                                                                  | {"ticker": "SQ", "action": "buy", "orderType": "limit", "limitPrice": 99}                    | 1        | orderType    | "limit"         | "market"         | use_signal_order_type_entries       |
      | a stop loss without its setting             | {}                                                                                  | {"ticker": "SQ", "action": "buy", "stopLoss": {"stopPrice": 90}}                             | 1        | stopLoss     | {"stopPrice": 90} | null           | use_signal_stop_loss                |

  @control-api @REQ-CONTROL-02
  Scenario: a signal whose every field is used as asked has no notes
    Given a "stocks" webhook with the subscription settings:
      """
      {"use_signal_quantity": true, "allow_signal_quantity_type_override": true}
      """
    And the quote for SQ is bid 99.99 ask 100.01
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "buy", "quantityType": "dollar_amount", "quantity": 1000}
      """
    Then the plan enters with buy 10
    And the plan has no notes

  @control-api @REQ-CONTROL-03
  Scenario: a market order with no quote and no signalPrice waits open, noted, and fills at the next quote
    Given a "stocks" webhook with default subscription settings
    And SQ has no quote
    And the account holds -10 SQ at 70
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "buy"}
      """
    Then the plan exits with buy_to_cover 10
    And the plan enters with buy 1
    And the plan notes signalPrice: asked null, used null, decided by null
    And the account holds -10 SQ
    Given the quote for SQ is bid 69 ask 71
    Then the account holds 1 SQ
    And the account has no open orders for SQ

  @control-api @REQ-CONTROL-03
  Scenario: with a signalPrice the market order fills at it
    Given a "stocks" webhook with default subscription settings
    And SQ has no quote
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "buy", "signalPrice": 70}
      """
    Then the entry filled 1 at 70
    And the account holds 1 SQ

  @control-api @REQ-CONTROL-04
  Scenario Outline: an invalid control request names the member by its JSON pointer: <case>
    Given a "stocks" webhook with default subscription settings
    When the control request <method> <path> is sent:
      """
      <body>
      """
    Then the control API refuses it at "<pointer>" saying what is wrong

    Examples:
      | case                                  | method | path                | body                                                                                                                                   | pointer                                               |
      | a clock without an offset             | PUT    | /clock              | {"now": "2025-06-18T14:30:00"}                                                                                                         | /now                                                  |
      | a bid of 0                            | PUT    | /quotes/SQ          | {"bid": 0, "ask": 1}                                                                                                                   | /bid                                                  |
      | a trailing stop loss with percent     | POST   | /webhooks           | {"subscriptions": [{"settings": {"stop_loss": {"type": "trailing_stop", "percent": 5}}}]}                                              | /subscriptions/0/settings/stop_loss                   |
      | a time zone that does not exist       | POST   | /webhooks           | {"subscriptions": [{"settings": {"trading_windows": [{"timezone": "America/NewYork", "start": "09:30", "end": "16:00"}]}}]}             | /subscriptions/0/settings/trading_windows/0/timezone  |
      | a limit order without its limit price | PUT    | /accounts/{account} | {"open_orders": [{"id": "o1", "symbol": "SQ", "side": "buy", "quantity": 1, "order_type": "limit"}]}                                   | /open_orders/0/limit_price                            |

  @control-api @REQ-CONTROL-05
  Scenario: a webhook reads back with the effective settings of its subscription
    Given a "stocks" webhook with the subscription settings:
      """
      {"use_signal_quantity": true, "take_profit": {"percent": 10}}
      """
    Then the webhook reads back with every setting of its subscription, these among them:
      """
      {"use_signal_quantity": true, "take_profit": {"percent": 10}, "allow_add_to_position": false,
       "cancel_open_orders": true, "entry_order_type": "market", "sizing": null, "option_type": null}
      """

  @control-api @REQ-CONTROL-06
  Scenario: a subscription set to trade puts sells puts to open on a buy of the underlying and reverses the put it holds on a sell
    Given a "options" webhook with the subscription settings:
      """
      {"option_type": "put"}
      """
    And the time is 2025-06-18T14:30:00Z
    And the quote for SQ is bid 69.9 ask 70.1
    And the quote for SQ 250620P70 is bid 2 ask 2.1
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "buy"}
      """
    Then the plan enters with sell_short 1
    And the entry order is:
      """
      {"symbol": "SQ 250620P70"}
      """
    And the account holds -1 SQ 250620P70
    Given the quote for SQ is bid 79.9 ask 80.1
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "sell"}
      """
    Then the plan exits with buy_to_cover 1
    And the plan enters with buy 1
    And the account holds 1 SQ 250620P70
