# Area: the ticker checks: the ticker database, the asset class of the webhook, option and futures
# contract symbols, allowed-ticker lists, an option symbol against optionType, and risk sizing on
# futures; and their order.
# Requirements: REQ-TICKER-03 to REQ-TICKER-17, REQ-PRECEDENCE-01, REQ-PRECEDENCE-03.
Feature: Tickers and asset classes
  Each webhook trades one asset class. The ticker must exist in the gateway's ticker database, be of
  the webhook's class (an options webhook also takes stock, ETF and index-option roots), and be in
  the webhook's allowed-ticker list when it has one. The checks run in the catalogue's order.

  @REQ-TICKER-06 @REQ-TICKER-07 @REQ-TICKER-08 @REQ-TICKER-09
  Scenario Outline: <ticker> is accepted on the <webhook> webhook
    Given the "<webhook>" webhook
    When the body <body> is sent
    Then the signal is accepted

    Examples:
      | webhook | ticker       | body                                                    |
      | stocks  | AAPL         | {"ticker": "AAPL", "action": "buy"}                     |
      | stocks  | AMD          | {"ticker": "AMD", "action": "buy"}                      |
      | stocks  | MSFT         | {"ticker": "MSFT", "action": "buy"}                     |
      | stocks  | SQ           | {"ticker": "SQ", "action": "buy"}                       |
      | stocks  | XYZ          | {"ticker": "XYZ", "action": "buy"}                      |
      | stocks  | BRK.B        | {"ticker": "BRK.B", "action": "buy"}                    |
      | stocks  | SPY          | {"ticker": "SPY", "action": "buy"}                      |
      | stocks  | QQQ          | {"ticker": "QQQ", "action": "buy"}                      |
      | options | SQ 240510C68 | {"ticker": "SQ 240510C68", "action": "buy"}             |
      | options | SQ           | {"ticker": "SQ", "action": "buy", "optionType": "call"} |
      | options | SPY          | {"ticker": "SPY", "action": "buy"}                      |
      | options | SPX          | {"ticker": "SPX", "action": "buy"}                      |
      | options | SPXW         | {"ticker": "SPXW", "action": "buy"}                     |
      | options | NDX          | {"ticker": "NDX", "action": "buy"}                      |
      | options | RUT          | {"ticker": "RUT", "action": "buy"}                      |
      | options | XSP          | {"ticker": "XSP", "action": "buy"}                      |
      | options | VIX          | {"ticker": "VIX", "action": "buy"}                      |
      | futures | MNQU2025     | {"ticker": "MNQU2025", "action": "buy"}                 |
      | futures | MNQ1!        | {"ticker": "MNQ1!", "action": "buy"}                    |
      | futures | MNQ          | {"ticker": "MNQ", "action": "buy"}                      |
      | futures | NQ1!         | {"ticker": "NQ1!", "action": "buy"}                     |
      | futures | NQ2!         | {"ticker": "NQ2!", "action": "buy"}                     |
      | futures | ESZ2025      | {"ticker": "ESZ2025", "action": "buy"}                  |
      | futures | GCJ2025      | {"ticker": "GCJ2025", "action": "buy"}                  |
      | futures | CLF2026      | {"ticker": "CLF2026", "action": "buy"}                  |
      | futures | 6EH2026      | {"ticker": "6EH2026", "action": "buy"}                  |
      | crypto  | BTCUSD       | {"ticker": "BTCUSD", "action": "buy"}                   |
      | crypto  | ETHUSD       | {"ticker": "ETHUSD", "action": "buy"}                   |
      | crypto  | SOLUSD       | {"ticker": "SOLUSD", "action": "buy"}                   |

  @REQ-TICKER-10
  Scenario Outline: the option contract symbol <ticker> is accepted
    Given the "options" webhook
    When the body <body> is sent
    Then the signal is accepted

    Examples:
      | ticker             | body                                              |
      | SPY 250520C582.5   | {"ticker": "SPY 250520C582.5", "action": "buy"}   |
      | SPY250520C582.5    | {"ticker": "SPY250520C582.5", "action": "buy"}    |
      | SPY250520C00582500 | {"ticker": "SPY250520C00582500", "action": "buy"} |
      | SPY_052025582.5    | {"ticker": "SPY_052025582.5", "action": "buy"}    |
      | SPY 250520582.5    | {"ticker": "SPY 250520582.5", "action": "buy"}    |
      | SPY  250520P582.5  | {"ticker": "SPY  250520P582.5", "action": "sell"} |
      | QQQ 251219P400     | {"ticker": "QQQ 251219P400", "action": "sell"}    |
      | SPXW 250620C6000   | {"ticker": "SPXW 250620C6000", "action": "buy"}   |
      | BRK.B 250620C500   | {"ticker": "BRK.B 250620C500", "action": "buy"}   |

  @REQ-TICKER-03 @REQ-TICKER-10
  Scenario: an option contract symbol is trimmed and upper-cased, its inner space kept
    Given the "options" webhook
    When the signal is sent:
      """
      {"ticker": "  spy 250520c582.5 ", "action": "buy"}
      """
    Then the accepted payload is:
      """
      {"ticker": "SPY 250520C582.5", "action": "buy"}
      """

  @REQ-TICKER-03 @REQ-TICKER-08
  Scenario: a futures symbol is trimmed and upper-cased
    Given the "futures" webhook
    When the signal is sent:
      """
      {"ticker": " mnqu2025", "action": "sell", "sentiment": "bearish", "quantity": "2"}
      """
    Then the accepted payload is:
      """
      {"ticker": "MNQU2025", "action": "sell", "sentiment": "bearish", "quantity": 2}
      """

  @REQ-TICKER-13
  Scenario Outline: the expired contract <ticker> is accepted on the <webhook> webhook
    Given the "<webhook>" webhook
    When the body <body> is sent
    Then the signal is accepted

    Examples:
      | webhook | ticker         | body                                           |
      | options | SQ 240510C68   | {"ticker": "SQ 240510C68", "action": "buy"}    |
      | options | SPY 200117P300 | {"ticker": "SPY 200117P300", "action": "sell"} |
      | futures | MNQZ2023       | {"ticker": "MNQZ2023", "action": "exit"}       |
      | futures | ESH2020        | {"ticker": "ESH2020", "action": "exit"}        |

  @REQ-TICKER-04
  Scenario Outline: <ticker> is not in the database: ticker-does-not-exist on the <webhook> webhook
    Given the "<webhook>" webhook
    When the body <body> is sent
    Then the response is 400 "ticker-does-not-exist"

    Examples:
      | webhook | ticker          | body                                           |
      | stocks  | NOPE            | {"ticker": "NOPE", "action": "buy"}            |
      | stocks  | AMDX            | {"ticker": "AMDX", "action": "buy"}            |
      | stocks  | AMD.            | {"ticker": "AMD.", "action": "buy"}            |
      | stocks  | $AMD            | {"ticker": "$AMD", "action": "buy"}            |
      | stocks  | NASDAQ:AMD      | {"ticker": "NASDAQ:AMD", "action": "buy"}      |
      | options | NOPE            | {"ticker": "NOPE", "action": "buy"}            |
      | options | NOPE 250520C100 | {"ticker": "NOPE 250520C100", "action": "buy"} |
      | futures | XXU2025         | {"ticker": "XXU2025", "action": "buy"}         |
      | futures | MNQ0!           | {"ticker": "MNQ0!", "action": "buy"}           |
      | futures | MNQU2025X       | {"ticker": "MNQU2025X", "action": "buy"}       |
      | crypto  | BTCUSDT         | {"ticker": "BTCUSDT", "action": "buy"}         |
      | crypto  | BTC-USD         | {"ticker": "BTC-USD", "action": "buy"}         |
      | crypto  | BTC/USD         | {"ticker": "BTC/USD", "action": "buy"}         |

  @REQ-TICKER-11
  Scenario Outline: the option-shaped <ticker> with no real date is ticker-does-not-exist
    Given the "options" webhook
    When the body <body> is sent
    Then the response is 400 "ticker-does-not-exist"

    Examples:
      | ticker       | body                                        |
      | SQ 240230C68 | {"ticker": "SQ 240230C68", "action": "buy"} |
      | SQ 241310C68 | {"ticker": "SQ 241310C68", "action": "buy"} |
      | SQ 240532C68 | {"ticker": "SQ 240532C68", "action": "buy"} |

  @REQ-TICKER-12
  Scenario Outline: the futures symbol <ticker> is ticker-does-not-exist
    Given the "futures" webhook
    When the body <body> is sent
    Then the response is 400 "ticker-does-not-exist"

    Examples:
      | ticker   | body                                    |
      | MNQU25   | {"ticker": "MNQU25", "action": "buy"}   |
      | MNQU5    | {"ticker": "MNQU5", "action": "buy"}    |
      | MNQF2025 | {"ticker": "MNQF2025", "action": "buy"} |
      | GCH2025  | {"ticker": "GCH2025", "action": "buy"}  |
      | MNQA2025 | {"ticker": "MNQA2025", "action": "buy"} |

  @REQ-TICKER-05
  Scenario Outline: <ticker> on the <webhook> webhook is invalid-asset-class
    Given the "<webhook>" webhook
    When the body <body> is sent
    Then the response is 400 "invalid-asset-class"

    Examples:
      | webhook | ticker           | body                                            |
      | stocks  | BTCUSD           | {"ticker": "BTCUSD", "action": "buy"}           |
      | stocks  | MNQU2025         | {"ticker": "MNQU2025", "action": "buy"}         |
      | stocks  | MNQ1!            | {"ticker": "MNQ1!", "action": "buy"}            |
      | stocks  | MNQ              | {"ticker": "MNQ", "action": "buy"}              |
      | stocks  | SQ 240510C68     | {"ticker": "SQ 240510C68", "action": "buy"}     |
      | stocks  | SPX              | {"ticker": "SPX", "action": "buy"}              |
      | options | BTCUSD           | {"ticker": "BTCUSD", "action": "buy"}           |
      | options | MNQU2025         | {"ticker": "MNQU2025", "action": "buy"}         |
      | options | ES               | {"ticker": "ES", "action": "buy"}               |
      | futures | AMD              | {"ticker": "AMD", "action": "buy"}              |
      | futures | BTCUSD           | {"ticker": "BTCUSD", "action": "buy"}           |
      | futures | SQ 240510C68     | {"ticker": "SQ 240510C68", "action": "buy"}     |
      | futures | SPX              | {"ticker": "SPX", "action": "buy"}              |
      | crypto  | AMD              | {"ticker": "AMD", "action": "buy"}              |
      | crypto  | MNQU2025         | {"ticker": "MNQU2025", "action": "buy"}         |
      | crypto  | SPY 250520C582.5 | {"ticker": "SPY 250520C582.5", "action": "buy"} |

  @REQ-TICKER-14 @REQ-TICKER-15
  Scenario Outline: <ticker> is allowed on the <webhook> webhook
    Given the "<webhook>" webhook
    When the body <body> is sent
    Then the signal is accepted

    Examples:
      | webhook      | ticker   | body                                     |
      | ticker-list  | AAPL     | {"ticker": "AAPL", "action": "buy"}      |
      | ticker-list  | AMD      | {"ticker": "AMD", "action": "buy"}       |
      | ticker-list  | aapl     | {"ticker": "aapl", "action": "buy"}      |
      | ticker-list  | amd      | {"ticker": " amd ", "action": "buy"}     |
      | futures-list | MNQ      | {"ticker": "MNQ", "action": "buy"}       |
      | futures-list | MNQU2025 | {"ticker": "MNQU2025", "action": "buy"}  |
      | futures-list | MNQ1!    | {"ticker": "MNQ1!", "action": "buy"}     |
      | futures-list | MNQZ2023 | {"ticker": "MNQZ2023", "action": "exit"} |
      | futures-list | mnqh2026 | {"ticker": "mnqh2026", "action": "buy"}  |

  @REQ-TICKER-14 @REQ-TICKER-15
  Scenario Outline: <ticker> is unsupported-ticker on the <webhook> webhook
    Given the "<webhook>" webhook
    When the body <body> is sent
    Then the response is 400 "unsupported-ticker"

    Examples:
      | webhook      | ticker   | body                                    |
      | ticker-list  | MSFT     | {"ticker": "MSFT", "action": "buy"}     |
      | ticker-list  | SQ       | {"ticker": "SQ", "action": "buy"}       |
      | ticker-list  | SPY      | {"ticker": "SPY", "action": "buy"}      |
      | futures-list | NQ       | {"ticker": "NQ", "action": "buy"}       |
      | futures-list | NQU2025  | {"ticker": "NQU2025", "action": "buy"}  |
      | futures-list | NQ1!     | {"ticker": "NQ1!", "action": "buy"}     |
      | futures-list | MESZ2025 | {"ticker": "MESZ2025", "action": "buy"} |
      | futures-list | ESZ2025  | {"ticker": "ESZ2025", "action": "buy"}  |

  # An allowed-ticker list holds for a body another webhook accepted.
  @REQ-TICKER-14
  Scenario: a body accepted on a webhook for any ticker is unsupported-ticker on a list without its ticker
    When the signal is sent:
      """
      {"ticker": "TSLA", "action": "buy", "extras": {"scenario": "accepted on the stocks webhook"}}
      """
    Then the signal is accepted
    Given the "ticker-list" webhook
    When the same body is sent again
    Then the response is 400 "unsupported-ticker"

  @REQ-TICKER-16
  Scenario Outline: the contract <ticker> with optionType <type> is invalid-ticker-and-option-type
    Given the "options" webhook
    When the body <body> is sent
    Then the response is 400 "invalid-ticker-and-option-type"

    Examples:
      | ticker             | type | body                                                                   |
      | SQ 240510C68       | put  | {"ticker": "SQ 240510C68", "action": "buy", "optionType": "put"}       |
      | SQ 240510P68       | call | {"ticker": "SQ 240510P68", "action": "sell", "optionType": "call"}     |
      | SPY250520C00582500 | put  | {"ticker": "SPY250520C00582500", "action": "buy", "optionType": "put"} |

  @REQ-TICKER-16
  Scenario Outline: the contract <ticker> with optionType <type> is accepted
    Given the "options" webhook
    When the body <body> is sent
    Then the signal is accepted

    Examples:
      | ticker          | type | body                                                                 |
      | SQ 240510C68    | call | {"ticker": "SQ 240510C68", "action": "buy", "optionType": "call"}    |
      | SQ 240510C68    | both | {"ticker": "SQ 240510C68", "action": "buy", "optionType": "both"}    |
      | SQ 240510P68    | put  | {"ticker": "SQ 240510P68", "action": "sell", "optionType": "put"}    |
      | SPY 250520582.5 | put  | {"ticker": "SPY 250520582.5", "action": "sell", "optionType": "put"} |
      | SPY 250520582.5 | call | {"ticker": "SPY 250520582.5", "action": "buy", "optionType": "call"} |

  @REQ-TICKER-17
  Scenario Outline: risk_dollar_amount for <ticker> on the futures webhook is invalid-quantity-type-for-asset-class
    Given the "futures" webhook
    When the body <body> is sent
    Then the response is 400 "invalid-quantity-type-for-asset-class"

    Examples:
      | ticker   | body                                                                                                                           |
      | MNQU2025 | {"ticker": "MNQU2025", "action": "buy", "quantityType": "risk_dollar_amount", "quantity": 100, "stopLoss": {"amount": 20}}     |
      | MNQ1!    | {"ticker": "MNQ1!", "action": "sell", "quantityType": "risk_dollar_amount", "quantity": 100, "stopLoss": {"stopPrice": 18000}} |

  @REQ-TICKER-17
  Scenario Outline: quantityType <type> is accepted on the futures webhook
    Given the "futures" webhook
    When the body <body> is sent
    Then the signal is accepted

    Examples:
      | type                | body                                                                                            |
      | fixed_quantity      | {"ticker": "MNQU2025", "action": "buy", "quantityType": "fixed_quantity", "quantity": 2}        |
      | dollar_amount       | {"ticker": "MNQU2025", "action": "buy", "quantityType": "dollar_amount", "quantity": 5000}      |
      | percent_of_position | {"ticker": "MNQU2025", "action": "exit", "quantityType": "percent_of_position", "quantity": 50} |

  @REQ-PRECEDENCE-03
  Scenario Outline: <first> wins over <second>
    Given the "<webhook>" webhook
    When the body <body> is sent
    Then the response is 400 "<first>"

    Examples:
      | first                 | second                                | webhook      | body                                                                                                                      |
      | ticker-does-not-exist | unsupported-ticker                    | ticker-list  | {"ticker": "NOPE", "action": "buy"}                                                                                       |
      | invalid-asset-class   | unsupported-ticker                    | ticker-list  | {"ticker": "BTCUSD", "action": "buy"}                                                                                     |
      | invalid-asset-class   | invalid-ticker-and-option-type        | stocks       | {"ticker": "SQ 240510C68", "action": "buy", "optionType": "put"}                                                          |
      | unsupported-ticker    | invalid-quantity-type-for-asset-class | futures-list | {"ticker": "NQU2025", "action": "buy", "quantityType": "risk_dollar_amount", "quantity": 100, "stopLoss": {"amount": 20}} |
      | ticker-does-not-exist | invalid-quantity-type-for-asset-class | futures      | {"ticker": "MNQU25", "action": "buy", "quantityType": "risk_dollar_amount", "quantity": 100, "stopLoss": {"amount": 20}}  |

  @REQ-PRECEDENCE-01
  Scenario Outline: the schema is checked before the ticker, so <case> is <code>
    Given the "<webhook>" webhook
    When the body <body> is sent
    Then the response is 400 "<code>"

    Examples:
      | case                                     | webhook     | body                                                              | code                             |
      | an unknown ticker with an invalid action | stocks      | {"ticker": "NOPE", "action": "hold"}                              | invalid-action                   |
      | a crypto ticker with a zero quantity     | stocks      | {"ticker": "BTCUSD", "action": "buy", "quantity": 0}              | invalid-quantity                 |
      | a disallowed ticker with a bad stop loss | ticker-list | {"ticker": "MSFT", "action": "buy", "stopLoss": {"type": "stop"}} | invalid-stop-loss-value-required |
