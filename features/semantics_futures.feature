# Area: which futures contract a signal trades: continuous symbols rolled by the clock, bare roots,
# ranks past the front month, and explicit contracts.
# Requirements: REQ-FUTURES-01 to REQ-FUTURES-04.
Feature: Semantics of futures
  A continuous symbol (MNQ1!) or a bare root (MNQ) maps to the front-month contract, switching to
  the next two days before expiry; MNQZ2023 expires Friday 2023-12-15, so MNQ1! is MNQH2024 from
  2023-12-13. An explicit contract is traded as sent.

  @control-api @REQ-FUTURES-01
  Scenario Outline: on <day>, MNQ1! is <contract>
    Given a "futures" webhook with default subscription settings
    And the time is <time>
    When the signal is sent:
      """
      {"ticker": "MNQ1!", "action": "buy", "signalPrice": 16000}
      """
    Then the entry order is:
      """
      {"symbol": "<contract>", "instruction": "buy", "quantity": 1}
      """
    And the account holds 1 <contract>

    Examples:
      | day        | time                 | contract |
      | 2023-12-12 | 2023-12-12T15:00:00Z | MNQZ2023 |
      | 2023-12-13 | 2023-12-13T15:00:00Z | MNQH2024 |

  @control-api @REQ-FUTURES-02
  Scenario Outline: the bare root MNQ maps to the contract of MNQ1! on <day>
    Given a "futures" webhook with default subscription settings
    And the time is <time>
    When the signal is sent:
      """
      {"ticker": "MNQ", "action": "buy", "signalPrice": 16000}
      """
    Then the entry order is:
      """
      {"symbol": "<contract>", "instruction": "buy"}
      """

    Examples:
      | day        | time                 | contract |
      | 2023-12-12 | 2023-12-12T15:00:00Z | MNQZ2023 |
      | 2023-12-13 | 2023-12-13T15:00:00Z | MNQH2024 |

  @control-api @REQ-FUTURES-03
  Scenario Outline: on 2023-12-13, <ticker> is <contract>
    Given a "futures" webhook with default subscription settings
    And the time is 2023-12-13T15:00:00Z
    When the body {"ticker": "<ticker>", "action": "buy", "signalPrice": 16000} is sent
    Then the entry order is:
      """
      {"symbol": "<contract>", "instruction": "buy"}
      """

    Examples:
      | ticker | contract |
      | NQ1!   | NQH2024  |
      | NQ2!   | NQM2024  |
      | MNQ2!  | MNQM2024 |

  @control-api @REQ-FUTURES-04
  Scenario: an explicit contract is traded as sent, whatever the front month
    Given a "futures" webhook with default subscription settings
    And the time is 2025-03-03T15:00:00Z
    When the signal is sent:
      """
      {"ticker": "MNQU2025", "action": "buy", "signalPrice": 20000}
      """
    Then the entry order is:
      """
      {"symbol": "MNQU2025", "instruction": "buy", "quantity": 1}
      """
    And the account holds 1 MNQU2025
