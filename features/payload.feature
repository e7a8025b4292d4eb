# Area: the JSON value as a whole: it must be an object with ticker and action; every example of the
# main document; unknown fields; numeric strings; null values.
# Requirements: REQ-PAYLOAD-01, REQ-PAYLOAD-02, REQ-PAYLOAD-05, REQ-PAYLOAD-06, REQ-PAYLOAD-08,
# REQ-PAYLOAD-09, REQ-PAYLOAD-10, REQ-RESPONSE-07, REQ-PRECEDENCE-02.
Feature: Payload
  The signal is one JSON object. ticker and action are required, every other field is optional,
  fields the schema does not define are ignored, numeric fields take numbers or plain decimal
  strings, and no field takes null.

  @REQ-PAYLOAD-01
  Scenario Outline: a JSON <kind> instead of an object is invalid-payload
    When the body <body> is sent
    Then the response is 400 "invalid-payload"

    Examples:
      | kind        | body                                 |
      | array       | [{"ticker": "AMD", "action": "buy"}] |
      | empty array | []                                   |
      | string      | "AMD buy"                            |
      | number      | 42                                   |
      | true        | true                                 |
      | false       | false                                |
      | null        | null                                 |

  @REQ-PAYLOAD-02
  Scenario Outline: a signal without <missing> is invalid-payload
    When the body <body> is sent
    Then the response is 400 "invalid-payload"

    Examples:
      | missing               | body                                           |
      | a ticker              | {"action": "buy"}                              |
      | an action             | {"ticker": "AMD"}                              |
      | any field             | {}                                             |
      | ticker and action     | {"quantity": 1, "orderType": "market"}         |
      | a ticker, with extras | {"action": "buy", "extras": {"ticker": "AMD"}} |

  @REQ-PAYLOAD-02 @REQ-PRECEDENCE-02
  Scenario: a missing ticker wins over an invalid action
    When the signal is sent:
      """
      {"action": "hold"}
      """
    Then the response is 400 "invalid-payload"

  @REQ-PAYLOAD-10
  Scenario: a ticker and an action alone are the whole payload
    When the signal is sent:
      """
      {"ticker": "AMD", "action": "buy"}
      """
    Then the accepted payload is:
      """
      {"ticker": "AMD", "action": "buy"}
      """

  @REQ-PAYLOAD-09
  Scenario Outline: the main document's example, <example>, is accepted
    Given the "<webhook>" webhook
    When the body <body> is sent
    Then the signal is accepted

    Examples:
      | example                               | webhook | body                                                                                                                                                        |
      | the introductory AMD buy              | stocks  | {"ticker": "AMD", "action": "buy", "signalPrice": 143.12, "quantity": 1, "takeProfit": {"percent": 10}, "stopLoss": {"type": "stop", "percent": 5}}         |
      | ticker and action                     | stocks  | {"ticker": "MSFT", "action": "buy"}                                                                                                                         |
      | add                                   | stocks  | {"ticker": "SQ", "action": "add"}                                                                                                                           |
      | cancel                                | stocks  | {"ticker": "SQ", "action": "cancel"}                                                                                                                        |
      | exit with cancel true                 | stocks  | {"ticker": "SQ", "action": "exit", "cancel": true}                                                                                                          |
      | exit with cancel false                | stocks  | {"ticker": "SQ", "action": "exit", "cancel": false}                                                                                                         |
      | market buy with an amount take profit | futures | {"ticker": "MNQ", "action": "buy", "orderType": "market", "signalPrice": 18500, "takeProfit": {"amount": 100}}                                              |
      | limit buy with an amount take profit  | futures | {"ticker": "MNQ", "action": "buy", "orderType": "limit", "limitPrice": 18500, "takeProfit": {"amount": 100}}                                                |
      | quantity                              | stocks  | {"ticker": "SQ", "action": "buy", "quantity": 5}                                                                                                            |
      | fixed_quantity                        | stocks  | {"ticker": "SQ", "action": "buy", "quantityType": "fixed_quantity", "quantity": 100}                                                                        |
      | dollar_amount                         | stocks  | {"ticker": "SQ", "action": "buy", "quantityType": "dollar_amount", "quantity": 1000}                                                                        |
      | risk_dollar_amount                    | stocks  | {"ticker": "SQ", "action": "buy", "signalPrice": 100, "quantityType": "risk_dollar_amount", "quantity": 100, "stopLoss": {"type": "stop", "stopPrice": 90}} |
      | limit order                           | stocks  | {"ticker": "SQ", "action": "buy", "orderType": "limit", "limitPrice": 50.50}                                                                                |
      | stop_limit order                      | stocks  | {"ticker": "SQ", "action": "buy", "orderType": "stop_limit", "stopPrice": 60, "limitPrice": 50.50}                                                          |
      | timeInForce gtc                       | stocks  | {"ticker": "SQ", "action": "buy", "orderType": "limit", "limitPrice": 50.50, "timeInForce": "gtc"}                                                          |
      | extendedHours                         | stocks  | {"ticker": "SQ", "action": "buy", "orderType": "limit", "limitPrice": 50.50, "timeInForce": "gtc", "extendedHours": true}                                   |
      | ignoreTradingWindows                  | stocks  | {"ticker": "SPY", "action": "exit", "ignoreTradingWindows": true}                                                                                           |
      | extras                                | stocks  | {"ticker": "SQ", "action": "buy", "extras": {"message": "RSI Below 30", "rsi": 23}}                                                                         |
      | percent take profit                   | stocks  | {"ticker": "SQ", "action": "buy", "takeProfit": {"percent": 10}}                                                                                            |
      | amount take profit                    | stocks  | {"ticker": "SQ", "action": "buy", "takeProfit": {"amount": 10}}                                                                                             |
      | absolute take profit                  | stocks  | {"ticker": "SQ", "action": "buy", "takeProfit": {"limitPrice": 19.99}}                                                                                      |
      | percent stop loss                     | stocks  | {"ticker": "SQ", "action": "buy", "stopLoss": {"type": "stop", "percent": 5}}                                                                               |
      | amount stop loss                      | stocks  | {"ticker": "SQ", "action": "buy", "stopLoss": {"type": "stop", "amount": 5}}                                                                                |
      | absolute stop loss                    | stocks  | {"ticker": "SQ", "action": "buy", "stopLoss": {"type": "stop", "stopPrice": 10.71}}                                                                         |
      | stop limit stop loss                  | stocks  | {"ticker": "SQ", "action": "buy", "stopLoss": {"type": "stop_limit", "stopPrice": 10.71, "limitPrice": 10.75}}                                              |
      | 1% trailing stop loss                 | stocks  | {"ticker": "SQ", "action": "buy", "stopLoss": {"type": "trailing_stop", "trailPercent": 1}}                                                                 |
      | $1 trailing stop loss                 | stocks  | {"ticker": "SQ", "action": "buy", "stopLoss": {"type": "trailing_stop", "trailAmount": 1}}                                                                  |
      | option contract in ticker             | options | {"ticker": "SQ 240510C68", "action": "buy"}                                                                                                                 |
      | option chain scan                     | options | {"ticker": "SQ", "action": "buy", "optionType": "call", "expiration": "+6 months", "intrinsicValue": "itm", "strikesAway": 2}                               |
      | option contract by fields             | options | {"ticker": "SQ", "action": "buy", "optionType": "call", "expiration": "2024-05-10", "strikePrice": 68}                                                      |
      | enter bullish                         | stocks  | {"ticker": "SQ", "action": "buy"}                                                                                                                           |
      | exit                                  | stocks  | {"ticker": "SQ", "action": "exit"}                                                                                                                          |
      | sell with sentiment flat              | stocks  | {"ticker": "SQ", "action": "sell", "sentiment": "flat"}                                                                                                     |
      | enter bearish                         | stocks  | {"ticker": "SQ", "action": "sell"}                                                                                                                          |
      | buy with sentiment flat               | stocks  | {"ticker": "SQ", "action": "buy", "sentiment": "flat"}                                                                                                      |
      | partial exit                          | stocks  | {"ticker": "SQ", "action": "exit", "quantity": 2}                                                                                                           |
      | trailing stop exit                    | stocks  | {"ticker": "SQ", "action": "exit", "orderType": "trailing_stop", "signalPrice": 71, "trailAmount": "1"}                                                     |
      | limit buy with a trailing stop loss   | stocks  | {"ticker": "SQ", "action": "buy", "orderType": "limit", "limitPrice": 71, "stopLoss": {"type": "trailing_stop", "trailAmount": 1}}                          |
      | take profit and stop loss             | stocks  | {"ticker": "SQ", "action": "buy", "takeProfit": {"limitPrice": 19.99}, "stopLoss": {"type": "stop", "stopPrice": 10.71}}                                    |
      | GOOGL exit without sentiment          | stocks  | {"ticker": "GOOGL", "action": "exit"}                                                                                                                       |

  @REQ-PAYLOAD-05
  Scenario Outline: an unknown field, <field>, is ignored and left out of the payload
    When the body <body> is sent
    Then the signal is accepted
    And the accepted payload has no "<field>"

    Examples:
      | field     | body                                                      |
      | strategy  | {"ticker": "AMD", "action": "buy", "strategy": "EMA"}     |
      | alert     | {"ticker": "AMD", "action": "buy", "alert": {"id": 1}}    |
      | comment   | {"ticker": "AMD", "action": "buy", "comment": null}       |
      | symbol    | {"ticker": "AMD", "action": "buy", "symbol": 123}         |
      | side      | {"ticker": "AMD", "action": "buy", "side": "sell"}        |
      | contracts | {"ticker": "AMD", "action": "buy", "contracts": "-1"}     |
      | orderId   | {"ticker": "AMD", "action": "buy", "orderId": ["a", "b"]} |

  @REQ-PAYLOAD-05
  Scenario Outline: an unknown field inside <object> is ignored and left out of the payload
    When the body <body> is sent
    Then the signal is accepted
    And the accepted payload is:
      """
      <payload>
      """

    Examples:
      | object     | body                                                                          | payload                                                           |
      | takeProfit | {"ticker": "AMD", "action": "buy", "takeProfit": {"percent": 10, "note": -1}} | {"ticker": "AMD", "action": "buy", "takeProfit": {"percent": 10}} |
      | stopLoss   | {"ticker": "AMD", "action": "buy", "stopLoss": {"percent": 5, "note": null}}  | {"ticker": "AMD", "action": "buy", "stopLoss": {"percent": 5}}    |

  @REQ-PAYLOAD-06 @REQ-RESPONSE-07
  Scenario Outline: the numeric string <value> is a quantity
    When the body <body> is sent
    Then the signal is accepted

    Examples:
      | value    | body                                                     |
      | "5"      | {"ticker": "AMD", "action": "buy", "quantity": "5"}      |
      | "2.5"    | {"ticker": "AMD", "action": "buy", "quantity": "2.5"}    |
      | ".5"     | {"ticker": "AMD", "action": "buy", "quantity": ".5"}     |
      | "0.5"    | {"ticker": "AMD", "action": "buy", "quantity": "0.5"}    |
      | "007"    | {"ticker": "AMD", "action": "buy", "quantity": "007"}    |
      | "100.00" | {"ticker": "AMD", "action": "buy", "quantity": "100.00"} |

  @REQ-PAYLOAD-06
  Scenario Outline: the string <value> is not a number: invalid-quantity
    When the body <body> is sent
    Then the response is 400 "invalid-quantity"

    Examples:
      | value      | body                                                       |
      | "+5"       | {"ticker": "AMD", "action": "buy", "quantity": "+5"}       |
      | "-5"       | {"ticker": "AMD", "action": "buy", "quantity": "-5"}       |
      | "1e3"      | {"ticker": "AMD", "action": "buy", "quantity": "1e3"}      |
      | " 5"       | {"ticker": "AMD", "action": "buy", "quantity": " 5"}       |
      | "5 "       | {"ticker": "AMD", "action": "buy", "quantity": "5 "}       |
      | "5."       | {"ticker": "AMD", "action": "buy", "quantity": "5."}       |
      | "1,000"    | {"ticker": "AMD", "action": "buy", "quantity": "1,000"}    |
      | "1_000"    | {"ticker": "AMD", "action": "buy", "quantity": "1_000"}    |
      | "0x10"     | {"ticker": "AMD", "action": "buy", "quantity": "0x10"}     |
      | ""         | {"ticker": "AMD", "action": "buy", "quantity": ""}         |
      | "five"     | {"ticker": "AMD", "action": "buy", "quantity": "five"}     |
      | "0"        | {"ticker": "AMD", "action": "buy", "quantity": "0"}        |
      | "0.00"     | {"ticker": "AMD", "action": "buy", "quantity": "0.00"}     |
      | "NaN"      | {"ticker": "AMD", "action": "buy", "quantity": "NaN"}      |
      | "Infinity" | {"ticker": "AMD", "action": "buy", "quantity": "Infinity"} |

  @REQ-PAYLOAD-06
  Scenario Outline: a numeric string in <field> is accepted
    Given the "<webhook>" webhook
    When the body <body> is sent
    Then the signal is accepted

    Examples:
      | field              | webhook | body                                                                                     |
      | signalPrice        | stocks  | {"ticker": "AMD", "action": "buy", "signalPrice": "143.12"}                              |
      | price              | stocks  | {"ticker": "AMD", "action": "buy", "price": "143.12"}                                    |
      | limitPrice         | stocks  | {"ticker": "AMD", "action": "buy", "orderType": "limit", "limitPrice": "50.50"}          |
      | stopPrice          | stocks  | {"ticker": "AMD", "action": "buy", "orderType": "stop", "stopPrice": "60"}               |
      | trailPercent       | stocks  | {"ticker": "AMD", "action": "exit", "orderType": "trailing_stop", "trailPercent": "0.5"} |
      | delay              | stocks  | {"ticker": "AMD", "action": "buy", "delay": "0"}                                         |
      | takeProfit.amount  | stocks  | {"ticker": "AMD", "action": "buy", "takeProfit": {"amount": "10"}}                       |
      | stopLoss.stopPrice | stocks  | {"ticker": "AMD", "action": "buy", "stopLoss": {"stopPrice": "10.71"}}                   |
      | strikePrice        | options | {"ticker": "SQ", "action": "buy", "strikePrice": "582.5"}                                |
      | strikeCount        | options | {"ticker": "SQ", "action": "buy", "strikeCount": "010"}                                  |
      | strikesAway        | options | {"ticker": "SQ", "action": "buy", "strikesAway": "0"}                                    |

  @REQ-PAYLOAD-06
  Scenario Outline: a non-numeric string in <field> is <code>
    When the body <body> is sent
    Then the response is 400 "<code>"

    Examples:
      | field       | body                                                                                      | code                  |
      | signalPrice | {"ticker": "AMD", "action": "buy", "signalPrice": "$143.12"}                              | invalid-payload       |
      | limitPrice  | {"ticker": "AMD", "action": "buy", "orderType": "limit", "limitPrice": "market"}          | invalid-payload       |
      | stopPrice   | {"ticker": "AMD", "action": "buy", "stopPrice": "-60"}                                    | invalid-payload       |
      | delay       | {"ticker": "AMD", "action": "buy", "delay": "1e3"}                                        | invalid-payload       |
      | trailAmount | {"ticker": "AMD", "action": "exit", "orderType": "trailing_stop", "trailAmount": "1.0.0"} | invalid-trailing-stop |
      | strikeCount | {"ticker": "AMD", "action": "buy", "strikeCount": "ten"}                                  | invalid-strike-count  |

  @REQ-PAYLOAD-08
  Scenario Outline: a null <field> is <code>
    When the body <body> is sent
    Then the response is 400 "<code>"

    Examples:
      | field                 | body                                                                                    | code                            |
      | ticker                | {"ticker": null, "action": "buy"}                                                       | invalid-payload                 |
      | action                | {"ticker": "AMD", "action": null}                                                       | invalid-action                  |
      | sentiment             | {"ticker": "AMD", "action": "buy", "sentiment": null}                                   | invalid-sentiment               |
      | signalPrice           | {"ticker": "AMD", "action": "buy", "signalPrice": null}                                 | invalid-payload                 |
      | price                 | {"ticker": "AMD", "action": "buy", "price": null}                                       | invalid-payload                 |
      | quantity              | {"ticker": "AMD", "action": "buy", "quantity": null}                                    | invalid-quantity                |
      | quantityType          | {"ticker": "AMD", "action": "buy", "quantityType": null, "quantity": 1}                 | invalid-quantity-type           |
      | orderType             | {"ticker": "AMD", "action": "buy", "orderType": null}                                   | invalid-order-type              |
      | limitPrice            | {"ticker": "AMD", "action": "buy", "limitPrice": null}                                  | invalid-payload                 |
      | stopPrice             | {"ticker": "AMD", "action": "buy", "stopPrice": null}                                   | invalid-payload                 |
      | trailAmount           | {"ticker": "AMD", "action": "exit", "orderType": "trailing_stop", "trailAmount": null}  | invalid-trailing-stop           |
      | trailPercent          | {"ticker": "AMD", "action": "exit", "orderType": "trailing_stop", "trailPercent": null} | invalid-trailing-stop           |
      | timeInForce           | {"ticker": "AMD", "action": "buy", "timeInForce": null}                                 | invalid-time-in-force           |
      | extendedHours         | {"ticker": "AMD", "action": "buy", "extendedHours": null}                               | invalid-extended-hours          |
      | time                  | {"ticker": "AMD", "action": "buy", "time": null}                                        | invalid-payload                 |
      | ignoreTradingWindows  | {"ticker": "AMD", "action": "exit", "ignoreTradingWindows": null}                       | invalid-payload                 |
      | cancel                | {"ticker": "AMD", "action": "exit", "cancel": null}                                     | invalid-payload                 |
      | test                  | {"ticker": "AMD", "action": "buy", "test": null}                                        | invalid-payload                 |
      | interval              | {"ticker": "AMD", "action": "buy", "interval": null}                                    | invalid-payload                 |
      | delay                 | {"ticker": "AMD", "action": "buy", "delay": null}                                       | invalid-payload                 |
      | message               | {"ticker": "AMD", "action": "buy", "message": null}                                     | invalid-message-length          |
      | expiresAt             | {"ticker": "AMD", "action": "buy", "expiresAt": null}                                   | invalid-expires-at              |
      | extras                | {"ticker": "AMD", "action": "buy", "extras": null}                                      | invalid-payload                 |
      | takeProfit            | {"ticker": "AMD", "action": "buy", "takeProfit": null}                                  | invalid-payload                 |
      | stopLoss              | {"ticker": "AMD", "action": "buy", "stopLoss": null}                                    | invalid-payload                 |
      | takeProfit.limitPrice | {"ticker": "AMD", "action": "buy", "takeProfit": {"limitPrice": null}}                  | invalid-take-profit-limit-price |
      | takeProfit.percent    | {"ticker": "AMD", "action": "buy", "takeProfit": {"percent": null}}                     | invalid-take-profit-percent     |
      | stopLoss.type         | {"ticker": "AMD", "action": "buy", "stopLoss": {"type": null, "percent": 5}}            | invalid-stop-loss-type          |
      | stopLoss.stopPrice    | {"ticker": "AMD", "action": "buy", "stopLoss": {"stopPrice": null}}                     | invalid-stop-loss-stop-price    |
      | optionType            | {"ticker": "AMD", "action": "buy", "optionType": null}                                  | invalid-option-type             |
      | intrinsicValue        | {"ticker": "AMD", "action": "buy", "intrinsicValue": null}                              | invalid-intrinsic-value         |
      | expiration            | {"ticker": "AMD", "action": "buy", "expiration": null}                                  | invalid-expiration              |
      | strikeCount           | {"ticker": "AMD", "action": "buy", "strikeCount": null}                                 | invalid-strike-count            |
      | strikesAway           | {"ticker": "AMD", "action": "buy", "strikesAway": null}                                 | invalid-strikes-away            |
      | strikePrice           | {"ticker": "AMD", "action": "buy", "strikePrice": null}                                 | invalid-strike-price            |
