# Area: the core fields of a signal, one family per field: ticker (as a field), action, sentiment,
# the prices, quantity and quantityType, orderType and the trail, timeInForce, extendedHours, time,
# cancel, ignoreTradingWindows, test, interval, delay, message, expiresAt, extras; unknown fields and
# case sensitivity.
# Requirements: REQ-TICKER-01, REQ-TICKER-02, REQ-TICKER-03, REQ-FIELD-01 to REQ-FIELD-24,
# REQ-PAYLOAD-03, REQ-PAYLOAD-04, REQ-PAYLOAD-05, REQ-PAYLOAD-07, REQ-PRECEDENCE-02.
Feature: Core signal fields
  Each field has its values and its error code. Field names and enum values are case-sensitive;
  fields the schema does not define are ignored.

  @REQ-TICKER-01
  Scenario Outline: a ticker that is a JSON <kind> is invalid-payload
    When the body <body> is sent
    Then the response is 400 "invalid-payload"

    Examples:
      | kind    | body                                           |
      | number  | {"ticker": 123, "action": "buy"}               |
      | boolean | {"ticker": true, "action": "buy"}              |
      | array   | {"ticker": ["AMD"], "action": "buy"}           |
      | object  | {"ticker": {"symbol": "AMD"}, "action": "buy"} |

  @REQ-TICKER-02
  Scenario: the main document's empty ticker is empty-ticker-name
    When the signal is sent:
      """
      {
          "ticker": "",
          "action": "buy"
      }
      """
    Then the response is 400 "empty-ticker-name"

  @REQ-TICKER-02
  Scenario: a ticker of spaces is empty-ticker-name
    When the signal is sent:
      """
      {"ticker": "   ", "action": "buy"}
      """
    Then the response is 400 "empty-ticker-name"

  @REQ-TICKER-02
  Scenario: a ticker of a tab and a newline is empty-ticker-name
    When the signal is sent:
      """
      {"ticker": "\t\n", "action": "buy"}
      """
    Then the response is 400 "empty-ticker-name"

  @REQ-TICKER-02 @REQ-PRECEDENCE-02
  Scenario: an empty ticker wins over an invalid action
    When the signal is sent:
      """
      {"ticker": "", "action": "hold"}
      """
    Then the response is 400 "empty-ticker-name"

  @REQ-TICKER-03
  Scenario Outline: the ticker <ticker> is trimmed and upper-cased
    When the body <body> is sent
    Then the accepted payload is:
      """
      {"ticker": "AMD", "action": "buy"}
      """

    Examples:
      | ticker   | body                                  |
      | "amd"    | {"ticker": "amd", "action": "buy"}    |
      | "Amd"    | {"ticker": "Amd", "action": "buy"}    |
      | " AMD "  | {"ticker": " AMD ", "action": "buy"}  |
      | "  amd " | {"ticker": "  amd ", "action": "buy"} |

  @REQ-FIELD-01
  Scenario Outline: action <action> is accepted
    When the body <body> is sent
    Then the signal is accepted

    Examples:
      | action | body                                  |
      | buy    | {"ticker": "AMD", "action": "buy"}    |
      | sell   | {"ticker": "AMD", "action": "sell"}   |
      | exit   | {"ticker": "AMD", "action": "exit"}   |
      | cancel | {"ticker": "AMD", "action": "cancel"} |
      | add    | {"ticker": "AMD", "action": "add"}    |

  @REQ-FIELD-01
  Scenario Outline: action <action> is invalid-action
    When the body <body> is sent
    Then the response is 400 "invalid-action"

    Examples:
      | action        | body                                       |
      | "hold"        | {"ticker": "AMD", "action": "hold"}        |
      | "close"       | {"ticker": "AMD", "action": "close"}       |
      | "long"        | {"ticker": "AMD", "action": "long"}        |
      | "buy_to_open" | {"ticker": "AMD", "action": "buy_to_open"} |
      | ""            | {"ticker": "AMD", "action": ""}            |
      | " buy"        | {"ticker": "AMD", "action": " buy"}        |
      | 1             | {"ticker": "AMD", "action": 1}             |
      | true          | {"ticker": "AMD", "action": true}          |
      | ["buy"]       | {"ticker": "AMD", "action": ["buy"]}       |

  @REQ-FIELD-02
  Scenario Outline: sentiment <sentiment> with action <action> is accepted
    When the body <body> is sent
    Then the signal is accepted

    Examples:
      | sentiment | action | body                                                        |
      | bullish   | buy    | {"ticker": "AMD", "action": "buy", "sentiment": "bullish"}  |
      | bearish   | sell   | {"ticker": "AMD", "action": "sell", "sentiment": "bearish"} |
      | flat      | sell   | {"ticker": "AMD", "action": "sell", "sentiment": "flat"}    |
      | flat      | buy    | {"ticker": "AMD", "action": "buy", "sentiment": "flat"}     |
      | long      | buy    | {"ticker": "AMD", "action": "buy", "sentiment": "long"}     |
      | short     | sell   | {"ticker": "AMD", "action": "sell", "sentiment": "short"}   |
      | bearish   | buy    | {"ticker": "AMD", "action": "buy", "sentiment": "bearish"}  |
      | bullish   | sell   | {"ticker": "AMD", "action": "sell", "sentiment": "bullish"} |

  @REQ-FIELD-02
  Scenario Outline: sentiment <sentiment> is invalid-sentiment
    When the body <body> is sent
    Then the response is 400 "invalid-sentiment"

    Examples:
      | sentiment  | body                                                         |
      | "neutral"  | {"ticker": "AMD", "action": "buy", "sentiment": "neutral"}   |
      | "sideways" | {"ticker": "AMD", "action": "sell", "sentiment": "sideways"} |
      | "none"     | {"ticker": "AMD", "action": "buy", "sentiment": "none"}      |
      | ""         | {"ticker": "AMD", "action": "buy", "sentiment": ""}          |
      | 1          | {"ticker": "AMD", "action": "buy", "sentiment": 1}           |

  @REQ-FIELD-03
  Scenario: the main document's exit with sentiment flat is invalid-sentiment-action
    When the signal is sent:
      """
      {
          "ticker": "GOOGL",
          "action": "exit",
          "sentiment": "flat"
      }
      """
    Then the response is 400 "invalid-sentiment-action"

  @REQ-FIELD-03
  Scenario Outline: sentiment <sentiment> with action <action> is invalid-sentiment-action
    When the body <body> is sent
    Then the response is 400 "invalid-sentiment-action"

    Examples:
      | sentiment | action | body                                                          |
      | bullish   | exit   | {"ticker": "AMD", "action": "exit", "sentiment": "bullish"}   |
      | bearish   | exit   | {"ticker": "AMD", "action": "exit", "sentiment": "bearish"}   |
      | bullish   | cancel | {"ticker": "AMD", "action": "cancel", "sentiment": "bullish"} |
      | flat      | cancel | {"ticker": "AMD", "action": "cancel", "sentiment": "flat"}    |
      | long      | add    | {"ticker": "AMD", "action": "add", "sentiment": "long"}       |
      | short     | add    | {"ticker": "AMD", "action": "add", "sentiment": "short"}      |

  @REQ-FIELD-02 @REQ-FIELD-03 @REQ-PRECEDENCE-02
  Scenario: an invalid sentiment wins over a sentiment with exit
    When the signal is sent:
      """
      {"ticker": "AMD", "action": "exit", "sentiment": "sideways"}
      """
    Then the response is 400 "invalid-sentiment"

  @REQ-FIELD-04
  Scenario Outline: the price <field> <value> is accepted
    When the body <body> is sent
    Then the signal is accepted

    Examples:
      | field       | value             | body                                                                                                |
      | signalPrice | 143.12            | {"ticker": "AMD", "action": "buy", "signalPrice": 143.12}                                           |
      | signalPrice | 0.0001            | {"ticker": "AMD", "action": "buy", "signalPrice": 0.0001}                                           |
      | price       | 191.25            | {"ticker": "AMD", "action": "buy", "price": 191.25}                                                 |
      | limitPrice  | 50.50             | {"ticker": "AMD", "action": "buy", "orderType": "limit", "limitPrice": 50.50}                       |
      | limitPrice  | without orderType | {"ticker": "AMD", "action": "buy", "limitPrice": 50.50}                                             |
      | stopPrice   | 60                | {"ticker": "AMD", "action": "buy", "orderType": "stop", "stopPrice": 60}                            |
      | stopPrice   | with limitPrice   | {"ticker": "AMD", "action": "buy", "orderType": "stop_limit", "stopPrice": 60, "limitPrice": 50.50} |

  @REQ-FIELD-04
  Scenario Outline: the price <field> <value> is invalid-payload
    When the body <body> is sent
    Then the response is 400 "invalid-payload"

    Examples:
      | field       | value    | body                                                                             |
      | signalPrice | 0        | {"ticker": "AMD", "action": "buy", "signalPrice": 0}                             |
      | signalPrice | -143.12  | {"ticker": "AMD", "action": "buy", "signalPrice": -143.12}                       |
      | signalPrice | true     | {"ticker": "AMD", "action": "buy", "signalPrice": true}                          |
      | price       | -1       | {"ticker": "AMD", "action": "buy", "price": -1}                                  |
      | price       | "abc"    | {"ticker": "AMD", "action": "buy", "price": "abc"}                               |
      | limitPrice  | "market" | {"ticker": "AMD", "action": "buy", "orderType": "limit", "limitPrice": "market"} |
      | limitPrice  | 0        | {"ticker": "AMD", "action": "buy", "limitPrice": 0}                              |
      | stopPrice   | 0        | {"ticker": "AMD", "action": "buy", "stopPrice": 0}                               |
      | stopPrice   | {}       | {"ticker": "AMD", "action": "buy", "stopPrice": {}}                              |

  @REQ-FIELD-05
  Scenario Outline: quantity <value> is accepted
    When the body <body> is sent
    Then the signal is accepted

    Examples:
      | value        | body                                                    |
      | 1            | {"ticker": "AMD", "action": "buy", "quantity": 1}       |
      | 0.5          | {"ticker": "AMD", "action": "buy", "quantity": 0.5}     |
      | 0.0001       | {"ticker": "AMD", "action": "buy", "quantity": 0.0001}  |
      | 1000000      | {"ticker": "AMD", "action": "buy", "quantity": 1000000} |
      | "2.5"        | {"ticker": "AMD", "action": "buy", "quantity": "2.5"}   |
      | 2 on an exit | {"ticker": "AMD", "action": "exit", "quantity": 2}      |

  @REQ-FIELD-05
  Scenario Outline: quantity <value> is invalid-quantity
    When the body <body> is sent
    Then the response is 400 "invalid-quantity"

    Examples:
      | value        | body                                                         |
      | 0            | {"ticker": "AMD", "action": "buy", "quantity": 0}            |
      | -5           | {"ticker": "AMD", "action": "buy", "quantity": -5}           |
      | -0.0         | {"ticker": "AMD", "action": "buy", "quantity": -0.0}         |
      | "five"       | {"ticker": "AMD", "action": "buy", "quantity": "five"}       |
      | true         | {"ticker": "AMD", "action": "buy", "quantity": true}         |
      | [1]          | {"ticker": "AMD", "action": "buy", "quantity": [1]}          |
      | {"value": 1} | {"ticker": "AMD", "action": "buy", "quantity": {"value": 1}} |

  @REQ-FIELD-06
  Scenario Outline: quantityType <type> with action <action> is accepted
    When the body <body> is sent
    Then the signal is accepted

    Examples:
      | type                | action | body                                                                                                                                  |
      | fixed_quantity      | buy    | {"ticker": "AMD", "action": "buy", "quantityType": "fixed_quantity", "quantity": 100}                                                 |
      | fixed_quantity      | exit   | {"ticker": "AMD", "action": "exit", "quantityType": "fixed_quantity", "quantity": 2}                                                  |
      | dollar_amount       | buy    | {"ticker": "AMD", "action": "buy", "quantityType": "dollar_amount", "quantity": 1000}                                                 |
      | dollar_amount       | add    | {"ticker": "AMD", "action": "add", "quantityType": "dollar_amount", "quantity": 500}                                                  |
      | risk_dollar_amount  | sell   | {"ticker": "AMD", "action": "sell", "quantityType": "risk_dollar_amount", "quantity": 100, "stopLoss": {"percent": 2}}                |
      | risk_dollar_amount  | add    | {"ticker": "AMD", "action": "add", "quantityType": "risk_dollar_amount", "quantity": 100, "stopLoss": {"type": "stop", "percent": 5}} |
      | percent_of_equity   | buy    | {"ticker": "AMD", "action": "buy", "quantityType": "percent_of_equity", "quantity": 10}                                               |
      | percent_of_position | exit   | {"ticker": "AMD", "action": "exit", "quantityType": "percent_of_position", "quantity": 20}                                            |

  @REQ-FIELD-06
  Scenario Outline: quantityType <type> is invalid-quantity-type
    When the body <body> is sent
    Then the response is 400 "invalid-quantity-type"

    Examples:
      | type      | body                                                                         |
      | "shares"  | {"ticker": "AMD", "action": "buy", "quantityType": "shares", "quantity": 1}  |
      | "percent" | {"ticker": "AMD", "action": "buy", "quantityType": "percent", "quantity": 1} |
      | "fixed"   | {"ticker": "AMD", "action": "buy", "quantityType": "fixed", "quantity": 1}   |
      | 1         | {"ticker": "AMD", "action": "buy", "quantityType": 1, "quantity": 1}         |

  @REQ-FIELD-07
  Scenario Outline: quantityType <type> without a quantity is quantity-type-requires-quantity
    When the body <body> is sent
    Then the response is 400 "quantity-type-requires-quantity"

    Examples:
      | type                | body                                                                       |
      | fixed_quantity      | {"ticker": "AMD", "action": "buy", "quantityType": "fixed_quantity"}       |
      | dollar_amount       | {"ticker": "AMD", "action": "buy", "quantityType": "dollar_amount"}        |
      | percent_of_equity   | {"ticker": "AMD", "action": "buy", "quantityType": "percent_of_equity"}    |
      | percent_of_position | {"ticker": "AMD", "action": "exit", "quantityType": "percent_of_position"} |

  @REQ-FIELD-08
  Scenario Outline: quantityType percent_of_position with action <action> is invalid-percent-of-position-action
    When the body <body> is sent
    Then the response is 400 "invalid-percent-of-position-action"

    Examples:
      | action | body                                                                                         |
      | buy    | {"ticker": "AMD", "action": "buy", "quantityType": "percent_of_position", "quantity": 20}    |
      | sell   | {"ticker": "AMD", "action": "sell", "quantityType": "percent_of_position", "quantity": 20}   |
      | add    | {"ticker": "AMD", "action": "add", "quantityType": "percent_of_position", "quantity": 20}    |
      | cancel | {"ticker": "AMD", "action": "cancel", "quantityType": "percent_of_position", "quantity": 20} |

  @REQ-FIELD-09
  Scenario Outline: quantityType risk_dollar_amount with action <action> is invalid-risk-dollar-amount-action
    When the body <body> is sent
    Then the response is 400 "invalid-risk-dollar-amount-action"

    Examples:
      | action | body                                                                                                                                        |
      | exit   | {"ticker": "AMD", "action": "exit", "quantityType": "risk_dollar_amount", "quantity": 100, "stopLoss": {"type": "stop", "stopPrice": 90}}   |
      | cancel | {"ticker": "AMD", "action": "cancel", "quantityType": "risk_dollar_amount", "quantity": 100, "stopLoss": {"type": "stop", "stopPrice": 90}} |

  @REQ-FIELD-10
  Scenario Outline: quantityType risk_dollar_amount without a stop loss on <action> is invalid-stop-loss-value-required
    When the body <body> is sent
    Then the response is 400 "invalid-stop-loss-value-required"

    Examples:
      | action | body                                                                                                           |
      | buy    | {"ticker": "AMD", "action": "buy", "signalPrice": 100, "quantityType": "risk_dollar_amount", "quantity": 100}  |
      | sell   | {"ticker": "AMD", "action": "sell", "signalPrice": 100, "quantityType": "risk_dollar_amount", "quantity": 100} |
      | add    | {"ticker": "AMD", "action": "add", "signalPrice": 100, "quantityType": "risk_dollar_amount", "quantity": 100}  |

  @REQ-FIELD-11
  Scenario Outline: quantityType <type> with action <action> is invalid-quantity-type-action
    When the body <body> is sent
    Then the response is 400 "invalid-quantity-type-action"

    Examples:
      | type              | action | body                                                                                       |
      | dollar_amount     | exit   | {"ticker": "AMD", "action": "exit", "quantityType": "dollar_amount", "quantity": 10}       |
      | dollar_amount     | cancel | {"ticker": "AMD", "action": "cancel", "quantityType": "dollar_amount", "quantity": 10}     |
      | percent_of_equity | exit   | {"ticker": "AMD", "action": "exit", "quantityType": "percent_of_equity", "quantity": 10}   |
      | percent_of_equity | cancel | {"ticker": "AMD", "action": "cancel", "quantityType": "percent_of_equity", "quantity": 10} |
      | fixed_quantity    | cancel | {"ticker": "AMD", "action": "cancel", "quantityType": "fixed_quantity", "quantity": 10}    |

  @REQ-FIELD-12
  Scenario Outline: orderType <type> is accepted
    When the body <body> is sent
    Then the signal is accepted

    Examples:
      | type                     | body                                                                                                |
      | market                   | {"ticker": "AMD", "action": "buy", "orderType": "market"}                                           |
      | limit                    | {"ticker": "AMD", "action": "buy", "orderType": "limit", "limitPrice": 50.50}                       |
      | limit without limitPrice | {"ticker": "AMD", "action": "buy", "orderType": "limit"}                                            |
      | stop                     | {"ticker": "AMD", "action": "buy", "orderType": "stop", "stopPrice": 60}                            |
      | stop without stopPrice   | {"ticker": "AMD", "action": "buy", "orderType": "stop"}                                             |
      | stop_limit               | {"ticker": "AMD", "action": "buy", "orderType": "stop_limit", "stopPrice": 60, "limitPrice": 50.50} |
      | trailing_stop            | {"ticker": "AMD", "action": "exit", "orderType": "trailing_stop", "trailAmount": 1}                 |

  @REQ-FIELD-12
  Scenario Outline: orderType <type> is invalid-order-type
    When the body <body> is sent
    Then the response is 400 "invalid-order-type"

    Examples:
      | type              | body                                                                          |
      | "market_on_close" | {"ticker": "AMD", "action": "buy", "orderType": "market_on_close"}            |
      | "stop-limit"      | {"ticker": "AMD", "action": "buy", "orderType": "stop-limit"}                 |
      | "trailing"        | {"ticker": "AMD", "action": "buy", "orderType": "trailing", "trailAmount": 1} |
      | ""                | {"ticker": "AMD", "action": "buy", "orderType": ""}                           |
      | 1                 | {"ticker": "AMD", "action": "buy", "orderType": 1}                            |

  @REQ-FIELD-13 @REQ-FIELD-14
  Scenario Outline: a trailing_stop order with <trail> is accepted
    When the body <body> is sent
    Then the signal is accepted

    Examples:
      | trail            | body                                                                                                   |
      | trailAmount 1    | {"ticker": "AMD", "action": "exit", "orderType": "trailing_stop", "signalPrice": 71, "trailAmount": 1} |
      | trailAmount "1"  | {"ticker": "AMD", "action": "exit", "orderType": "trailing_stop", "trailAmount": "1"}                  |
      | trailPercent 0.5 | {"ticker": "AMD", "action": "sell", "orderType": "trailing_stop", "trailPercent": 0.5}                 |
      | trailPercent "2" | {"ticker": "AMD", "action": "buy", "orderType": "trailing_stop", "trailPercent": "2"}                  |

  @REQ-FIELD-13 @REQ-FIELD-14
  Scenario Outline: <case> is invalid-trailing-stop
    When the body <body> is sent
    Then the response is 400 "invalid-trailing-stop"

    Examples:
      | case                              | body                                                                                                   |
      | trailing_stop without a trail     | {"ticker": "AMD", "action": "exit", "orderType": "trailing_stop"}                                      |
      | trailing_stop with both trails    | {"ticker": "AMD", "action": "exit", "orderType": "trailing_stop", "trailAmount": 1, "trailPercent": 1} |
      | trailAmount with a limit order    | {"ticker": "AMD", "action": "buy", "orderType": "limit", "trailAmount": 1}                             |
      | trailAmount with a market order   | {"ticker": "AMD", "action": "buy", "orderType": "market", "trailAmount": 1}                            |
      | trailPercent without an orderType | {"ticker": "AMD", "action": "buy", "trailPercent": 1}                                                  |
      | trailAmount without an orderType  | {"ticker": "AMD", "action": "exit", "trailAmount": 1}                                                  |
      | a negative trailAmount            | {"ticker": "AMD", "action": "exit", "orderType": "trailing_stop", "trailAmount": -1}                   |
      | a zero trailPercent               | {"ticker": "AMD", "action": "exit", "orderType": "trailing_stop", "trailPercent": 0}                   |
      | a trailAmount of letters          | {"ticker": "AMD", "action": "exit", "orderType": "trailing_stop", "trailAmount": "one"}                |

  @REQ-FIELD-15
  Scenario Outline: timeInForce <tif> is accepted
    When the body <body> is sent
    Then the signal is accepted

    Examples:
      | tif | body                                                     |
      | day | {"ticker": "AMD", "action": "buy", "timeInForce": "day"} |
      | gtc | {"ticker": "AMD", "action": "buy", "timeInForce": "gtc"} |
      | opg | {"ticker": "AMD", "action": "buy", "timeInForce": "opg"} |
      | cls | {"ticker": "AMD", "action": "buy", "timeInForce": "cls"} |
      | ioc | {"ticker": "AMD", "action": "buy", "timeInForce": "ioc"} |
      | fok | {"ticker": "AMD", "action": "buy", "timeInForce": "fok"} |

  @REQ-FIELD-15
  Scenario Outline: timeInForce <tif> is invalid-time-in-force
    When the body <body> is sent
    Then the response is 400 "invalid-time-in-force"

    Examples:
      | tif                | body                                                                  |
      | "gtd"              | {"ticker": "AMD", "action": "buy", "timeInForce": "gtd"}              |
      | "good_till_cancel" | {"ticker": "AMD", "action": "buy", "timeInForce": "good_till_cancel"} |
      | ""                 | {"ticker": "AMD", "action": "buy", "timeInForce": ""}                 |
      | 1                  | {"ticker": "AMD", "action": "buy", "timeInForce": 1}                  |

  @REQ-FIELD-16 @REQ-PAYLOAD-07
  Scenario Outline: extendedHours <value> is accepted
    When the body <body> is sent
    Then the signal is accepted

    Examples:
      | value | body                                                       |
      | true  | {"ticker": "AMD", "action": "buy", "extendedHours": true}  |
      | false | {"ticker": "AMD", "action": "buy", "extendedHours": false} |

  @REQ-FIELD-16 @REQ-PAYLOAD-07
  Scenario Outline: extendedHours <value> is invalid-extended-hours
    When the body <body> is sent
    Then the response is 400 "invalid-extended-hours"

    Examples:
      | value   | body                                                         |
      | "true"  | {"ticker": "AMD", "action": "buy", "extendedHours": "true"}  |
      | "false" | {"ticker": "AMD", "action": "buy", "extendedHours": "false"} |
      | 1       | {"ticker": "AMD", "action": "buy", "extendedHours": 1}       |
      | 0       | {"ticker": "AMD", "action": "buy", "extendedHours": 0}       |
      | "yes"   | {"ticker": "AMD", "action": "buy", "extendedHours": "yes"}   |

  @REQ-FIELD-17
  Scenario Outline: time <time> is accepted
    When the body <body> is sent
    Then the signal is accepted

    Examples:
      | time                        | body                                                                      |
      | 2025-06-18T14:30:00Z        | {"ticker": "AMD", "action": "buy", "time": "2025-06-18T14:30:00Z"}        |
      | 2025-06-18T10:30:00-04:00   | {"ticker": "AMD", "action": "buy", "time": "2025-06-18T10:30:00-04:00"}   |
      | 2025-06-18T16:30:00+02:00   | {"ticker": "AMD", "action": "buy", "time": "2025-06-18T16:30:00+02:00"}   |
      | 2025-06-18T14:30:00.123Z    | {"ticker": "AMD", "action": "buy", "time": "2025-06-18T14:30:00.123Z"}    |
      | 2025-06-18T14:30:00.123456Z | {"ticker": "AMD", "action": "buy", "time": "2025-06-18T14:30:00.123456Z"} |

  @REQ-FIELD-17
  Scenario Outline: time <time> is invalid-payload
    When the body <body> is sent
    Then the response is 400 "invalid-payload"

    Examples:
      | time                   | body                                                               |
      | "2025-06-18 14:30:00"  | {"ticker": "AMD", "action": "buy", "time": "2025-06-18 14:30:00"}  |
      | "2025-06-18T14:30:00"  | {"ticker": "AMD", "action": "buy", "time": "2025-06-18T14:30:00"}  |
      | "2025-06-18"           | {"ticker": "AMD", "action": "buy", "time": "2025-06-18"}           |
      | "2025-13-01T00:00:00Z" | {"ticker": "AMD", "action": "buy", "time": "2025-13-01T00:00:00Z"} |
      | "2025-02-30T00:00:00Z" | {"ticker": "AMD", "action": "buy", "time": "2025-02-30T00:00:00Z"} |
      | "2025-06-18T25:00:00Z" | {"ticker": "AMD", "action": "buy", "time": "2025-06-18T25:00:00Z"} |
      | "yesterday"            | {"ticker": "AMD", "action": "buy", "time": "yesterday"}            |
      | 1718721000             | {"ticker": "AMD", "action": "buy", "time": 1718721000}             |

  @REQ-FIELD-18 @REQ-PAYLOAD-07
  Scenario Outline: the boolean <field> <value> is accepted
    When the body <body> is sent
    Then the signal is accepted

    Examples:
      | field                | value | body                                                              |
      | cancel               | true  | {"ticker": "AMD", "action": "exit", "cancel": true}               |
      | cancel               | false | {"ticker": "AMD", "action": "buy", "cancel": false}               |
      | ignoreTradingWindows | true  | {"ticker": "AMD", "action": "exit", "ignoreTradingWindows": true} |
      | ignoreTradingWindows | false | {"ticker": "AMD", "action": "buy", "ignoreTradingWindows": false} |
      | test                 | true  | {"ticker": "AMD", "action": "buy", "test": true}                  |
      | test                 | false | {"ticker": "AMD", "action": "buy", "test": false}                 |

  @REQ-FIELD-18 @REQ-PAYLOAD-07
  Scenario Outline: the boolean <field> <value> is invalid-payload
    When the body <body> is sent
    Then the response is 400 "invalid-payload"

    Examples:
      | field                | value   | body                                                                 |
      | cancel               | "true"  | {"ticker": "AMD", "action": "exit", "cancel": "true"}                |
      | cancel               | 0       | {"ticker": "AMD", "action": "exit", "cancel": 0}                     |
      | ignoreTradingWindows | 1       | {"ticker": "AMD", "action": "exit", "ignoreTradingWindows": 1}       |
      | ignoreTradingWindows | "false" | {"ticker": "AMD", "action": "exit", "ignoreTradingWindows": "false"} |
      | test                 | "yes"   | {"ticker": "AMD", "action": "buy", "test": "yes"}                    |
      | test                 | 1       | {"ticker": "AMD", "action": "buy", "test": 1}                        |

  @REQ-FIELD-19
  Scenario Outline: interval <interval> is accepted
    When the body <body> is sent
    Then the signal is accepted

    Examples:
      | interval      | body                                                                               |
      | "5"           | {"ticker": "AMD", "action": "buy", "interval": "5"}                                |
      | "1D"          | {"ticker": "AMD", "action": "buy", "interval": "1D"}                               |
      | "240"         | {"ticker": "AMD", "action": "buy", "interval": "240"}                              |
      | 60            | {"ticker": "AMD", "action": "buy", "interval": 60}                                 |
      | 0.5           | {"ticker": "AMD", "action": "buy", "interval": 0.5}                                |
      | 32 characters | {"ticker": "AMD", "action": "buy", "interval": "iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii"} |

  @REQ-FIELD-19
  Scenario Outline: interval <interval> is invalid-payload
    When the body <body> is sent
    Then the response is 400 "invalid-payload"

    Examples:
      | interval      | body                                                                                |
      | ""            | {"ticker": "AMD", "action": "buy", "interval": ""}                                  |
      | 0             | {"ticker": "AMD", "action": "buy", "interval": 0}                                   |
      | -5            | {"ticker": "AMD", "action": "buy", "interval": -5}                                  |
      | 33 characters | {"ticker": "AMD", "action": "buy", "interval": "iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii"} |
      | true          | {"ticker": "AMD", "action": "buy", "interval": true}                                |
      | {"value": 5}  | {"ticker": "AMD", "action": "buy", "interval": {"value": 5}}                        |

  @REQ-FIELD-20
  Scenario Outline: delay <delay> is accepted
    When the body <body> is sent
    Then the signal is accepted

    Examples:
      | delay | body                                               |
      | 0     | {"ticker": "AMD", "action": "buy", "delay": 0}     |
      | 30    | {"ticker": "AMD", "action": "buy", "delay": 30}    |
      | 0.25  | {"ticker": "AMD", "action": "buy", "delay": 0.25}  |
      | "0"   | {"ticker": "AMD", "action": "buy", "delay": "0"}   |
      | "1.5" | {"ticker": "AMD", "action": "buy", "delay": "1.5"} |

  @REQ-FIELD-20
  Scenario Outline: delay <delay> is invalid-payload
    When the body <body> is sent
    Then the response is 400 "invalid-payload"

    Examples:
      | delay  | body                                                |
      | -5     | {"ticker": "AMD", "action": "buy", "delay": -5}     |
      | "-5"   | {"ticker": "AMD", "action": "buy", "delay": "-5"}   |
      | "soon" | {"ticker": "AMD", "action": "buy", "delay": "soon"} |
      | true   | {"ticker": "AMD", "action": "buy", "delay": true}   |
      | ""     | {"ticker": "AMD", "action": "buy", "delay": ""}     |

  @REQ-FIELD-21
  Scenario Outline: a message of <what> is accepted
    When the body <body> is sent
    Then the signal is accepted

    Examples:
      | what                                | body                                                                                                                                                                                                                                                                                                             |
      | 25 characters                       | {"ticker": "AMD", "action": "buy", "message": "xxxxxxxxxxxxxxxxxxxxxxxxx"}                                                                                                                                                                                                                                       |
      | 255 characters                      | {"ticker": "AMD", "action": "buy", "message": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"} |
      | 255 characters with less-than signs | {"ticker": "AMD", "action": "buy", "message": "price < 100 and rsi > 70 price < 100 and rsi > 70 price < 100 and rsi > 70 price < 100 and rsi > 70 price < 100 and rsi > 70 price < 100 and rsi > 70 price < 100 and rsi > 70 price < 100 and rsi > 70 price < 100 and rsi > 70 price < 100 and rsi > 70 price"} |
      | a sentence                          | {"ticker": "AMD", "action": "buy", "message": "RSI crossed below 30 on the 5 minute chart"}                                                                                                                                                                                                                      |

  @REQ-FIELD-21
  Scenario Outline: a message of <what> is invalid-message-length
    When the body <body> is sent
    Then the response is 400 "invalid-message-length"

    Examples:
      | what           | body                                                                                                                                                                                                                                                                                                              |
      | 24 characters  | {"ticker": "AMD", "action": "buy", "message": "xxxxxxxxxxxxxxxxxxxxxxxx"}                                                                                                                                                                                                                                         |
      | 256 characters | {"ticker": "AMD", "action": "buy", "message": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"} |
      | no characters  | {"ticker": "AMD", "action": "buy", "message": ""}                                                                                                                                                                                                                                                                 |
      | a number       | {"ticker": "AMD", "action": "buy", "message": 12345}                                                                                                                                                                                                                                                              |
      | an object      | {"ticker": "AMD", "action": "buy", "message": {"text": "RSI crossed below 30 on the 5 minute chart"}}                                                                                                                                                                                                             |

  @REQ-FIELD-22
  Scenario Outline: a message with <tag> is invalid-message-tags
    When the body <body> is sent
    Then the response is 400 "invalid-message-tags"

    Examples:
      | tag                      | body                                                                                          |
      | a bold tag               | {"ticker": "AMD", "action": "buy", "message": "Breakout confirmed <b>strong</b> volume"}      |
      | a script tag             | {"ticker": "AMD", "action": "buy", "message": "<script>alert(1)</script> breakout confirmed"} |
      | a closing tag only       | {"ticker": "AMD", "action": "buy", "message": "Breakout confirmed on strong volume</a>"}      |
      | an HTML comment          | {"ticker": "AMD", "action": "buy", "message": "Breakout confirmed <!-- on strong volume -->"} |
      | a processing instruction | {"ticker": "AMD", "action": "buy", "message": "Breakout confirmed <?php echo 1; ?> volume"}   |

  @REQ-FIELD-21 @REQ-FIELD-22 @REQ-PRECEDENCE-02
  Scenario: a short message with a tag is invalid-message-length
    When the signal is sent:
      """
      {"ticker": "AMD", "action": "buy", "message": "<b>hi</b>"}
      """
    Then the response is 400 "invalid-message-length"

  @REQ-FIELD-23
  Scenario Outline: expiresAt <expiresAt> is accepted
    When the body <body> is sent
    Then the signal is accepted

    Examples:
      | expiresAt                     | body                                                                             |
      | +5 minutes                    | {"ticker": "AMD", "action": "buy", "expiresAt": "+5 minutes"}                    |
      | +1 minute                     | {"ticker": "AMD", "action": "buy", "expiresAt": "+1 minute"}                     |
      | +5minutes                     | {"ticker": "AMD", "action": "buy", "expiresAt": "+5minutes"}                     |
      | +30 seconds                   | {"ticker": "AMD", "action": "buy", "expiresAt": "+30 seconds"}                   |
      | +2 hours                      | {"ticker": "AMD", "action": "buy", "expiresAt": "+2 hours"}                      |
      | +1 day                        | {"ticker": "AMD", "action": "buy", "expiresAt": "+1 day"}                        |
      | +1 week                       | {"ticker": "AMD", "action": "buy", "expiresAt": "+1 week"}                       |
      | +3 months                     | {"ticker": "AMD", "action": "buy", "expiresAt": "+3 months"}                     |
      | 2025-06-18T14:35:00Z          | {"ticker": "AMD", "action": "buy", "expiresAt": "2025-06-18T14:35:00Z"}          |
      | 2025-06-18T10:35:00.250-04:00 | {"ticker": "AMD", "action": "buy", "expiresAt": "2025-06-18T10:35:00.250-04:00"} |

  @REQ-FIELD-23
  Scenario Outline: expiresAt <expiresAt> is invalid-expires-at
    When the body <body> is sent
    Then the response is 400 "invalid-expires-at"

    Examples:
      | expiresAt             | body                                                                   |
      | "tomorrow"            | {"ticker": "AMD", "action": "buy", "expiresAt": "tomorrow"}            |
      | "5 minutes"           | {"ticker": "AMD", "action": "buy", "expiresAt": "5 minutes"}           |
      | "-5 minutes"          | {"ticker": "AMD", "action": "buy", "expiresAt": "-5 minutes"}          |
      | "+ 5 minutes"         | {"ticker": "AMD", "action": "buy", "expiresAt": "+ 5 minutes"}         |
      | "+1 year"             | {"ticker": "AMD", "action": "buy", "expiresAt": "+1 year"}             |
      | "+5 fortnights"       | {"ticker": "AMD", "action": "buy", "expiresAt": "+5 fortnights"}       |
      | "2025-06-18T14:35:00" | {"ticker": "AMD", "action": "buy", "expiresAt": "2025-06-18T14:35:00"} |
      | "2025-06-18"          | {"ticker": "AMD", "action": "buy", "expiresAt": "2025-06-18"}          |
      | 300                   | {"ticker": "AMD", "action": "buy", "expiresAt": 300}                   |

  @REQ-FIELD-24
  Scenario Outline: extras <extras> is accepted
    When the body <body> is sent
    Then the signal is accepted

    Examples:
      | extras                                 | body                                                                                             |
      | {}                                     | {"ticker": "AMD", "action": "buy", "extras": {}}                                                 |
      | {"message": "RSI Below 30", "rsi": 23} | {"ticker": "AMD", "action": "buy", "extras": {"message": "RSI Below 30", "rsi": 23}}             |
      | with nulls and arrays                  | {"ticker": "AMD", "action": "buy", "extras": {"nested": {"deep": [1, null, "x"]}, "note": null}} |
      | with signal field names                | {"ticker": "AMD", "action": "buy", "extras": {"ticker": 1, "action": null, "quantity": -5}}      |

  @REQ-FIELD-24
  Scenario Outline: extras <extras> is invalid-payload
    When the body <body> is sent
    Then the response is 400 "invalid-payload"

    Examples:
      | extras         | body                                                         |
      | "RSI Below 30" | {"ticker": "AMD", "action": "buy", "extras": "RSI Below 30"} |
      | [1, 2]         | {"ticker": "AMD", "action": "buy", "extras": [1, 2]}         |
      | 42             | {"ticker": "AMD", "action": "buy", "extras": 42}             |
      | true           | {"ticker": "AMD", "action": "buy", "extras": true}           |

  @REQ-PAYLOAD-03
  Scenario Outline: a field named <field> is not <meant>, so the signal is invalid-payload
    When the body <body> is sent
    Then the response is 400 "invalid-payload"

    Examples:
      | field  | meant  | body                               |
      | Ticker | ticker | {"Ticker": "AMD", "action": "buy"} |
      | TICKER | ticker | {"TICKER": "AMD", "action": "buy"} |
      | Action | action | {"ticker": "AMD", "Action": "buy"} |
      | symbol | ticker | {"symbol": "AMD", "action": "buy"} |

  @REQ-PAYLOAD-03 @REQ-PAYLOAD-05
  Scenario Outline: a field named <field> is an unknown field and ignored
    When the body <body> is sent
    Then the signal is accepted
    And the accepted payload has no "<field>"

    Examples:
      | field       | body                                                               |
      | Action      | {"ticker": "AMD", "action": "buy", "Action": "sell"}               |
      | signalprice | {"ticker": "AMD", "action": "buy", "signalprice": "abc"}           |
      | Quantity    | {"ticker": "AMD", "action": "buy", "Quantity": -5}                 |
      | ordertype   | {"ticker": "AMD", "action": "buy", "ordertype": "market_on_close"} |
      | take_profit | {"ticker": "AMD", "action": "buy", "take_profit": {"percent": -1}} |
      | StopLoss    | {"ticker": "AMD", "action": "buy", "StopLoss": 5}                  |

  @REQ-PAYLOAD-04
  Scenario Outline: <field> <value> in another case is <code>
    When the body <body> is sent
    Then the response is 400 "<code>"

    Examples:
      | field          | value           | body                                                                                  | code                    |
      | action         | "Buy"           | {"ticker": "AMD", "action": "Buy"}                                                    | invalid-action          |
      | action         | "SELL"          | {"ticker": "AMD", "action": "SELL"}                                                   | invalid-action          |
      | sentiment      | "Long"          | {"ticker": "AMD", "action": "buy", "sentiment": "Long"}                               | invalid-sentiment       |
      | sentiment      | "FLAT"          | {"ticker": "AMD", "action": "sell", "sentiment": "FLAT"}                              | invalid-sentiment       |
      | orderType      | "Market"        | {"ticker": "AMD", "action": "buy", "orderType": "Market"}                             | invalid-order-type      |
      | orderType      | "LIMIT"         | {"ticker": "AMD", "action": "buy", "orderType": "LIMIT"}                              | invalid-order-type      |
      | quantityType   | "Dollar_Amount" | {"ticker": "AMD", "action": "buy", "quantityType": "Dollar_Amount", "quantity": 1000} | invalid-quantity-type   |
      | timeInForce    | "GTC"           | {"ticker": "AMD", "action": "buy", "timeInForce": "GTC"}                              | invalid-time-in-force   |
      | optionType     | "Call"          | {"ticker": "AMD", "action": "buy", "optionType": "Call"}                              | invalid-option-type     |
      | intrinsicValue | "ITM"           | {"ticker": "AMD", "action": "buy", "intrinsicValue": "ITM"}                           | invalid-intrinsic-value |
      | stopLoss.type  | "Stop"          | {"ticker": "AMD", "action": "buy", "stopLoss": {"type": "Stop", "percent": 5}}        | invalid-stop-loss-type  |
