# Area: what sentiment does to a buy or sell: flat closes the whole position and opens nothing, a
# sentiment on the far side of the action makes a partial exit that stays on that side, and the
# aliases long and short.
# Requirements: REQ-SENTIMENT-01 to REQ-SENTIMENT-06.
Feature: Semantics of sentiment
  sentiment says which side the strategy is on after the signal: flat closes the position, bullish
  or bearish against a sell or buy with a quantity only reduces the position on that side.

  @control-api @REQ-SENTIMENT-01 @REQ-SENTIMENT-02
  Scenario: sell with sentiment flat exits the whole long, whatever the quantity sent
    Given a "stocks" webhook with the subscription settings:
      """
      {"use_signal_quantity": true}
      """
    And the quote for SQ is bid 99.99 ask 100.01
    And the account holds 10 SQ
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "sell", "sentiment": "flat", "quantity": 2}
      """
    Then the plan exits with sell 10
    And the plan has no entry
    And the account is flat in SQ

  @control-api @REQ-SENTIMENT-02
  Scenario: sell with sentiment flat exits a long without entering short
    Given a "stocks" webhook with default subscription settings
    And the quote for SQ is bid 99.99 ask 100.01
    And the account holds 10 SQ
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "sell", "sentiment": "flat"}
      """
    Then the plan exits with sell 10
    And the plan has no entry
    And the account is flat in SQ

  @control-api @REQ-SENTIMENT-03
  Scenario: buy with sentiment flat exits a short without entering long
    Given a "stocks" webhook with default subscription settings
    And the quote for SQ is bid 99.99 ask 100.01
    And the account holds -10 SQ
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "buy", "sentiment": "flat"}
      """
    Then the plan exits with buy_to_cover 10
    And the plan has no entry
    And the account is flat in SQ

  @control-api @REQ-SENTIMENT-01
  Scenario: sentiment flat with no position has nothing to exit and enters nothing
    Given a "stocks" webhook with default subscription settings
    And the quote for SQ is bid 99.99 ask 100.01
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "sell", "sentiment": "flat"}
      """
    Then the trade is rejected with "no-position"
    And the plan has no entry
    And the account is flat in SQ

  @control-api @REQ-SENTIMENT-04
  Scenario: buy 5 with sentiment bearish while short 10 leaves a short of 5
    Given a "stocks" webhook with the subscription settings:
      """
      {"use_signal_quantity": true}
      """
    And the quote for SQ is bid 99.99 ask 100.01
    And the account holds -10 SQ
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "buy", "sentiment": "bearish", "quantity": 5}
      """
    Then the plan exits with buy_to_cover 5
    And the plan has no entry
    And the account holds -5 SQ

  @control-api @REQ-SENTIMENT-05
  Scenario: sell 4 with sentiment bullish while long 10 is a partial exit that stays long
    Given a "stocks" webhook with the subscription settings:
      """
      {"use_signal_quantity": true}
      """
    And the quote for SQ is bid 99.99 ask 100.01
    And the account holds 10 SQ
    When the signal is sent:
      """
      {"ticker": "SQ", "action": "sell", "sentiment": "bullish", "quantity": 4}
      """
    Then the plan exits with sell 4
    And the plan has no entry
    And the account holds 6 SQ

  @control-api @REQ-SENTIMENT-06
  Scenario Outline: sentiment <sentiment> acts as <meaning>
    Given a "stocks" webhook with the subscription settings:
      """
      {"use_signal_quantity": true}
      """
    And the quote for SQ is bid 99.99 ask 100.01
    And the account holds <held> SQ
    When the body <body> is sent
    Then the plan exits with <instruction> <quantity>
    And the plan has no entry
    And the account holds <after> SQ

    Examples:
      | sentiment | meaning  | held | body                                                                      | instruction  | quantity | after |
      | long      | bullish  | 10   | {"ticker": "SQ", "action": "sell", "sentiment": "long", "quantity": 4}    | sell         | 4        | 6     |
      | short     | bearish  | -10  | {"ticker": "SQ", "action": "buy", "sentiment": "short", "quantity": 5}    | buy_to_cover | 5        | -5    |
