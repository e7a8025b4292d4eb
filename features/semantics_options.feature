# Area: which option contract a signal trades and how: contract symbols in every documented form,
# a contract spelled by fields, put inversion, optionType both, and chain scans by expiration,
# strikes away, intrinsic value and strike count.
# Requirements: REQ-OPTIONS-01 to REQ-OPTIONS-10.
Feature: Semantics of options
  Puts invert the action: buy sells puts to open and sell buys them. Chain scans pick the nearest
  expiration on or after the one asked, then the strike counted from at the money. The chain
  scenarios assume weekly Friday expirations and strikes one dollar apart around SQ at 70.30.

  @control-api @REQ-OPTIONS-01
  Scenario Outline: on a put contract, <action> <what>
    Given a "options" webhook with default subscription settings
    And the time is 2025-06-18T14:30:00Z
    When the body {"ticker": "SQ 250718P70", "action": "<action>", "signalPrice": 2.5} is sent
    Then the plan has no exit
    And the entry order is:
      """
      {"symbol": "SQ 250718P70", "side": "<side>", "position_effect": "open", "instruction": "<instruction>", "quantity": 1}
      """
    And the account holds <after> SQ 250718P70

    Examples:
      | action | what                    | side | instruction | after |
      | buy    | sells to open short puts | sell | sell_short  | -1    |
      | sell   | buys to open long puts   | buy  | buy         | 1     |

  @control-api @REQ-OPTIONS-01
  Scenario: on a put contract, buy while long puts sells them, then sells to open
    Given a "options" webhook with default subscription settings
    And the time is 2025-06-18T14:30:00Z
    And the quote for SQ 250718P70 is bid 2.45 ask 2.55
    And the account holds 2 SQ 250718P70
    When the signal is sent:
      """
      {"ticker": "SQ 250718P70", "action": "buy"}
      """
    Then the plan exits with sell 2
    And the plan enters with sell_short 1
    And the account holds -1 SQ 250718P70

  @control-api @REQ-OPTIONS-03
  Scenario Outline: a buy of the option contract <ticker> buys that contract
    Given a "options" webhook with default subscription settings
    And the time is 2024-05-01T14:30:00Z
    When the body {"ticker": "<ticker>", "action": "buy", "signalPrice": 2.5} is sent
    Then the entry order is:
      """
      {"symbol": "SQ 240510C68", "instruction": "buy", "quantity": 1}
      """
    And the account holds 1 SQ 240510C68

    Examples:
      | ticker            |
      | SQ 240510C68      |
      | SQ240510C68       |
      | SQ240510C00068000 |
      | SQ_051024C68      |

  @control-api @REQ-OPTIONS-04
  Scenario: ticker SQ with optionType call, expiration 2024-05-10 and strikePrice 68 is SQ 240510C68
    Given a "options" webhook with default subscription settings
    And the time is 2024-05-01T14:30:00Z
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "buy", "optionType": "call", "expiration": "2024-05-10", "strikePrice": 68, "signalPrice": 2.5}
      """
    Then the entry order is:
      """
      {"symbol": "SQ 240510C68", "instruction": "buy", "quantity": 1}
      """

  @control-api @REQ-OPTIONS-09
  Scenario: the OCC strike SPY250520C00582500 names the 582.5 strike
    Given a "options" webhook with default subscription settings
    And the time is 2025-05-01T14:30:00Z
    When the signal is sent:
      """
      {"ticker": "SPY250520C00582500", "action": "buy", "signalPrice": 4.2}
      """
    Then the entry order is:
      """
      {"symbol": "SPY 250520C582.5", "instruction": "buy"}
      """

  @control-api @REQ-OPTIONS-02
  Scenario Outline: optionType both <what> on a <action>
    Given a "options" webhook with default subscription settings
    And the time is 2025-06-18T14:30:00Z
    And the quote for SQ is bid 70.29 ask 70.31
    When the body {"ticker": "SQ", "action": "<action>", "optionType": "both", "expiration": "2025-06-20"} is sent
    Then the entry order is:
      """
      {"symbol": "<symbol>", "side": "buy", "instruction": "buy", "position_effect": "open"}
      """

    Examples:
      | what       | action | symbol        |
      | buys calls | buy    | SQ 250620C70  |
      | buys puts  | sell   | SQ 250620P70  |

  @control-api @REQ-OPTIONS-05
  Scenario Outline: expiration <expiration> selects the <which> contract
    Given a "options" webhook with default subscription settings
    And the time is 2025-06-20T14:30:00Z
    And the quote for SQ is bid 70.29 ask 70.31
    When the body <body> is sent
    Then the entry order is:
      """
      {"symbol": "<symbol>", "instruction": "buy"}
      """

    Examples:
      | expiration    | which                                   | body                                                                          | symbol       |
      | "+0 days"     | same-day                                | {"ticker": "SQ", "action": "buy", "optionType": "call", "expiration": "+0 days"}    | SQ 250620C70 |
      | left out      | same-day                                | {"ticker": "SQ", "action": "buy", "optionType": "call"}                             | SQ 250620C70 |
      | 2025-06-23    | nearest on or after the date's          | {"ticker": "SQ", "action": "buy", "optionType": "call", "expiration": "2025-06-23"} | SQ 250627C70 |
      | "+1 week"     | nearest on or after a week out's        | {"ticker": "SQ", "action": "buy", "optionType": "call", "expiration": "+1 week"}    | SQ 250627C70 |

  @control-api @REQ-OPTIONS-06 @REQ-OPTIONS-07
  Scenario Outline: strikesAway <away> with intrinsicValue <intrinsic> selects the <strike> <type>
    Given a "options" webhook with default subscription settings
    And the time is 2025-06-18T14:30:00Z
    And the quote for SQ is bid 70.29 ask 70.31
    When the body {"ticker": "SQ", "action": "<action>", "optionType": "<type>", "expiration": "2025-06-20", "intrinsicValue": "<intrinsic>", "strikesAway": <away>} is sent
    Then the entry order is:
      """
      {"symbol": "<symbol>", "instruction": "<instruction>"}
      """

    Examples:
      | away | intrinsic | strike | type | action | symbol       | instruction |
      | 3    | otm       | 73     | call | buy    | SQ 250620C73 | buy         |
      | 3    | itm       | 67     | call | buy    | SQ 250620C67 | buy         |
      | 1    | itm       | 69     | call | buy    | SQ 250620C69 | buy         |
      | 1    | otm       | 71     | call | buy    | SQ 250620C71 | buy         |
      | 1    | itm       | 71     | put  | sell   | SQ 250620P71 | buy         |
      | 1    | otm       | 69     | put  | sell   | SQ 250620P69 | buy         |

  @control-api @REQ-OPTIONS-08
  Scenario Outline: strikeCount <count> does not change which strike is selected
    Given a "options" webhook with default subscription settings
    And the time is 2025-06-18T14:30:00Z
    And the quote for SQ is bid 70.29 ask 70.31
    When the body <body> is sent
    Then the entry order is:
      """
      {"symbol": "SQ 250620C72", "instruction": "buy"}
      """

    Examples:
      | count     | body                                                                                                                    |
      | 10        | {"ticker": "SQ", "action": "buy", "optionType": "call", "expiration": "2025-06-20", "strikesAway": 2, "strikeCount": 10} |
      | 50        | {"ticker": "SQ", "action": "buy", "optionType": "call", "expiration": "2025-06-20", "strikesAway": 2, "strikeCount": 50} |
      | left out  | {"ticker": "SQ", "action": "buy", "optionType": "call", "expiration": "2025-06-20", "strikesAway": 2}                   |

  @control-api @REQ-OPTIONS-10 @REQ-OPTIONS-05
  Scenario: a chain scan for an ITM call 6 months out, 2 strikes from the money
    Given a "options" webhook with default subscription settings
    And the time is 2025-06-18T14:30:00Z
    And the quote for SQ is bid 70.29 ask 70.31
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "buy", "optionType": "call", "expiration": "+6 months", "intrinsicValue": "itm", "strikesAway": 2}
      """
    Then the entry order is:
      """
      {"symbol": "SQ 251219C68", "instruction": "buy", "quantity": 1}
      """
