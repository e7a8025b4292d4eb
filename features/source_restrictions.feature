# Area: webhooks limited to TradingView, to TrendSpider or to a list of IP addresses and ranges, and
# how the source address is found behind the kit (a trusted proxy that sets X-Forwarded-For).
# Requirements: REQ-SOURCE-01 to REQ-SOURCE-09, REQ-SOURCE-11, REQ-SOURCE-12, REQ-PRECEDENCE-01.
# Scenarios tagged @forwarded-for set the source address: the target must trust the kit as its proxy.
Feature: Source restrictions
  A webhook limited to TradingView takes signals from TradingView's four webhook addresses only, one
  limited to TrendSpider from 3.12.143.24 only, one limited to IP addresses from its list and CIDR
  ranges only. A source address that is not an IP address is invalid-ip-address-format.

  @forwarded-for @REQ-SOURCE-01
  Scenario Outline: a signal from TradingView's address <address> is accepted
    Given the "tradingview" webhook
    And the request comes from <address>
    When the signal is sent:
      """
      {"ticker": "AMD", "action": "buy"}
      """
    Then the signal is accepted

    Examples:
      | address       |
      | 52.89.214.238 |
      | 34.212.75.30  |
      | 54.218.53.128 |
      | 52.32.178.7   |

  @forwarded-for @REQ-SOURCE-02
  Scenario Outline: a signal from <address> to a TradingView webhook is not-trading-view
    Given the "tradingview" webhook
    And the request comes from <address>
    When the signal is sent:
      """
      {"ticker": "AMD", "action": "buy"}
      """
    Then the response is 400 "not-trading-view"

    Examples:
      | address       |
      | 52.89.214.239 |
      | 3.12.143.24   |
      | 203.0.113.7   |
      | 10.0.0.1      |
      | 2001:db8::1   |

  @REQ-SOURCE-02
  Scenario: a signal from the kit itself to a TradingView webhook is not-trading-view
    Given the "tradingview" webhook
    When the signal is sent:
      """
      {"ticker": "AMD", "action": "buy"}
      """
    Then the response is 400 "not-trading-view"

  @forwarded-for @REQ-SOURCE-03
  Scenario: a signal from TrendSpider's address is accepted
    Given the "trendspider" webhook
    And the request comes from 3.12.143.24
    When the signal is sent:
      """
      {"ticker": "AMD", "action": "buy"}
      """
    Then the signal is accepted

  @forwarded-for @REQ-SOURCE-04
  Scenario Outline: a signal from <address> to a TrendSpider webhook is not-trend-spider
    Given the "trendspider" webhook
    And the request comes from <address>
    When the signal is sent:
      """
      {"ticker": "AMD", "action": "buy"}
      """
    Then the response is 400 "not-trend-spider"

    Examples:
      | address       |
      | 3.12.143.25   |
      | 52.89.214.238 |
      | 10.0.0.1      |

  @REQ-SOURCE-04
  Scenario: a signal from the kit itself to a TrendSpider webhook is not-trend-spider
    Given the "trendspider" webhook
    When the signal is sent:
      """
      {"ticker": "AMD", "action": "buy"}
      """
    Then the response is 400 "not-trend-spider"

  @forwarded-for @REQ-SOURCE-05
  Scenario Outline: a signal from <address> inside the IP list is accepted
    Given the "ip-list" webhook
    And the request comes from <address>
    When the signal is sent:
      """
      {"ticker": "AMD", "action": "buy"}
      """
    Then the signal is accepted

    Examples:
      | address        |
      | 203.0.113.7    |
      | 10.0.0.0       |
      | 10.20.30.40    |
      | 10.255.255.255 |

  @forwarded-for @REQ-SOURCE-06
  Scenario Outline: a signal from <address> outside the IP list is invalid-ip-address
    Given the "ip-list" webhook
    And the request comes from <address>
    When the signal is sent:
      """
      {"ticker": "AMD", "action": "buy"}
      """
    Then the response is 400 "invalid-ip-address"

    Examples:
      | address       |
      | 203.0.113.8   |
      | 203.0.113.6   |
      | 11.0.0.1      |
      | 9.255.255.255 |
      | 192.168.1.10  |
      | 52.89.214.238 |
      | 2001:db8::7   |

  # A source restriction holds after the webhook accepted a signal, and for a body it accepted.
  @forwarded-for @REQ-SOURCE-06
  Scenario: a body accepted from inside the IP list is invalid-ip-address from outside it
    Given the "ip-list" webhook
    And the request comes from 10.20.30.40
    When the signal is sent:
      """
      {"ticker": "AMD", "action": "buy", "extras": {"scenario": "accepted from inside the IP list"}}
      """
    Then the signal is accepted
    Given the request comes from 198.51.100.7
    When the same body is sent again
    Then the response is 400 "invalid-ip-address"

  @forwarded-for @REQ-SOURCE-07
  Scenario Outline: a source address <address> on the <webhook> webhook is invalid-ip-address-format
    Given the "<webhook>" webhook
    And the request comes from <address>
    When the signal is sent:
      """
      {"ticker": "AMD", "action": "buy"}
      """
    Then the response is 400 "invalid-ip-address-format"

    Examples:
      | webhook     | address           |
      | tradingview | not-an-address    |
      | tradingview | unknown           |
      | tradingview | 52.89.214.238.1   |
      | tradingview | 52.89.214.238:443 |
      | trendspider | 3.12.143          |
      | ip-list     | 300.1.2.3         |
      | ip-list     | 10.0.0.0/8        |

  @forwarded-for @REQ-SOURCE-08
  Scenario Outline: the IPv4-mapped address <address> counts as its IPv4 address on the <webhook> webhook
    Given the "<webhook>" webhook
    And the request comes from <address>
    When the signal is sent:
      """
      {"ticker": "AMD", "action": "buy"}
      """
    Then the signal is accepted

    Examples:
      | webhook     | address              |
      | tradingview | ::ffff:52.89.214.238 |
      | trendspider | ::ffff:3.12.143.24   |
      | ip-list     | ::ffff:10.1.2.3      |

  @forwarded-for @REQ-SOURCE-08
  Scenario: an IPv4-mapped address outside the list is invalid-ip-address
    Given the "ip-list" webhook
    And the request comes from ::ffff:11.1.2.3
    When the signal is sent:
      """
      {"ticker": "AMD", "action": "buy"}
      """
    Then the response is 400 "invalid-ip-address"

  @control-api @forwarded-for @REQ-SOURCE-12
  Scenario Outline: the IPv4-mapped list entry <entry> lets <address> in
    Given a "stocks" webhook limited to the addresses <entry>
    And the request comes from <address>
    When the signal is sent:
      """
      {"ticker": "AMD", "action": "buy"}
      """
    Then the signal is accepted

    Examples:
      | entry               | address            |
      | ::ffff:203.0.113.7  | 203.0.113.7        |
      | ::ffff:203.0.113.7  | ::ffff:203.0.113.7 |
      | ::ffff:10.0.0.0/104 | 10.20.30.40        |

  @control-api @forwarded-for @REQ-SOURCE-12
  Scenario: an address outside an IPv4-mapped list range is invalid-ip-address
    Given a "stocks" webhook limited to the addresses ::ffff:10.0.0.0/104
    And the request comes from 11.0.0.1
    When the signal is sent:
      """
      {"ticker": "AMD", "action": "buy"}
      """
    Then the response is 400 "invalid-ip-address"

  @forwarded-for @REQ-SOURCE-09
  Scenario: the rightmost forwarded address is the source, so a TradingView address last is accepted
    Given the "tradingview" webhook
    And the request comes from 198.51.100.23, 52.89.214.238
    When the signal is sent:
      """
      {"ticker": "AMD", "action": "buy"}
      """
    Then the signal is accepted

  @forwarded-for @REQ-SOURCE-09
  Scenario: a forged TradingView address left of the client is not believed
    Given the "tradingview" webhook
    And the request comes from 52.89.214.238, 198.51.100.23
    When the signal is sent:
      """
      {"ticker": "AMD", "action": "buy"}
      """
    Then the response is 400 "not-trading-view"

  @forwarded-for @REQ-SOURCE-11
  Scenario Outline: a webhook without a source restriction accepts a signal from <address>
    Given the "stocks" webhook
    And the request comes from <address>
    When the signal is sent:
      """
      {"ticker": "AMD", "action": "buy"}
      """
    Then the signal is accepted

    Examples:
      | address        |
      | 52.89.214.238  |
      | 198.51.100.23  |
      | 2001:db8::1    |
      | not-an-address |

  @REQ-PRECEDENCE-01
  Scenario Outline: the source is checked before the body, so <body_case> to a TradingView webhook is not-trading-view
    Given the "tradingview" webhook
    When the body <body> is sent
    Then the response is 400 "not-trading-view"

    Examples:
      | body_case         | body                                |
      | malformed JSON    | {"ticker": "AMD", "action": "buy",} |
      | an invalid action | {"ticker": "AMD", "action": "hold"} |
      | an unknown ticker | {"ticker": "NOPE", "action": "buy"} |

  @REQ-PRECEDENCE-01
  Scenario: the source is checked before the body, so an empty body to a TrendSpider webhook is not-trend-spider
    Given the "trendspider" webhook
    When an empty body is sent
    Then the response is 400 "not-trend-spider"

  @untrusted-peer @REQ-SOURCE-10
  Scenario Outline: an address forwarded by an untrusted peer is ignored on the <webhook> webhook
    Given the "<webhook>" webhook
    And an untrusted peer forwards the request from <address>
    When the signal is sent:
      """
      {"ticker": "AMD", "action": "buy"}
      """
    Then the response is 400 "<code>"

    Examples:
      | webhook     | address       | code               |
      | tradingview | 52.89.214.238 | not-trading-view   |
      | trendspider | 3.12.143.24   | not-trend-spider   |
      | ip-list     | 203.0.113.7   | invalid-ip-address |
