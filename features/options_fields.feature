# Area: the option fields: optionType, intrinsicValue, expiration, strikeCount, strikesAway and
# strikePrice, sent to an options webhook.
# Requirements: REQ-OPTIONFIELD-01 to REQ-OPTIONFIELD-06, REQ-TICKER-07.
Feature: Option fields
  An options webhook takes a contract symbol in ticker, or a root with fields that pick a contract
  or scan the chain.

  Background:
    Given the "options" webhook

  @REQ-OPTIONFIELD-01 @REQ-OPTIONFIELD-02 @REQ-OPTIONFIELD-03 @REQ-OPTIONFIELD-04 @REQ-OPTIONFIELD-05 @REQ-OPTIONFIELD-06 @REQ-TICKER-07
  Scenario Outline: <field> <value> is accepted
    When the body <body> is sent
    Then the signal is accepted

    Examples:
      | field           | value      | body                                                                                                                                            |
      | optionType      | call       | {"ticker": "SQ", "action": "buy", "optionType": "call"}                                                                                         |
      | optionType      | put        | {"ticker": "SQ", "action": "sell", "optionType": "put"}                                                                                         |
      | optionType      | both       | {"ticker": "SQ", "action": "buy", "optionType": "both"}                                                                                         |
      | intrinsicValue  | itm        | {"ticker": "SQ", "action": "buy", "intrinsicValue": "itm"}                                                                                      |
      | intrinsicValue  | otm        | {"ticker": "SQ", "action": "buy", "intrinsicValue": "otm"}                                                                                      |
      | expiration      | 2024-05-10 | {"ticker": "SQ", "action": "buy", "expiration": "2024-05-10"}                                                                                   |
      | expiration      | 2028-02-29 | {"ticker": "SQ", "action": "buy", "expiration": "2028-02-29"}                                                                                   |
      | expiration      | +0 days    | {"ticker": "SQ", "action": "buy", "expiration": "+0 days"}                                                                                      |
      | expiration      | +1 day     | {"ticker": "SQ", "action": "buy", "expiration": "+1 day"}                                                                                       |
      | expiration      | +2 weeks   | {"ticker": "SQ", "action": "buy", "expiration": "+2 weeks"}                                                                                     |
      | expiration      | +6 months  | {"ticker": "SQ", "action": "buy", "expiration": "+6 months"}                                                                                    |
      | expiration      | +12 months | {"ticker": "SQ", "action": "buy", "expiration": "+12 months"}                                                                                   |
      | expiration      | +1 year    | {"ticker": "SQ", "action": "buy", "expiration": "+1 year"}                                                                                      |
      | expiration      | +6months   | {"ticker": "SQ", "action": "buy", "expiration": "+6months"}                                                                                     |
      | strikeCount     | 10         | {"ticker": "SQ", "action": "buy", "strikeCount": 10}                                                                                            |
      | strikeCount     | 5.0        | {"ticker": "SQ", "action": "buy", "strikeCount": 5.0}                                                                                           |
      | strikeCount     | "010"      | {"ticker": "SQ", "action": "buy", "strikeCount": "010"}                                                                                         |
      | strikesAway     | 0          | {"ticker": "SQ", "action": "buy", "strikesAway": 0}                                                                                             |
      | strikesAway     | 2          | {"ticker": "SQ", "action": "buy", "strikesAway": 2}                                                                                             |
      | strikesAway     | "3"        | {"ticker": "SQ", "action": "buy", "strikesAway": "3"}                                                                                           |
      | strikePrice     | 68         | {"ticker": "SQ", "action": "buy", "strikePrice": 68}                                                                                            |
      | strikePrice     | 582.5      | {"ticker": "SQ", "action": "buy", "strikePrice": 582.5}                                                                                         |
      | strikePrice     | "582.5"    | {"ticker": "SQ", "action": "buy", "strikePrice": "582.5"}                                                                                       |
      | all scan fields | on SPY     | {"ticker": "SPY", "action": "sell", "optionType": "put", "expiration": "+0 days", "intrinsicValue": "otm", "strikesAway": 1, "strikeCount": 20} |
      | all scan fields | on SPX     | {"ticker": "SPX", "action": "buy", "optionType": "call", "expiration": "+1 week", "intrinsicValue": "itm", "strikesAway": 0, "strikeCount": 10} |

  @REQ-OPTIONFIELD-01
  Scenario Outline: optionType <value> is invalid-option-type
    When the body <body> is sent
    Then the response is 400 "invalid-option-type"

    Examples:
      | value      | body                                                        |
      | "calls"    | {"ticker": "SQ", "action": "buy", "optionType": "calls"}    |
      | "c"        | {"ticker": "SQ", "action": "buy", "optionType": "c"}        |
      | "straddle" | {"ticker": "SQ", "action": "buy", "optionType": "straddle"} |
      | ""         | {"ticker": "SQ", "action": "buy", "optionType": ""}         |
      | 1          | {"ticker": "SQ", "action": "buy", "optionType": 1}          |

  @REQ-OPTIONFIELD-02
  Scenario Outline: intrinsicValue <value> is invalid-intrinsic-value
    When the body <body> is sent
    Then the response is 400 "invalid-intrinsic-value"

    Examples:
      | value          | body                                                                |
      | "atm"          | {"ticker": "SQ", "action": "buy", "intrinsicValue": "atm"}          |
      | "in the money" | {"ticker": "SQ", "action": "buy", "intrinsicValue": "in the money"} |
      | true           | {"ticker": "SQ", "action": "buy", "intrinsicValue": true}           |

  @REQ-OPTIONFIELD-03
  Scenario Outline: expiration <value> is invalid-expiration
    When the body <body> is sent
    Then the response is 400 "invalid-expiration"

    Examples:
      | value                  | body                                                                    |
      | "2024-02-30"           | {"ticker": "SQ", "action": "buy", "expiration": "2024-02-30"}           |
      | "2025-02-29"           | {"ticker": "SQ", "action": "buy", "expiration": "2025-02-29"}           |
      | "2024-5-10"            | {"ticker": "SQ", "action": "buy", "expiration": "2024-5-10"}            |
      | "05/10/2024"           | {"ticker": "SQ", "action": "buy", "expiration": "05/10/2024"}           |
      | "240510"               | {"ticker": "SQ", "action": "buy", "expiration": "240510"}               |
      | "six months"           | {"ticker": "SQ", "action": "buy", "expiration": "six months"}           |
      | "+6 fortnights"        | {"ticker": "SQ", "action": "buy", "expiration": "+6 fortnights"}        |
      | "+6 hours"             | {"ticker": "SQ", "action": "buy", "expiration": "+6 hours"}             |
      | "-1 days"              | {"ticker": "SQ", "action": "buy", "expiration": "-1 days"}              |
      | "2024-05-10T00:00:00Z" | {"ticker": "SQ", "action": "buy", "expiration": "2024-05-10T00:00:00Z"} |
      | 20240510               | {"ticker": "SQ", "action": "buy", "expiration": 20240510}               |

  @REQ-OPTIONFIELD-04
  Scenario Outline: strikeCount <value> is invalid-strike-count
    When the body <body> is sent
    Then the response is 400 "invalid-strike-count"

    Examples:
      | value | body                                                    |
      | 2.5   | {"ticker": "SQ", "action": "buy", "strikeCount": 2.5}   |
      | 0     | {"ticker": "SQ", "action": "buy", "strikeCount": 0}     |
      | -1    | {"ticker": "SQ", "action": "buy", "strikeCount": -1}    |
      | "2.5" | {"ticker": "SQ", "action": "buy", "strikeCount": "2.5"} |
      | "abc" | {"ticker": "SQ", "action": "buy", "strikeCount": "abc"} |

  @REQ-OPTIONFIELD-05
  Scenario Outline: strikesAway <value> is invalid-strikes-away
    When the body <body> is sent
    Then the response is 400 "invalid-strikes-away"

    Examples:
      | value | body                                                    |
      | -1    | {"ticker": "SQ", "action": "buy", "strikesAway": -1}    |
      | 1.5   | {"ticker": "SQ", "action": "buy", "strikesAway": 1.5}   |
      | "2.5" | {"ticker": "SQ", "action": "buy", "strikesAway": "2.5"} |
      | "-1"  | {"ticker": "SQ", "action": "buy", "strikesAway": "-1"}  |
      | "two" | {"ticker": "SQ", "action": "buy", "strikesAway": "two"} |

  @REQ-OPTIONFIELD-06
  Scenario Outline: strikePrice <value> is invalid-strike-price
    When the body <body> is sent
    Then the response is 400 "invalid-strike-price"

    Examples:
      | value | body                                                    |
      | 0     | {"ticker": "SQ", "action": "buy", "strikePrice": 0}     |
      | -68   | {"ticker": "SQ", "action": "buy", "strikePrice": -68}   |
      | "68C" | {"ticker": "SQ", "action": "buy", "strikePrice": "68C"} |
      | false | {"ticker": "SQ", "action": "buy", "strikePrice": false} |
