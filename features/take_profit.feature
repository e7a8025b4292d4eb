# Area: the takeProfit object: its kinds (limitPrice or its alias price, percent, amount), their
# values, and the rule that only one kind is sent.
# Requirements: REQ-TAKEPROFIT-01 to REQ-TAKEPROFIT-08, REQ-FIELD-25, REQ-PAYLOAD-05, REQ-PRECEDENCE-02.
Feature: Take profit
  takeProfit takes exactly one of an absolute limitPrice (alias price), a relative percent or a
  relative amount, each a positive number.

  @REQ-TAKEPROFIT-01
  Scenario Outline: a take profit of <kind> is accepted
    When the body <body> is sent
    Then the signal is accepted

    Examples:
      | kind                        | body                                                                                                       |
      | percent 10                  | {"ticker": "AMD", "action": "buy", "takeProfit": {"percent": 10}}                                          |
      | percent 0.5                 | {"ticker": "AMD", "action": "buy", "takeProfit": {"percent": 0.5}}                                         |
      | percent "10"                | {"ticker": "AMD", "action": "buy", "takeProfit": {"percent": "10"}}                                        |
      | amount 10                   | {"ticker": "AMD", "action": "buy", "takeProfit": {"amount": 10}}                                           |
      | amount 100 on a limit entry | {"ticker": "AMD", "action": "buy", "orderType": "limit", "limitPrice": 150, "takeProfit": {"amount": 100}} |
      | limitPrice 19.99            | {"ticker": "AMD", "action": "buy", "takeProfit": {"limitPrice": 19.99}}                                    |
      | limitPrice "19.99"          | {"ticker": "AMD", "action": "buy", "takeProfit": {"limitPrice": "19.99"}}                                  |
      | price 19.99                 | {"ticker": "AMD", "action": "buy", "takeProfit": {"price": 19.99}}                                         |
      | percent on a sell           | {"ticker": "AMD", "action": "sell", "takeProfit": {"percent": 10}}                                         |
      | percent on an add           | {"ticker": "AMD", "action": "add", "takeProfit": {"percent": 10}}                                          |

  @REQ-TAKEPROFIT-01 @REQ-PAYLOAD-05
  Scenario Outline: a take profit with an unknown field, <field>, is accepted
    When the body <body> is sent
    Then the signal is accepted
    And the accepted payload is:
      """
      <payload>
      """

    Examples:
      | field     | body                                                                                     | payload                                                                 |
      | note      | {"ticker": "AMD", "action": "buy", "takeProfit": {"percent": 10, "note": "x"}}           | {"ticker": "AMD", "action": "buy", "takeProfit": {"percent": 10}}       |
      | type      | {"ticker": "AMD", "action": "buy", "takeProfit": {"type": "limit", "limitPrice": 19.99}} | {"ticker": "AMD", "action": "buy", "takeProfit": {"limitPrice": 19.99}} |
      | stopPrice | {"ticker": "AMD", "action": "buy", "takeProfit": {"amount": 5, "stopPrice": -1}}         | {"ticker": "AMD", "action": "buy", "takeProfit": {"amount": 5}}         |

  @REQ-TAKEPROFIT-02
  Scenario Outline: takeProfit <field> <value> is invalid-take-profit-limit-price
    When the body <body> is sent
    Then the response is 400 "invalid-take-profit-limit-price"

    Examples:
      | field      | value   | body                                                                     |
      | limitPrice | "abc"   | {"ticker": "AMD", "action": "buy", "takeProfit": {"limitPrice": "abc"}}  |
      | limitPrice | 0       | {"ticker": "AMD", "action": "buy", "takeProfit": {"limitPrice": 0}}      |
      | limitPrice | -19.99  | {"ticker": "AMD", "action": "buy", "takeProfit": {"limitPrice": -19.99}} |
      | limitPrice | true    | {"ticker": "AMD", "action": "buy", "takeProfit": {"limitPrice": true}}   |
      | price      | 0       | {"ticker": "AMD", "action": "buy", "takeProfit": {"price": 0}}           |
      | price      | "19,99" | {"ticker": "AMD", "action": "buy", "takeProfit": {"price": "19,99"}}     |

  @REQ-TAKEPROFIT-03
  Scenario Outline: takeProfit percent <value> is invalid-take-profit-percent
    When the body <body> is sent
    Then the response is 400 "invalid-take-profit-percent"

    Examples:
      | value | body                                                                 |
      | 0     | {"ticker": "AMD", "action": "buy", "takeProfit": {"percent": 0}}     |
      | -10   | {"ticker": "AMD", "action": "buy", "takeProfit": {"percent": -10}}   |
      | "10%" | {"ticker": "AMD", "action": "buy", "takeProfit": {"percent": "10%"}} |
      | "ten" | {"ticker": "AMD", "action": "buy", "takeProfit": {"percent": "ten"}} |
      | [10]  | {"ticker": "AMD", "action": "buy", "takeProfit": {"percent": [10]}}  |

  @REQ-TAKEPROFIT-04
  Scenario Outline: takeProfit amount <value> is invalid-take-profit-amount
    When the body <body> is sent
    Then the response is 400 "invalid-take-profit-amount"

    Examples:
      | value | body                                                                |
      | -10   | {"ticker": "AMD", "action": "buy", "takeProfit": {"amount": -10}}   |
      | 0     | {"ticker": "AMD", "action": "buy", "takeProfit": {"amount": 0}}     |
      | "$10" | {"ticker": "AMD", "action": "buy", "takeProfit": {"amount": "$10"}} |
      | false | {"ticker": "AMD", "action": "buy", "takeProfit": {"amount": false}} |

  @REQ-TAKEPROFIT-05
  Scenario Outline: a take profit of <what> is invalid-take-profit-value-required
    When the body <body> is sent
    Then the response is 400 "invalid-take-profit-value-required"

    Examples:
      | what                        | body                                                               |
      | an empty object             | {"ticker": "AMD", "action": "buy", "takeProfit": {}}               |
      | an unknown field only       | {"ticker": "AMD", "action": "buy", "takeProfit": {"ratio": 2}}     |
      | a misspelled limit          | {"ticker": "AMD", "action": "buy", "takeProfit": {"limit": 19.99}} |
      | a differently cased percent | {"ticker": "AMD", "action": "buy", "takeProfit": {"Percent": 10}}  |

  @REQ-TAKEPROFIT-06
  Scenario Outline: a take profit with <absolute> and <relative> is invalid-take-profit-relative-and-absolute
    When the body <body> is sent
    Then the response is 400 "invalid-take-profit-relative-and-absolute"

    Examples:
      | absolute   | relative | body                                                                                   |
      | limitPrice | percent  | {"ticker": "AMD", "action": "buy", "takeProfit": {"limitPrice": 19.99, "percent": 10}} |
      | limitPrice | amount   | {"ticker": "AMD", "action": "buy", "takeProfit": {"limitPrice": 19.99, "amount": 1}}   |
      | price      | percent  | {"ticker": "AMD", "action": "buy", "takeProfit": {"price": 19.99, "percent": 10}}      |
      | price      | amount   | {"ticker": "AMD", "action": "buy", "takeProfit": {"price": 19.99, "amount": 1}}        |

  @REQ-TAKEPROFIT-06 @REQ-PRECEDENCE-02
  Scenario: all three take profit kinds are invalid-take-profit-relative-and-absolute
    When the signal is sent:
      """
      {"ticker": "AMD", "action": "buy", "takeProfit": {"limitPrice": 19.99, "amount": 1, "percent": 10}}
      """
    Then the response is 400 "invalid-take-profit-relative-and-absolute"

  @REQ-TAKEPROFIT-07
  Scenario: a take profit with amount and percent is invalid-take-profit-amount-and-percent
    When the signal is sent:
      """
      {"ticker": "AMD", "action": "buy", "takeProfit": {"amount": 1, "percent": 10}}
      """
    Then the response is 400 "invalid-take-profit-amount-and-percent"

  @REQ-TAKEPROFIT-08
  Scenario: a take profit with limitPrice and its alias price is invalid-take-profit-limit-price
    When the signal is sent:
      """
      {"ticker": "AMD", "action": "buy", "takeProfit": {"limitPrice": 19.99, "price": 19.99}}
      """
    Then the response is 400 "invalid-take-profit-limit-price"

  @REQ-FIELD-25
  Scenario Outline: a takeProfit that is <what> is invalid-payload
    When the body <body> is sent
    Then the response is 400 "invalid-payload"

    Examples:
      | what     | body                                                                |
      | a number | {"ticker": "AMD", "action": "buy", "takeProfit": 10}                |
      | a string | {"ticker": "AMD", "action": "buy", "takeProfit": "10%"}             |
      | an array | {"ticker": "AMD", "action": "buy", "takeProfit": [{"percent": 10}]} |
      | true     | {"ticker": "AMD", "action": "buy", "takeProfit": true}              |
