# Area: what a signal's action does to an account: the three steps (cancel the ticker's open orders,
# exit the position, enter the new one), buy and sell against long and short positions, add, exit,
# cancel and the cancel flag, repeated entries, and the subscription's allowed sides.
# Requirements: REQ-ORDER-01 to REQ-ORDER-11, REQ-ORDER-13.
Feature: Semantics of actions and cancels
  A trade runs three steps in order: cancel the ticker's open orders (when there is no position,
  when it is on the other side, or for action cancel), exit the current position, enter the new
  one. Read through the test-control API: the plan of the trade and the account afterwards.

  @control-api @REQ-ORDER-01 @REQ-ORDER-02 @REQ-ORDER-03
  Scenario: buy while short cancels the open orders, covers the short, then buys
    Given a "stocks" webhook with default subscription settings
    And the quote for SQ is bid 99.99 ask 100.01
    And the account holds -10 SQ
    And the account has an open buy limit order o1 for 5 SQ at 60
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "buy"}
      """
    Then the signal is accepted
    And the plan cancels the open orders o1
    And the plan exits with buy_to_cover 10
    And the plan enters with buy 1
    And the fills are in the order exit, entry
    And the account holds 1 SQ
    And the account has no open orders for SQ

  @control-api @REQ-ORDER-03
  Scenario: buy with no position buys and exits nothing
    Given a "stocks" webhook with default subscription settings
    And the quote for SQ is bid 99.99 ask 100.01
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "buy"}
      """
    Then the plan has no exit
    And the plan enters with buy 1
    And the account holds 1 SQ

  @control-api @REQ-ORDER-04
  Scenario: sell while long sells the long position, then sells short
    Given a "stocks" webhook with default subscription settings
    And the quote for SQ is bid 99.99 ask 100.01
    And the account holds 10 SQ
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "sell"}
      """
    Then the plan exits with sell 10
    And the plan enters with sell_short 1
    And the fills are in the order exit, entry
    And the account holds -1 SQ

  @control-api @REQ-ORDER-04
  Scenario: sell with no position sells short
    Given a "stocks" webhook with default subscription settings
    And the quote for SQ is bid 99.99 ask 100.01
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "sell"}
      """
    Then the plan has no exit
    And the plan enters with sell_short 1
    And the account holds -1 SQ

  @control-api @REQ-ORDER-02
  Scenario: buy with no position cancels the ticker's open orders first, and no other ticker's
    Given a "stocks" webhook with default subscription settings
    And the quote for SQ is bid 99.99 ask 100.01
    And the account has an open buy limit order o1 for 5 SQ at 60
    And the account has an open buy limit order o2 for 1 AMD at 50
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "buy"}
      """
    Then the plan cancels the open orders o1
    And the plan enters with buy 1

  @control-api @REQ-ORDER-02
  Scenario: buy while long on the same side keeps the open orders
    Given a "stocks" webhook with the subscription settings:
      """
      {"allow_add_to_position": true}
      """
    And the quote for SQ is bid 99.99 ask 100.01
    And the account holds 3 SQ
    And the account has an open sell limit order o1 for 3 SQ at 120
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "buy"}
      """
    Then the plan cancels no orders
    And the plan enters with buy 1
    And the account holds 4 SQ

  @control-api @REQ-ORDER-02
  Scenario: an exit with a position keeps the open orders
    Given a "stocks" webhook with default subscription settings
    And the quote for SQ is bid 99.99 ask 100.01
    And the account holds 3 SQ
    And the account has an open sell limit order o1 for 3 SQ at 120
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "exit"}
      """
    Then the plan cancels no orders
    And the plan exits with sell 3

  @control-api @REQ-ORDER-05
  Scenario Outline: a signal with nothing to cancel, exit or enter is rejected: <case>
    Given a "stocks" webhook with default subscription settings
    And the quote for SQ is bid 99.99 ask 100.01
    And the account holds <held> SQ
    And the account has an open buy limit order o2 for 1 AMD at 50
    When the body <body> is sent
    Then the signal is accepted
    And the trade is rejected with "<reason>"
    And the plan has no exit
    And the plan has no entry
    And the account holds <held> SQ

    Examples:
      | case                                        | held | body                                                          | reason        |
      | cancel with no open order for the ticker    | 0    | {"ticker": "SQ", "action": "cancel"}                          | nothing-to-do |
      | exit with no position and no open order     | 0    | {"ticker": "SQ", "action": "exit"}                            | no-position   |
      | a bearish buy while long                    | 5    | {"ticker": "SQ", "action": "buy", "sentiment": "bearish"}     | nothing-to-do |
      | buy with cancel false while long, no adding | 5    | {"ticker": "SQ", "action": "buy", "cancel": false}            | position-exists |

  @control-api @REQ-ORDER-06
  Scenario Outline: a repeated <action> while already <side> is rejected without Allow add to position
    Given a "stocks" webhook with default subscription settings
    And the quote for SQ is bid 99.99 ask 100.01
    And the account holds <held> SQ
    When the body {"ticker": "SQ", "action": "<action>"} is sent
    Then the trade is rejected with "position-exists"
    And the account holds <held> SQ

    Examples:
      | action | side  | held |
      | buy    | long  | 5    |
      | sell   | short | -5   |

  @control-api @REQ-ORDER-06
  Scenario Outline: a repeated <action> while already <side> adds with Allow add to position
    Given a "stocks" webhook with the subscription settings:
      """
      {"allow_add_to_position": true}
      """
    And the quote for SQ is bid 99.99 ask 100.01
    And the account holds <held> SQ
    When the body {"ticker": "SQ", "action": "<action>"} is sent
    Then the plan has no exit
    And the plan enters with <instruction> 1
    And the account holds <after> SQ

    Examples:
      | action | side  | held | instruction | after |
      | buy    | long  | 5    | buy         | 6     |
      | sell   | short | -5   | sell_short  | -6    |

  @control-api @REQ-ORDER-07
  Scenario Outline: add adds to a <side> position whatever Allow add to position says
    Given a "stocks" webhook with the subscription settings:
      """
      {"allow_add_to_position": false}
      """
    And the quote for SQ is bid 99.99 ask 100.01
    And the account holds <held> SQ
    When the body {"ticker": "SQ", "action": "add"} is sent
    Then the plan has no exit
    And the plan enters with <instruction> 1
    And the account holds <after> SQ

    Examples:
      | side  | held | instruction | after |
      | long  | 5    | buy         | 6     |
      | short | -5   | sell_short  | -6    |

  @control-api @REQ-ORDER-08
  Scenario: add with no position is rejected
    Given a "stocks" webhook with default subscription settings
    And the quote for SQ is bid 99.99 ask 100.01
    And the account has an open buy limit order o1 for 5 SQ at 60
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "add"}
      """
    Then the trade is rejected with "no-position"
    And the account is flat in SQ

  @control-api @REQ-ORDER-09 @REQ-ORDER-02
  Scenario: cancel cancels every open order of the ticker and sends no order
    Given a "stocks" webhook with default subscription settings
    And the quote for SQ is bid 99.99 ask 100.01
    And the account holds 5 SQ
    And the account has an open sell limit order o1 for 5 SQ at 120
    And the account has an open buy limit order o2 for 1 AMD at 50
    And the account has an open sell stop order o3 for 5 SQ at 90
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "cancel"}
      """
    Then the plan cancels the open orders o1, o3
    And the plan has no exit
    And the plan has no entry
    And the account has no open orders for SQ
    And the account holds 5 SQ

  @control-api @REQ-ORDER-10
  Scenario: cancel true cancels the open orders although the subscription does not cancel them
    Given a "stocks" webhook with the subscription settings:
      """
      {"cancel_open_orders": false}
      """
    And the quote for SQ is bid 99.99 ask 100.01
    And the account has an open buy limit order o1 for 5 SQ at 60
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "sell", "cancel": true}
      """
    Then the plan cancels the open orders o1
    And the plan enters with sell_short 1
    And the account has no open orders for SQ

  @control-api @REQ-ORDER-10
  Scenario: cancel false keeps the open orders although the subscription cancels them
    Given a "stocks" webhook with the subscription settings:
      """
      {"cancel_open_orders": true}
      """
    And the quote for SQ is bid 99.99 ask 100.01
    And the account has an open buy limit order o1 for 5 SQ at 60
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "buy", "cancel": false}
      """
    Then the plan cancels no orders
    And the plan enters with buy 1

  @control-api @REQ-ORDER-10
  Scenario: cancel true cancels before a refused entry, which alone makes the trade
    Given a "stocks" webhook with default subscription settings
    And the quote for SQ is bid 99.99 ask 100.01
    And the account holds 3 SQ
    And the account has an open sell limit order o1 for 3 SQ at 120
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "buy", "cancel": true}
      """
    Then the plan cancels the open orders o1
    And the plan has no exit
    And the plan has no entry
    And the account holds 3 SQ

  @control-api @REQ-ORDER-11
  Scenario Outline: exit closes a <side> position without entering a new one
    Given a "stocks" webhook with default subscription settings
    And the quote for SQ is bid 99.99 ask 100.01
    And the account holds <held> SQ
    When the body {"ticker": "SQ", "action": "exit"} is sent
    Then the plan exits with <instruction> 7
    And the plan has no entry
    And the account is flat in SQ

    Examples:
      | side  | held | instruction  |
      | long  | 7    | sell         |
      | short | -7   | buy_to_cover |

  @control-api @REQ-ORDER-13
  Scenario Outline: allowed sides <sides> refuse an entry on the other side: <body>
    Given a "stocks" webhook with the subscription settings:
      """
      {"allowed_sides": "<sides>"}
      """
    And the quote for SQ is bid 99.99 ask 100.01
    When the body <body> is sent
    Then the trade is rejected with "side-not-allowed"
    And the account is flat in SQ

    Examples:
      | sides   | body                                 |
      | bullish | {"ticker": "SQ", "action": "sell"}   |
      | bearish | {"ticker": "SQ", "action": "buy"}    |
      | none    | {"ticker": "SQ", "action": "buy"}    |
      | none    | {"ticker": "SQ", "action": "sell"}   |

  @control-api @REQ-ORDER-13
  Scenario Outline: allowed sides <sides> still exit a <side> position, and enter nothing
    Given a "stocks" webhook with the subscription settings:
      """
      {"allowed_sides": "<sides>"}
      """
    And the quote for SQ is bid 99.99 ask 100.01
    And the account holds <held> SQ
    When the body <body> is sent
    Then the plan exits with <instruction> 3
    And the plan has no entry
    And the account is flat in SQ

    Examples:
      | sides   | side  | held | body                                 | instruction  |
      | bullish | long  | 3    | {"ticker": "SQ", "action": "sell"}   | sell         |
      | bearish | short | -3   | {"ticker": "SQ", "action": "buy"}    | buy_to_cover |
      | none    | long  | 3    | {"ticker": "SQ", "action": "exit"}   | sell         |

  @control-api @REQ-ORDER-13
  Scenario Outline: allowed sides <sides> enter on their own side
    Given a "stocks" webhook with the subscription settings:
      """
      {"allowed_sides": "<sides>"}
      """
    And the quote for SQ is bid 99.99 ask 100.01
    When the body {"ticker": "SQ", "action": "<action>"} is sent
    Then the plan enters with <instruction> 1

    Examples:
      | sides   | action | instruction |
      | bullish | buy    | buy         |
      | bearish | sell   | sell_short  |
