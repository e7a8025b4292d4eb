# Area: the webhook lookup and the password, and their place before every later check.
# Requirements: REQ-AUTH-01, REQ-AUTH-02, REQ-AUTH-03, REQ-PRECEDENCE-01, REQ-RESPONSE-02 (REQ-LOOKUP-01 is
# in request.feature).
Feature: Authentication
  The uuid in the URL names the webhook and the password authenticates the request. An unknown
  uuid is not-found (404); a wrong password is invalid-password (400), answered before the source
  restriction is looked at.

  @REQ-AUTH-01 @REQ-RESPONSE-02
  Scenario Outline: a wrong password on the <webhook> webhook is invalid-password
    Given the "<webhook>" webhook
    When a signal is sent with the wrong password
    Then the response is 400 "invalid-password"

    Examples:
      | webhook      |
      | stocks       |
      | options      |
      | futures      |
      | crypto       |
      | ticker-list  |
      | futures-list |

  @REQ-AUTH-01 @REQ-PRECEDENCE-01
  Scenario Outline: a wrong password on the <webhook> webhook is invalid-password, not a source error
    Given the "<webhook>" webhook
    When a signal is sent with the wrong password
    Then the response is 400 "invalid-password"

    Examples:
      | webhook     |
      | tradingview |
      | trendspider |
      | ip-list     |

  @forwarded-for @REQ-AUTH-01 @REQ-PRECEDENCE-01
  Scenario: a wrong password from a TradingView address is invalid-password
    Given the "tradingview" webhook
    And the request comes from 52.89.214.238
    When a signal is sent with the wrong password
    Then the response is 400 "invalid-password"

  # @quota: the flood needs a webhook of its own, whose failed-authentication windows no other
  # scenario meets in the next hour.
  @quota @REQ-AUTH-02 @REQ-AUTH-03
  Scenario: a flood of wrong passwords ends in too-many-requests, and the correct password still gets through
    Given the "quota" webhook
    When 100 signals are sent with the wrong password
    Then the response is 429 "too-many-requests"
    And the response has a Retry-After header
    When the signal is sent:
      """
      {"ticker": "AMD", "action": "buy"}
      """
    Then the signal is accepted
