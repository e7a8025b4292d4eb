# Area: the webhook lookup and the password, and their place before every later check.
# Requirements: REQ-AUTH-01, REQ-AUTH-02, REQ-AUTH-03, REQ-METHOD-01, REQ-PRECEDENCE-01, REQ-RESPONSE-02
# (REQ-LOOKUP-01 is in request.feature).
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

  # The password rule holds in every state a webhook can be in: a gateway that relaxes it once the
  # webhook accepted a signal, or that answers a known body before it checks the password, is caught
  # without the quota capability too. With a used-up quota: "a wrong password on a used-up quota is
  # invalid-password" in rate_limits.feature. After a rotation: the last scenarios below, through
  # the test-control API's rotate operation.
  @REQ-AUTH-01
  Scenario: a wrong password after an accepted signal is invalid-password
    When the signal is sent:
      """
      {"ticker": "AMD", "action": "buy", "extras": {"scenario": "accepted before a wrong password"}}
      """
    Then the signal is accepted
    When a signal is sent with the wrong password
    Then the response is 400 "invalid-password"

  @REQ-AUTH-01 @REQ-PRECEDENCE-01
  Scenario: an accepted body sent again with the wrong password is invalid-password
    When the signal is sent:
      """
      {"ticker": "AMD", "action": "buy", "extras": {"scenario": "accepted, then sent with a wrong password"}}
      """
    Then the signal is accepted
    When the same body is sent again with the wrong password
    Then the response is 400 "invalid-password"

  @REQ-AUTH-01 @REQ-METHOD-01
  Scenario: a body refused for a wrong password is accepted with the right one
    When a signal is sent with the wrong password
    Then the response is 400 "invalid-password"
    When the same body is sent again
    Then the signal is accepted

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

  # After a rotation (through the control API; `webhooks rotate UUID --grace` on the command line).
  @control-api @REQ-AUTH-01
  Scenario: after a rotation the old password is invalid-password
    Given a "stocks" webhook with default subscription settings
    When the signal is sent:
      """
      {"ticker": "AMD", "action": "buy", "extras": {"scenario": "before a rotation"}}
      """
    Then the signal is accepted
    When the webhook's password is rotated
    And the signal is sent with the password it had before:
      """
      {"ticker": "AMD", "action": "buy", "extras": {"scenario": "the old password after a rotation"}}
      """
    Then the response is 400 "invalid-password"

  @control-api @REQ-AUTH-01
  Scenario: after a rotation the new password is accepted
    Given a "stocks" webhook with default subscription settings
    When the webhook's password is rotated
    And the signal is sent:
      """
      {"ticker": "AMD", "action": "buy", "extras": {"scenario": "the new password after a rotation"}}
      """
    Then the signal is accepted

  @control-api @REQ-AUTH-01
  Scenario: during a rotation's grace the old password is accepted too
    Given a "stocks" webhook with default subscription settings
    When the webhook's password is rotated with a grace of 600 seconds
    And the signal is sent with the password it had before:
      """
      {"ticker": "AMD", "action": "buy", "extras": {"scenario": "the old password during the grace"}}
      """
    Then the signal is accepted
