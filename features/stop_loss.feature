# Area: the stopLoss object: its type, its values (percent, amount, stopPrice, limitPrice,
# trailAmount, trailPercent) and which of them go together.
# Requirements: REQ-STOPLOSS-01 to REQ-STOPLOSS-15, REQ-FIELD-25, REQ-PAYLOAD-05.
Feature: Stop loss
  stopLoss takes a relative percent or amount, an absolute stopPrice (with limitPrice for
  stop_limit), or one trail value for trailing_stop; type is optional.

  @REQ-STOPLOSS-01
  Scenario Outline: a stop loss of <kind> is accepted
    When the body <body> is sent
    Then the signal is accepted

    Examples:
      | kind                                          | body                                                                                                            |
      | type stop and percent                         | {"ticker": "AMD", "action": "buy", "stopLoss": {"type": "stop", "percent": 5}}                                  |
      | type stop and amount                          | {"ticker": "AMD", "action": "buy", "stopLoss": {"type": "stop", "amount": 5}}                                   |
      | type stop and stopPrice                       | {"ticker": "AMD", "action": "buy", "stopLoss": {"type": "stop", "stopPrice": 10.71}}                            |
      | type stop_limit with stopPrice and limitPrice | {"ticker": "AMD", "action": "buy", "stopLoss": {"type": "stop_limit", "stopPrice": 10.71, "limitPrice": 10.75}} |
      | type stop_limit with stopPrice only           | {"ticker": "AMD", "action": "buy", "stopLoss": {"type": "stop_limit", "stopPrice": 10.71}}                      |
      | type stop_limit and percent                   | {"ticker": "AMD", "action": "buy", "stopLoss": {"type": "stop_limit", "percent": 5}}                            |
      | type trailing_stop and trailAmount            | {"ticker": "AMD", "action": "buy", "stopLoss": {"type": "trailing_stop", "trailAmount": 1}}                     |
      | type trailing_stop and trailPercent           | {"ticker": "AMD", "action": "buy", "stopLoss": {"type": "trailing_stop", "trailPercent": 1}}                    |
      | type trailing_stop and trailPercent "0.5"     | {"ticker": "AMD", "action": "buy", "stopLoss": {"type": "trailing_stop", "trailPercent": "0.5"}}                |
      | no type and percent                           | {"ticker": "AMD", "action": "buy", "stopLoss": {"percent": 5}}                                                  |
      | no type and stopPrice                         | {"ticker": "AMD", "action": "buy", "stopLoss": {"stopPrice": 10.71}}                                            |
      | amount "5"                                    | {"ticker": "AMD", "action": "buy", "stopLoss": {"type": "stop", "amount": "5"}}                                 |
      | percent on a sell                             | {"ticker": "AMD", "action": "sell", "stopLoss": {"type": "stop", "percent": 5}}                                 |

  @REQ-STOPLOSS-01 @REQ-PAYLOAD-05
  Scenario Outline: a stop loss with an unknown field, <field>, is accepted
    When the body <body> is sent
    Then the signal is accepted
    And the accepted payload is:
      """
      <payload>
      """

    Examples:
      | field | body                                                                                                    | payload                                                                                     |
      | note  | {"ticker": "AMD", "action": "buy", "stopLoss": {"type": "stop", "percent": 5, "note": "x"}}             | {"ticker": "AMD", "action": "buy", "stopLoss": {"type": "stop", "percent": 5}}              |
      | trail | {"ticker": "AMD", "action": "buy", "stopLoss": {"type": "trailing_stop", "trailAmount": 1, "trail": 2}} | {"ticker": "AMD", "action": "buy", "stopLoss": {"type": "trailing_stop", "trailAmount": 1}} |
      | price | {"ticker": "AMD", "action": "buy", "stopLoss": {"stopPrice": 10.71, "price": -1}}                       | {"ticker": "AMD", "action": "buy", "stopLoss": {"stopPrice": 10.71}}                        |

  @REQ-STOPLOSS-02
  Scenario Outline: stopLoss type <type> is invalid-stop-loss-type
    When the body <body> is sent
    Then the response is 400 "invalid-stop-loss-type"

    Examples:
      | type          | body                                                                                   |
      | "stop_market" | {"ticker": "AMD", "action": "buy", "stopLoss": {"type": "stop_market", "percent": 5}}  |
      | "limit"       | {"ticker": "AMD", "action": "buy", "stopLoss": {"type": "limit", "percent": 5}}        |
      | "trailing"    | {"ticker": "AMD", "action": "buy", "stopLoss": {"type": "trailing", "trailAmount": 1}} |
      | ""            | {"ticker": "AMD", "action": "buy", "stopLoss": {"type": "", "percent": 5}}             |
      | 1             | {"ticker": "AMD", "action": "buy", "stopLoss": {"type": 1, "percent": 5}}              |

  @REQ-STOPLOSS-03 @REQ-STOPLOSS-04 @REQ-STOPLOSS-05 @REQ-STOPLOSS-06 @REQ-STOPLOSS-07 @REQ-STOPLOSS-08
  Scenario Outline: stopLoss <field> <value> is <code>
    When the body <body> is sent
    Then the response is 400 "<code>"

    Examples:
      | field        | value | body                                                                                                            | code                            |
      | percent      | -5    | {"ticker": "AMD", "action": "buy", "stopLoss": {"type": "stop", "percent": -5}}                                 | invalid-stop-loss-percent       |
      | percent      | 0     | {"ticker": "AMD", "action": "buy", "stopLoss": {"type": "stop", "percent": 0}}                                  | invalid-stop-loss-percent       |
      | percent      | "5%"  | {"ticker": "AMD", "action": "buy", "stopLoss": {"type": "stop", "percent": "5%"}}                               | invalid-stop-loss-percent       |
      | amount       | 0     | {"ticker": "AMD", "action": "buy", "stopLoss": {"type": "stop", "amount": 0}}                                   | invalid-stop-loss-amount        |
      | amount       | -5    | {"ticker": "AMD", "action": "buy", "stopLoss": {"type": "stop", "amount": -5}}                                  | invalid-stop-loss-amount        |
      | stopPrice    | true  | {"ticker": "AMD", "action": "buy", "stopLoss": {"type": "stop", "stopPrice": true}}                             | invalid-stop-loss-stop-price    |
      | stopPrice    | 0     | {"ticker": "AMD", "action": "buy", "stopLoss": {"type": "stop", "stopPrice": 0}}                                | invalid-stop-loss-stop-price    |
      | stopPrice    | "abc" | {"ticker": "AMD", "action": "buy", "stopLoss": {"type": "stop", "stopPrice": "abc"}}                            | invalid-stop-loss-stop-price    |
      | limitPrice   | 0     | {"ticker": "AMD", "action": "buy", "stopLoss": {"type": "stop_limit", "stopPrice": 10.71, "limitPrice": 0}}     | invalid-stop-loss-limit-price   |
      | limitPrice   | "abc" | {"ticker": "AMD", "action": "buy", "stopLoss": {"type": "stop_limit", "stopPrice": 10.71, "limitPrice": "abc"}} | invalid-stop-loss-limit-price   |
      | trailAmount  | -1    | {"ticker": "AMD", "action": "buy", "stopLoss": {"type": "trailing_stop", "trailAmount": -1}}                    | invalid-stop-loss-trail-amount  |
      | trailAmount  | 0     | {"ticker": "AMD", "action": "buy", "stopLoss": {"type": "trailing_stop", "trailAmount": 0}}                     | invalid-stop-loss-trail-amount  |
      | trailPercent | "one" | {"ticker": "AMD", "action": "buy", "stopLoss": {"type": "trailing_stop", "trailPercent": "one"}}                | invalid-stop-loss-trail-percent |
      | trailPercent | -1    | {"ticker": "AMD", "action": "buy", "stopLoss": {"type": "trailing_stop", "trailPercent": -1}}                   | invalid-stop-loss-trail-percent |

  @REQ-STOPLOSS-06
  Scenario Outline: a stopLoss limitPrice with <type> is invalid-stop-loss-limit-price
    When the body <body> is sent
    Then the response is 400 "invalid-stop-loss-limit-price"

    Examples:
      | type      | body                                                                                                      |
      | type stop | {"ticker": "AMD", "action": "buy", "stopLoss": {"type": "stop", "stopPrice": 10.71, "limitPrice": 10.75}} |
      | no type   | {"ticker": "AMD", "action": "buy", "stopLoss": {"stopPrice": 10.71, "limitPrice": 10.75}}                 |

  @REQ-STOPLOSS-09
  Scenario Outline: a stop loss of <what> is invalid-stop-loss-value-required
    When the body <body> is sent
    Then the response is 400 "invalid-stop-loss-value-required"

    Examples:
      | what                  | body                                                                   |
      | type stop only        | {"ticker": "AMD", "action": "buy", "stopLoss": {"type": "stop"}}       |
      | type stop_limit only  | {"ticker": "AMD", "action": "buy", "stopLoss": {"type": "stop_limit"}} |
      | an empty object       | {"ticker": "AMD", "action": "buy", "stopLoss": {}}                     |
      | an unknown field only | {"ticker": "AMD", "action": "buy", "stopLoss": {"distance": 5}}        |

  @REQ-STOPLOSS-10
  Scenario Outline: a stop loss with stopPrice and <relative> is invalid-stop-loss-relative-and-absolute
    When the body <body> is sent
    Then the response is 400 "invalid-stop-loss-relative-and-absolute"

    Examples:
      | relative | body                                                                                               |
      | percent  | {"ticker": "AMD", "action": "buy", "stopLoss": {"type": "stop", "stopPrice": 10.71, "percent": 5}} |
      | amount   | {"ticker": "AMD", "action": "buy", "stopLoss": {"type": "stop", "stopPrice": 10.71, "amount": 1}}  |

  @REQ-STOPLOSS-11
  Scenario: a stop loss with amount and percent is invalid-stop-loss-amount-and-percent
    When the signal is sent:
      """
      {"ticker": "AMD", "action": "buy", "stopLoss": {"type": "stop", "amount": 1, "percent": 5}}
      """
    Then the response is 400 "invalid-stop-loss-amount-and-percent"

  @REQ-STOPLOSS-12
  Scenario Outline: a stopLoss limitPrice without a stopPrice, <case>, is invalid-stop-loss-stop-price-required
    When the body <body> is sent
    Then the response is 400 "invalid-stop-loss-stop-price-required"

    Examples:
      | case             | body                                                                                                      |
      | beside a percent | {"ticker": "AMD", "action": "buy", "stopLoss": {"type": "stop_limit", "percent": 5, "limitPrice": 10.75}} |
      | beside an amount | {"ticker": "AMD", "action": "buy", "stopLoss": {"type": "stop_limit", "amount": 1, "limitPrice": 10.75}}  |
      | alone            | {"ticker": "AMD", "action": "buy", "stopLoss": {"type": "stop_limit", "limitPrice": 10.75}}               |

  @REQ-STOPLOSS-13
  Scenario: a trailing_stop stop loss with a stopPrice is invalid-stop-loss-trail-price
    When the signal is sent:
      """
      {"ticker": "AMD", "action": "buy", "stopLoss": {"type": "trailing_stop", "trailAmount": 1, "stopPrice": 70}}
      """
    Then the response is 400 "invalid-stop-loss-trail-price"

  @REQ-STOPLOSS-14
  Scenario Outline: a stop loss with <case> is invalid-stop-loss-trail-value
    When the body <body> is sent
    Then the response is 400 "invalid-stop-loss-trail-value"

    Examples:
      | case                             | body                                                                                                           |
      | trailAmount and type stop        | {"ticker": "AMD", "action": "buy", "stopLoss": {"type": "stop", "trailAmount": 1}}                             |
      | trailPercent and type stop_limit | {"ticker": "AMD", "action": "buy", "stopLoss": {"type": "stop_limit", "trailPercent": 1}}                      |
      | trailPercent and no type         | {"ticker": "AMD", "action": "buy", "stopLoss": {"trailPercent": 1}}                                            |
      | trailAmount and trailPercent     | {"ticker": "AMD", "action": "buy", "stopLoss": {"type": "trailing_stop", "trailAmount": 1, "trailPercent": 1}} |

  @REQ-STOPLOSS-15
  Scenario: a trailing_stop stop loss without a trail is invalid-stop-loss-trail-value-required
    When the signal is sent:
      """
      {"ticker": "AMD", "action": "buy", "stopLoss": {"type": "trailing_stop"}}
      """
    Then the response is 400 "invalid-stop-loss-trail-value-required"

  @REQ-FIELD-25
  Scenario Outline: a stopLoss that is <what> is invalid-payload
    When the body <body> is sent
    Then the response is 400 "invalid-payload"

    Examples:
      | what     | body                                                                             |
      | a number | {"ticker": "AMD", "action": "buy", "stopLoss": 5}                                |
      | a string | {"ticker": "AMD", "action": "buy", "stopLoss": "stop"}                           |
      | an array | {"ticker": "AMD", "action": "buy", "stopLoss": [{"type": "stop", "percent": 5}]} |
      | false    | {"ticker": "AMD", "action": "buy", "stopLoss": false}                            |
