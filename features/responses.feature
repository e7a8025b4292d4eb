# Area: the responses: the 200 body and its normalized payload (canonical names and values, numbers,
# known fields only), the error body, and no 5xx for any input.
# Requirements: REQ-RESPONSE-01 to REQ-RESPONSE-08, REQ-RESPONSE-11, REQ-RESPONSE-12, REQ-TICKER-03, REQ-PAYLOAD-05.
Feature: Responses
  An accepted signal is answered 200 {"success": true, "id", "logId", "payload"}; the payload is the
  signal as the gateway acts on it. An error is answered with its catalogued status and
  {"success": false, "messageCode", "message"}. No input gets a 5xx.

  @REQ-RESPONSE-01
  Scenario: the main document's introductory signal comes back whole in the payload
    When the signal is sent:
      """
      {
          "ticker": "AMD",
          "action": "buy",
          "signalPrice": 143.12,
          "quantity": 1,
          "takeProfit": {
              "percent": 10
          },
          "stopLoss": {
              "type": "stop",
              "percent": 5
          }
      }
      """
    Then the signal is accepted
    And the accepted payload is:
      """
      {"ticker": "AMD", "action": "buy", "signalPrice": 143.12, "quantity": 1, "takeProfit": {"percent": 10}, "stopLoss": {"type": "stop", "percent": 5}}
      """

  @REQ-RESPONSE-01 @REQ-RESPONSE-11
  Scenario: the vendor's own example comes back in canonical form
    When the signal is sent:
      """
      {
          "ticker": "AAPL",
          "action": "buy",
          "sentiment": "long",
          "price": 191.25,
          "quantity": 10,
          "quantityType": "fixed_quantity",
          "orderType": "market",
          "time": "2025-06-18T14:30:00Z",
          "test": true,
          "takeProfit": {"percent": 10},
          "stopLoss": {"type": "stop", "percent": 5},
          "extras": {"strategy": "EMA_Crossover"}
      }
      """
    Then the accepted payload is:
      """
      {
          "ticker": "AAPL",
          "action": "buy",
          "sentiment": "bullish",
          "signalPrice": 191.25,
          "quantity": 10,
          "quantityType": "fixed_quantity",
          "orderType": "market",
          "time": "2025-06-18T14:30:00Z",
          "test": true,
          "takeProfit": {"percent": 10},
          "stopLoss": {"type": "stop", "percent": 5},
          "extras": {"strategy": "EMA_Crossover"}
      }
      """

  @REQ-RESPONSE-11
  Scenario: test false is echoed too
    When the signal is sent:
      """
      {"ticker": "AMD", "action": "buy", "test": false}
      """
    Then the accepted payload is:
      """
      {"ticker": "AMD", "action": "buy", "test": false}
      """

  @REQ-RESPONSE-01
  Scenario: every optional field comes back in the payload
    When the signal is sent:
      """
      {
          "ticker": "AMD",
          "action": "sell",
          "sentiment": "bearish",
          "signalPrice": 143.12,
          "orderType": "stop_limit",
          "limitPrice": 140,
          "stopPrice": 141,
          "quantity": 3,
          "quantityType": "fixed_quantity",
          "timeInForce": "day",
          "extendedHours": false,
          "time": "2025-06-18T14:30:00Z",
          "ignoreTradingWindows": true,
          "cancel": false,
          "test": true,
          "interval": "5",
          "delay": 0,
          "message": "RSI crossed above 70 on the 5 minute chart",
          "expiresAt": "+5 minutes",
          "extras": {"rsi": 71},
          "takeProfit": {"amount": 5},
          "stopLoss": {"type": "stop_limit", "stopPrice": 150, "limitPrice": 151}
      }
      """
    Then the accepted payload is:
      """
      {
          "ticker": "AMD",
          "action": "sell",
          "sentiment": "bearish",
          "signalPrice": 143.12,
          "orderType": "stop_limit",
          "limitPrice": 140,
          "stopPrice": 141,
          "quantity": 3,
          "quantityType": "fixed_quantity",
          "timeInForce": "day",
          "extendedHours": false,
          "time": "2025-06-18T14:30:00Z",
          "ignoreTradingWindows": true,
          "cancel": false,
          "test": true,
          "interval": "5",
          "delay": 0,
          "message": "RSI crossed above 70 on the 5 minute chart",
          "expiresAt": "+5 minutes",
          "extras": {"rsi": 71},
          "takeProfit": {"amount": 5},
          "stopLoss": {"type": "stop_limit", "stopPrice": 150, "limitPrice": 151}
      }
      """

  @REQ-RESPONSE-01
  Scenario: the option fields come back in the payload
    Given the "options" webhook
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "buy", "optionType": "call", "expiration": "+6 months", "intrinsicValue": "itm", "strikesAway": 2, "strikeCount": 10, "strikePrice": 68.5}
      """
    Then the accepted payload is:
      """
      {"ticker": "SQ", "action": "buy", "optionType": "call", "expiration": "+6 months", "intrinsicValue": "itm", "strikesAway": 2, "strikeCount": 10, "strikePrice": 68.5}
      """

  @REQ-RESPONSE-04
  Scenario: price comes back as signalPrice
    When the signal is sent:
      """
      {"ticker": "AMD", "action": "buy", "price": 191.25}
      """
    Then the accepted payload is:
      """
      {"ticker": "AMD", "action": "buy", "signalPrice": 191.25}
      """
    And the accepted payload has no "price"

  @REQ-RESPONSE-04
  Scenario: signalPrice wins over price when both are sent
    When the signal is sent:
      """
      {"ticker": "AMD", "action": "buy", "price": 1, "signalPrice": 2}
      """
    Then the accepted payload is:
      """
      {"ticker": "AMD", "action": "buy", "signalPrice": 2}
      """

  @REQ-RESPONSE-05
  Scenario Outline: sentiment <alias> comes back as <canonical>
    When the body <body> is sent
    Then the accepted payload is:
      """
      {"ticker": "AMD", "action": "<action>", "sentiment": "<canonical>"}
      """

    Examples:
      | alias   | canonical | action | body                                                        |
      | long    | bullish   | buy    | {"ticker": "AMD", "action": "buy", "sentiment": "long"}     |
      | short   | bearish   | sell   | {"ticker": "AMD", "action": "sell", "sentiment": "short"}   |
      | bullish | bullish   | buy    | {"ticker": "AMD", "action": "buy", "sentiment": "bullish"}  |
      | bearish | bearish   | sell   | {"ticker": "AMD", "action": "sell", "sentiment": "bearish"} |
      | flat    | flat      | sell   | {"ticker": "AMD", "action": "sell", "sentiment": "flat"}    |

  @REQ-RESPONSE-06
  Scenario: takeProfit price comes back as limitPrice
    When the signal is sent:
      """
      {"ticker": "AMD", "action": "buy", "takeProfit": {"price": 19.99}}
      """
    Then the accepted payload is:
      """
      {"ticker": "AMD", "action": "buy", "takeProfit": {"limitPrice": 19.99}}
      """

  @REQ-RESPONSE-07
  Scenario: the main document's trailing stop comes back with trailAmount as a number
    When the signal is sent:
      """
      {
          "ticker": "SQ",
          "action": "exit",
          "orderType": "trailing_stop",
          "signalPrice": 71,
          "trailAmount": "1"
      }
      """
    Then the accepted payload is:
      """
      {"ticker": "SQ", "action": "exit", "orderType": "trailing_stop", "signalPrice": 71, "trailAmount": 1}
      """

  @REQ-RESPONSE-07
  Scenario: numeric strings come back as numbers at every level
    When the signal is sent:
      """
      {"ticker": "AMD", "action": "buy", "quantity": "2.5", "signalPrice": "100", "limitPrice": ".5", "delay": "30", "strikesAway": "2", "strikeCount": "010", "strikePrice": "582.50", "takeProfit": {"amount": "10"}, "stopLoss": {"type": "stop", "percent": "5"}}
      """
    Then the accepted payload is:
      """
      {"ticker": "AMD", "action": "buy", "quantity": 2.5, "signalPrice": 100, "limitPrice": 0.5, "delay": 30, "strikesAway": 2, "strikeCount": 10, "strikePrice": 582.5, "takeProfit": {"amount": 10}, "stopLoss": {"type": "stop", "percent": 5}}
      """

  @REQ-RESPONSE-07
  Scenario: an exponent number comes back as its value
    When the signal is sent:
      """
      {"ticker": "AMD", "action": "buy", "quantity": 1e2, "signalPrice": 1.4312E2}
      """
    Then the accepted payload is:
      """
      {"ticker": "AMD", "action": "buy", "quantity": 100, "signalPrice": 143.12}
      """

  @REQ-RESPONSE-03 @REQ-PAYLOAD-05
  Scenario: unknown fields are dropped at every level and extras is kept whole
    When the signal is sent:
      """
      {
          "ticker": "AMD",
          "action": "buy",
          "strategy": "EMA",
          "alert": {"id": 1},
          "takeProfit": {"percent": 10, "ratio": 2},
          "stopLoss": {"type": "stop", "percent": 5, "note": "x"},
          "extras": {"nested": {"deep": [1, null, "x"]}, "Price": "n/a", "ticker": "MSFT"}
      }
      """
    Then the accepted payload is:
      """
      {
          "ticker": "AMD",
          "action": "buy",
          "takeProfit": {"percent": 10},
          "stopLoss": {"type": "stop", "percent": 5},
          "extras": {"nested": {"deep": [1, null, "x"]}, "Price": "n/a", "ticker": "MSFT"}
      }
      """

  @REQ-RESPONSE-03 @REQ-TICKER-03
  Scenario: a lower-case ticker with an upper-case twin field comes back trimmed, upper-cased and alone
    When the signal is sent:
      """
      {"ticker": " amd ", "action": "buy", "Ticker": "MSFT", "Action": "sell"}
      """
    Then the accepted payload is:
      """
      {"ticker": "AMD", "action": "buy"}
      """

  @REQ-RESPONSE-02
  Scenario Outline: an error of status <status> is answered with success false, <code> and a message
    When the body <body> is sent
    Then the response is <status> "<code>"

    Examples:
      | status | code                  | body                                |
      | 400    | invalid-action        | {"ticker": "AMD", "action": "hold"} |
      | 400    | ticker-does-not-exist | {"ticker": "NOPE", "action": "buy"} |
      | 400    | malformed-json        | {"ticker": "AMD", "action": "buy"   |

  @REQ-RESPONSE-12
  Scenario Outline: a 400 of a field's rule names the field: <case>
    When the body <body> is sent
    Then the response is 400 "<code>"
    And the error names the field "<pointer>"

    Examples:
      | case                          | code                         | pointer             | body                                                                                   |
      | price left unrendered         | invalid-payload              | /price              | {"ticker": "AMD", "action": "buy", "price": "{{close}}"}                                |
      | a missing ticker              | invalid-payload              | /ticker             | {"action": "buy"}                                                                      |
      | stopLoss.stopPrice unrendered | invalid-stop-loss-stop-price | /stopLoss/stopPrice | {"ticker": "AMD", "action": "buy", "stopLoss": {"type": "stop", "stopPrice": "{{plot_0}}"}} |

  @REQ-RESPONSE-12
  Scenario: an answer to a body that is not JSON names no field
    When the body {"ticker": "AMD", "action": "buy",} is sent
    Then the response is 400 "malformed-json"
    And the error names no field

  @REQ-RESPONSE-08
  Scenario Outline: a hostile ticker, <case>, is a catalogued error, not a 5xx
    When the body <body> is sent
    Then the response is 400 "<code>"

    Examples:
      | case               | code                  | body                                                        |
      | full-width letters | ticker-does-not-exist | {"ticker": "ＡＭＤ", "action": "buy"}                          |
      | an emoji           | ticker-does-not-exist | {"ticker": "🚀", "action": "buy"}                            |
      | markup             | ticker-does-not-exist | {"ticker": "<script>alert(1)</script>", "action": "buy"}    |
      | SQL                | ticker-does-not-exist | {"ticker": "AMD'; DROP TABLE signals; --", "action": "buy"} |
      | a format string    | ticker-does-not-exist | {"ticker": "%s%s%s%n", "action": "buy"}                     |
      | a path             | ticker-does-not-exist | {"ticker": "../../etc/passwd", "action": "buy"}             |

  @REQ-RESPONSE-08
  Scenario Outline: a JSON escape in the ticker, <case>, is ticker-does-not-exist, not a 5xx
    When the signal is sent:
      """
      {"ticker": "<escape>", "action": "buy"}
      """
    Then the response is 400 "ticker-does-not-exist"

    Examples:
      | case               | escape    |
      | a NUL character    | AMD\u0000 |
      | a zero-width space | AMD\u200b |
      | a lone surrogate   | \ud800    |
      | a newline inside   | AM\u000aD |
      | an escaped quote   | AMD\u0022 |

  @REQ-RESPONSE-08
  Scenario: a lone surrogate in extras and in an unknown field name is accepted, not a 5xx
    When the signal is sent:
      """
      {"ticker": "AMD", "action": "buy", "extras": {"note": "\udc00"}, "\ud800": 1}
      """
    Then the signal is accepted

  @REQ-RESPONSE-08
  Scenario: a ticker of 200 characters is ticker-does-not-exist, not a 5xx
    When the signal is sent:
      """
      {"ticker": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "action": "buy"}
      """
    Then the response is 400 "ticker-does-not-exist"

  @REQ-RESPONSE-09
  Scenario Outline: an error to a known webhook carries a logId: <case>
    Given the "<webhook>" webhook
    When the body <body> is sent
    Then the response is 400 "<code>"
    And the response has a logId

    Examples:
      | case            | webhook     | body                                 | code             |
      | a schema error  | stocks      | {"ticker": "AMD", "action": "hold"}  | invalid-action   |
      | malformed JSON  | stocks      | {"ticker": "AMD", "action": "buy",}  | malformed-json   |
      | a source error  | tradingview | {"ticker": "AMD", "action": "buy"}   | not-trading-view |
      | a ticker error  | stocks      | {"ticker": "NOPE", "action": "buy"}  | ticker-does-not-exist |

  @REQ-RESPONSE-09
  Scenario: a wrong password to a known webhook carries a logId
    When a signal is sent with the wrong password
    Then the response is 400 "invalid-password"
    And the response has a logId

  @REQ-RESPONSE-10
  Scenario: a signal is answered within 3 seconds
    When the signal is sent:
      """
      {"ticker": "AMD", "action": "buy", "quantity": 1, "takeProfit": {"percent": 10}, "stopLoss": {"type": "stop", "percent": 5}}
      """
    Then the signal is accepted
    And the response came within 3 seconds

  @public-url @REQ-TRANSPORT-01
  Scenario: the webhook URL is served on port 443 or 80
    When the signal is sent:
      """
      {"ticker": "AMD", "action": "buy"}
      """
    Then the signal is accepted
    And the target is served on port 443 or 80
