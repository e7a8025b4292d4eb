# Area: how much a trade buys or sells: the signal quantity and when it counts, full and partial
# exits, the quantity types (fixed, dollars, dollars at risk, percent of equity, percent of the
# position), rounding down, and the subscription's Allow signal override.
# Requirements: REQ-QUANTITY-01 to REQ-QUANTITY-11.
Feature: Semantics of quantity and quantity types
  The signal's quantity is used only with Use signal quantity; its quantityType only with Allow
  signal override. Calculated quantities are rounded down unless fractions are allowed.

  @control-api @REQ-QUANTITY-01
  Scenario Outline: the signal quantity counts only with Use signal quantity: <case>
    Given a "stocks" webhook with the subscription settings:
      """
      <settings>
      """
    And the quote for SQ is bid 99.99 ask 100.01
    When the body <body> is sent
    Then the plan enters with buy <quantity>
    And the account holds <quantity> SQ

    Examples:
      | case                                   | settings                                                                              | body                                               | quantity |
      | not used: one share                    | {"use_signal_quantity": false}                                                        | {"ticker": "SQ", "action": "buy", "quantity": 5}   | 1        |
      | used                                   | {"use_signal_quantity": true}                                                         | {"ticker": "SQ", "action": "buy", "quantity": 5}   | 5        |
      | not used: the subscription's sizing    | {"use_signal_quantity": false, "sizing": {"method": "fixed_quantity", "value": 3}}    | {"ticker": "SQ", "action": "buy", "quantity": 5}   | 3        |
      | omitted: the subscription's sizing     | {"use_signal_quantity": true, "sizing": {"method": "fixed_quantity", "value": 3}}     | {"ticker": "SQ", "action": "buy"}                  | 3        |
      | omitted, no sizing: one share          | {"use_signal_quantity": true}                                                         | {"ticker": "SQ", "action": "buy"}                  | 1        |

  @control-api @REQ-QUANTITY-02
  Scenario: an exit without a quantity exits the full position
    Given a "stocks" webhook with the subscription settings:
      """
      {"use_signal_quantity": true}
      """
    And the quote for SQ is bid 99.99 ask 100.01
    And the account holds 5 SQ
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "exit"}
      """
    Then the plan exits with sell 5
    And the account is flat in SQ

  @control-api @REQ-QUANTITY-03
  Scenario: enter 5, exit 2, and stay long 3
    Given a "stocks" webhook with the subscription settings:
      """
      {"use_signal_quantity": true}
      """
    And the quote for SQ is bid 99.99 ask 100.01
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "buy", "quantity": 5}
      """
    Then the plan enters with buy 5
    And the account holds 5 SQ
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "exit", "quantity": 2}
      """
    Then the plan exits with sell 2
    And the plan has no entry
    And the account holds 3 SQ

  @control-api @REQ-QUANTITY-03
  Scenario: exit 2 while short 5 covers 2 and stays short 3
    Given a "stocks" webhook with the subscription settings:
      """
      {"use_signal_quantity": true}
      """
    And the quote for SQ is bid 99.99 ask 100.01
    And the account holds -5 SQ
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "exit", "quantity": 2}
      """
    Then the plan exits with buy_to_cover 2
    And the account holds -3 SQ

  @control-api @REQ-QUANTITY-04
  Scenario Outline: an exit of <quantity> while long 5 exits the full position
    Given a "stocks" webhook with the subscription settings:
      """
      {"use_signal_quantity": true}
      """
    And the quote for SQ is bid 99.99 ask 100.01
    And the account holds 5 SQ
    When the body {"ticker": "SQ", "action": "exit", "quantity": <quantity>} is sent
    Then the plan exits with sell 5
    And the account is flat in SQ

    Examples:
      | quantity |
      | 5        |
      | 9        |

  @control-api @REQ-QUANTITY-05
  Scenario Outline: a fixed quantity of 100 buys 100 shares: <case>
    Given a "stocks" webhook with the subscription settings:
      """
      {"use_signal_quantity": true, "allow_signal_quantity_type_override": true}
      """
    And the quote for SQ is bid 99.99 ask 100.01
    When the body <body> is sent
    Then the plan enters with buy 100
    And the account holds 100 SQ

    Examples:
      | case                   | body                                                                                 |
      | fixed_quantity         | {"ticker": "SQ", "action": "buy", "quantity": 100, "quantityType": "fixed_quantity"} |
      | quantityType left out  | {"ticker": "SQ", "action": "buy", "quantity": 100}                                   |

  @control-api @REQ-QUANTITY-06
  Scenario: dollar_amount 1000 at a price of 100 buys 10
    Given a "stocks" webhook with the subscription settings:
      """
      {"use_signal_quantity": true, "allow_signal_quantity_type_override": true}
      """
    And the quote for SQ is bid 99.99 ask 100.01
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "buy", "quantity": 1000, "quantityType": "dollar_amount"}
      """
    Then the plan enters with buy 10
    And the account holds 10 SQ

  @control-api @REQ-QUANTITY-06
  Scenario: dollar_amount 1000 at a signalPrice of 100 buys 10 when the broker has no quotes
    Given a "stocks" webhook with the subscription settings:
      """
      {"use_signal_quantity": true, "allow_signal_quantity_type_override": true, "broker": {"supports_quotes": false}}
      """
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "buy", "quantity": 1000, "quantityType": "dollar_amount", "signalPrice": 100}
      """
    Then the plan enters with buy 10

  @control-api @REQ-QUANTITY-07
  Scenario: risk 100 entering at 100 with a stop at 90 buys 10
    Given a "stocks" webhook with the subscription settings:
      """
      {"use_signal_quantity": true, "allow_signal_quantity_type_override": true, "use_signal_stop_loss": true, "broker": {"supports_quotes": false}}
      """
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "buy", "signalPrice": 100, "quantity": 100, "quantityType": "risk_dollar_amount", "stopLoss": {"type": "stop", "stopPrice": 90}}
      """
    Then the plan enters with buy 10
    And the stop loss order is:
      """
      {"instruction": "sell", "quantity": 10, "order_type": "stop", "stop_price": 90}
      """

  @control-api @REQ-QUANTITY-08
  Scenario: percent_of_equity 10 of a 10000 account at 100 buys 10
    Given a "stocks" webhook with the subscription settings:
      """
      {"use_signal_quantity": true, "allow_signal_quantity_type_override": true}
      """
    And the account equity is 10000
    And the quote for SQ is bid 99.99 ask 100.01
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "buy", "quantity": 10, "quantityType": "percent_of_equity"}
      """
    Then the plan enters with buy 10
    And the account holds 10 SQ

  @control-api @REQ-QUANTITY-09
  Scenario: exit 20 percent_of_position while long 100 sells 20
    Given a "stocks" webhook with the subscription settings:
      """
      {"use_signal_quantity": true}
      """
    And the quote for SQ is bid 99.99 ask 100.01
    And the account holds 100 SQ
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "exit", "quantity": 20, "quantityType": "percent_of_position"}
      """
    Then the plan exits with sell 20
    And the account holds 80 SQ

  @control-api @REQ-QUANTITY-10
  Scenario Outline: calculated quantities round down unless fractions are allowed: <case>
    Given a "stocks" webhook with the subscription settings:
      """
      <settings>
      """
    And the quote for SQ is bid 29.99 ask 30.01
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "buy", "quantity": 1000, "quantityType": "dollar_amount"}
      """
    Then the plan enters with buy <quantity>

    Examples:
      | case                             | settings                                                                                                                       | quantity  |
      | whole shares                     | {"use_signal_quantity": true, "allow_signal_quantity_type_override": true}                                                     | 33        |
      | fractions allowed                | {"use_signal_quantity": true, "allow_signal_quantity_type_override": true, "fractional": true, "broker": {"fractional": true}} | 33.333333 |
      | the broker has no fractions      | {"use_signal_quantity": true, "allow_signal_quantity_type_override": true, "fractional": true}                                 | 33        |

  @control-api @REQ-QUANTITY-10 @REQ-QUANTITY-09
  Scenario: 20 percent of a position of 7 rounds down to 1
    Given a "stocks" webhook with the subscription settings:
      """
      {"use_signal_quantity": true}
      """
    And the quote for SQ is bid 99.99 ask 100.01
    And the account holds 7 SQ
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "exit", "quantity": 20, "quantityType": "percent_of_position"}
      """
    Then the plan exits with sell 1
    And the account holds 6 SQ

  @control-api @REQ-QUANTITY-11
  Scenario Outline: quantityType overrides the subscription's sizing only with Allow signal override: <case>
    Given a "stocks" webhook with the subscription settings:
      """
      {"use_signal_quantity": true, "allow_signal_quantity_type_override": <override>, "sizing": {"method": "dollar_amount", "value": 500}}
      """
    And the quote for SQ is bid 99.99 ask 100.01
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "buy", "quantity": 1000, "quantityType": "fixed_quantity"}
      """
    Then the plan enters with buy <quantity>

    Examples:
      | case                                             | override | quantity |
      | override: 1000 shares                            | true     | 1000     |
      | no override: the subscription reads 1000 dollars | false    | 10       |
