# Area: how the orders of a trade are placed: the signal's order type and time in force and when
# they count, fallbacks for what the broker lacks, the prices of limit, stop, stop-limit and
# trailing-stop orders, extended hours, and signalPrice as the price of last resort.
# Requirements: REQ-ORDERTYPE-01 to REQ-ORDERTYPE-08, REQ-TIMEINFORCE-01 to REQ-TIMEINFORCE-03,
# REQ-ORDER-14, REQ-PRICE-02.
Feature: Semantics of order types and time in force
  orderType and timeInForce count only where the subscription uses the signal's values, separately
  for entries and exits; what the broker lacks falls back to the subscription's defaults.

  @control-api @REQ-ORDERTYPE-01 @REQ-ORDERTYPE-05
  Scenario Outline: the signal's order type counts for entries only with its setting: <case>
    Given a "stocks" webhook with the subscription settings:
      """
      <settings>
      """
    And the quote for SQ is bid 99.99 ask 100.01
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "buy", "orderType": "limit", "limitPrice": 50.50}
      """
    Then the entry order is:
      """
      <entry>
      """

    Examples:
      | case                     | settings                                | entry                                                |
      | not used: market         | {"use_signal_order_type_exits": true}   | {"order_type": "market", "limit_price": null}        |
      | used: a limit at 50.50   | {"use_signal_order_type_entries": true} | {"order_type": "limit", "limit_price": 50.5}         |

  @control-api @REQ-ORDERTYPE-01
  Scenario Outline: the signal's order type counts for exits only with its setting: <case>
    Given a "stocks" webhook with the subscription settings:
      """
      <settings>
      """
    And the quote for SQ is bid 99.99 ask 100.01
    And the account holds 1 SQ
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "exit", "orderType": "limit", "limitPrice": 150}
      """
    Then the exit order is:
      """
      <exit>
      """

    Examples:
      | case                 | settings                                  | exit                                                          |
      | not used: market     | {"use_signal_order_type_entries": true}   | {"instruction": "sell", "order_type": "market"}               |
      | used: a limit at 150 | {"use_signal_order_type_exits": true}     | {"instruction": "sell", "order_type": "limit", "limit_price": 150} |

  @control-api @REQ-ORDERTYPE-02
  Scenario: an order type the broker lacks falls back to the subscription's default
    Given a "stocks" webhook with the subscription settings:
      """
      {"use_signal_order_type_entries": true, "entry_order_type": "market", "broker": {"order_types": ["market", "limit"]}}
      """
    And the quote for SQ is bid 99.99 ask 100.01
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "buy", "orderType": "stop", "stopPrice": 105}
      """
    Then the entry order is:
      """
      {"instruction": "buy", "order_type": "market", "stop_price": null}
      """

  @control-api @REQ-ORDERTYPE-02
  Scenario: an order type the broker lacks, with a default it lacks too, is rejected
    Given a "stocks" webhook with the subscription settings:
      """
      {"use_signal_order_type_entries": true, "entry_order_type": "market", "broker": {"order_types": ["limit"]}}
      """
    And the quote for SQ is bid 99.99 ask 100.01
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "buy", "orderType": "stop", "stopPrice": 105}
      """
    Then the trade is rejected with "order-type-unsupported"
    And the account is flat in SQ

  @control-api @REQ-ORDERTYPE-03
  Scenario: a limit order without limitPrice is placed at the quote midpoint
    Given a "stocks" webhook with the subscription settings:
      """
      {"use_signal_order_type_entries": true}
      """
    And the quote for SQ is bid 10 ask 11
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "buy", "orderType": "limit"}
      """
    Then the entry order is:
      """
      {"order_type": "limit", "limit_price": 10.5}
      """

  @control-api @REQ-ORDERTYPE-03
  Scenario: a limit order without limitPrice is placed at signalPrice when the broker has no quotes
    Given a "stocks" webhook with the subscription settings:
      """
      {"use_signal_order_type_entries": true, "broker": {"supports_quotes": false}}
      """
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "buy", "orderType": "limit", "signalPrice": 42}
      """
    Then the entry order is:
      """
      {"order_type": "limit", "limit_price": 42}
      """

  @control-api @REQ-ORDERTYPE-04
  Scenario Outline: a <order_type> order without stopPrice stops at the market price
    Given a "stocks" webhook with the subscription settings:
      """
      {"use_signal_order_type_entries": true}
      """
    And the quote for SQ is bid 19.99 ask 20.01
    When the body {"ticker": "SQ", "action": "buy", "orderType": "<order_type>"} is sent
    Then the entry order is:
      """
      {"order_type": "<order_type>", "stop_price": 20}
      """

    Examples:
      | order_type |
      | stop       |
      | stop_limit |

  @control-api @REQ-ORDERTYPE-05
  Scenario: a stop_limit order is placed with its stopPrice 60 and limitPrice 50.50
    Given a "stocks" webhook with the subscription settings:
      """
      {"use_signal_order_type_entries": true}
      """
    And the quote for SQ is bid 49.99 ask 50.01
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "buy", "orderType": "stop_limit", "stopPrice": 60, "limitPrice": 50.50}
      """
    Then the entry order is:
      """
      {"instruction": "buy", "order_type": "stop_limit", "stop_price": 60, "limit_price": 50.5}
      """

  @control-api @REQ-ORDER-14 @REQ-ORDERTYPE-06
  Scenario: an exit with orderType trailing_stop, trailAmount 1 and signalPrice 71 trails from 70
    Given a "stocks" webhook with the subscription settings:
      """
      {"use_signal_order_type_exits": true, "broker": {"supports_quotes": false}}
      """
    And the account holds 10 SQ
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "exit", "orderType": "trailing_stop", "signalPrice": 71, "trailAmount": 1}
      """
    Then the exit order is:
      """
      {"instruction": "sell", "quantity": 10, "order_type": "trailing_stop", "trail_amount": 1, "stop_price": 70}
      """
    And the plan has no entry

  @control-api @REQ-ORDER-14 @REQ-ORDERTYPE-07
  Scenario Outline: a trailing stop exit with trailPercent 1 of a <side> position starts at <stop>
    Given a "stocks" webhook with the subscription settings:
      """
      {"use_signal_order_type_exits": true, "broker": {"supports_quotes": false}}
      """
    And the account holds <held> SQ
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "exit", "orderType": "trailing_stop", "signalPrice": 71, "trailPercent": 1}
      """
    Then the exit order is:
      """
      {"instruction": "<instruction>", "order_type": "trailing_stop", "trail_percent": 1, "stop_price": <stop>}
      """

    Examples:
      | side  | held | instruction  | stop  |
      | long  | 10   | sell         | 70.29 |
      | short | -10  | buy_to_cover | 71.71 |

  @control-api @REQ-ORDERTYPE-08
  Scenario Outline: a trailing stop starts from <start> when the broker <quotes>
    Given a "stocks" webhook with the subscription settings:
      """
      {"use_signal_order_type_exits": true, "broker": {"supports_quotes": <supports_quotes>}}
      """
    And the quote for SQ is bid 79.99 ask 80.01
    And the account holds 10 SQ
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "exit", "orderType": "trailing_stop", "signalPrice": 71, "trailAmount": 1}
      """
    Then the exit order is:
      """
      {"order_type": "trailing_stop", "stop_price": <stop>}
      """

    Examples:
      | start                    | quotes              | supports_quotes | stop |
      | signalPrice 71           | cannot supply them  | false           | 70   |
      | the quote's midpoint 80  | supplies them       | true            | 79   |

  @control-api @REQ-TIMEINFORCE-01
  Scenario Outline: the signal's time in force counts only with its setting for the <leg>: <case>
    Given a "stocks" webhook with the subscription settings:
      """
      <settings>
      """
    And the quote for SQ is bid 99.99 ask 100.01
    And the account holds <held> SQ
    When the body <body> is sent
    Then the <leg> order is:
      """
      {"time_in_force": "<tif>"}
      """

    Examples:
      | leg   | case     | settings                                    | held | body                                                      | tif |
      | entry | not used | {"use_signal_time_in_force_exits": true}    | 0    | {"ticker": "SQ", "action": "buy", "timeInForce": "gtc"}   | day |
      | entry | used     | {"use_signal_time_in_force_entries": true}  | 0    | {"ticker": "SQ", "action": "buy", "timeInForce": "gtc"}   | gtc |
      | exit  | not used | {"use_signal_time_in_force_entries": true}  | 1    | {"ticker": "SQ", "action": "exit", "timeInForce": "gtc"}  | day |
      | exit  | used     | {"use_signal_time_in_force_exits": true}    | 1    | {"ticker": "SQ", "action": "exit", "timeInForce": "gtc"}  | gtc |

  @control-api @REQ-TIMEINFORCE-02
  Scenario: a time in force the broker lacks falls back to the subscription's
    Given a "stocks" webhook with the subscription settings:
      """
      {"use_signal_time_in_force_entries": true, "entry_time_in_force": "gtc", "broker": {"time_in_force": ["day", "gtc"]}}
      """
    And the quote for SQ is bid 99.99 ask 100.01
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "buy", "timeInForce": "opg"}
      """
    Then the entry order is:
      """
      {"instruction": "buy", "time_in_force": "gtc"}
      """

  @control-api @REQ-TIMEINFORCE-02
  Scenario: a time in force the broker lacks, with a default it lacks too, is rejected
    Given a "stocks" webhook with the subscription settings:
      """
      {"use_signal_time_in_force_entries": true, "entry_time_in_force": "ioc", "broker": {"time_in_force": ["day", "gtc"]}}
      """
    And the quote for SQ is bid 99.99 ask 100.01
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "buy", "timeInForce": "opg"}
      """
    Then the trade is rejected with "time-in-force-unsupported"

  @control-api @REQ-TIMEINFORCE-03
  Scenario Outline: extendedHours <extended> sends <what> on a stock
    Given a "stocks" webhook with default subscription settings
    And the quote for SQ is bid 99.99 ask 100.01
    And the account holds -1 SQ
    When the body <body> is sent
    Then the exit order is:
      """
      {"extended_hours": <extended>}
      """
    And the entry order is:
      """
      {"extended_hours": <extended>}
      """

    Examples:
      | extended | what                       | body                                                        |
      | true     | extended-hours orders      | {"ticker": "SQ", "action": "buy", "extendedHours": true}    |
      | false    | regular-hours orders       | {"ticker": "SQ", "action": "buy", "extendedHours": false}   |

  @control-api @REQ-TIMEINFORCE-03
  Scenario: extendedHours applies to stocks only, not to a futures order
    Given a "futures" webhook with default subscription settings
    And the time is 2025-06-18T14:30:00Z
    When the signal is sent:
      """
      {"ticker": "MNQU2025", "action": "buy", "extendedHours": true, "signalPrice": 18500}
      """
    Then the entry order is:
      """
      {"symbol": "MNQU2025", "extended_hours": false}
      """

  @control-api @REQ-PRICE-02
  Scenario: with no quote, a market order fills at signalPrice
    Given a "stocks" webhook with default subscription settings
    And SQ has no quote
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "buy", "signalPrice": 71}
      """
    Then the plan enters with buy 1
    And the entry filled 1 at 71
    And the account holds 1 SQ
