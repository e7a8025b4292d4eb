# Area: the per-webhook rate limits (60 requests per minute, 500 per hour) and where they sit among
# the checks.
# Requirements: REQ-RATE-01, REQ-RATE-03, REQ-RATE-04, REQ-RATE-05, REQ-RATE-07, REQ-PRECEDENCE-01.
# Every scenario here is @quota: it uses up the quota webhook's quota for the next minute. The first
# two need a fresh quota (nothing sent to that webhook in the past minute, at most 439 requests in
# the past hour); the others first use the quota up, whatever state they find it in.
Feature: Rate limits
  A webhook URL lets through 60 requests a minute and 500 an hour. Past either limit the answer is
  429 too-many-requests with a Retry-After header. The password and source checks come before the
  rate limit, and the body checks after it.

  @quota @REQ-RATE-01 @REQ-RATE-03 @REQ-RATE-04
  Scenario: 60 signals in a minute are accepted and the 61st is too-many-requests
    Given the "quota" webhook
    When 60 signals are sent
    Then every response was accepted
    When the signal is sent:
      """
      {"ticker": "AMD", "action": "buy"}
      """
    Then the response is 429 "too-many-requests"
    And the response has a Retry-After header

  @quota @REQ-RATE-07
  Scenario: a request with a wrong password does not count toward the quota
    Given the "quota" webhook
    When a signal is sent with the wrong password
    Then the response is 400 "invalid-password"
    When 60 signals are sent
    Then every response was accepted

  @quota @REQ-RATE-01 @REQ-PRECEDENCE-01
  Scenario: a used-up quota is answered before the body is read
    Given the "quota" webhook
    When 60 signals are sent
    And the signal is sent:
      """
      {"ticker": "AMD", "action": "buy",}
      """
    Then the response is 429 "too-many-requests"
    When an empty body is sent
    Then the response is 429 "too-many-requests"
    When a body of 65537 bytes is sent
    Then the response is 429 "too-many-requests"

  @quota @REQ-PRECEDENCE-01
  Scenario: a wrong password on a used-up quota is invalid-password
    Given the "quota" webhook
    When 60 signals are sent
    And the signal is sent:
      """
      {"ticker": "AMD", "action": "buy"}
      """
    Then the response is 429 "too-many-requests"
    When a signal is sent with the wrong password
    Then the response is 400 "invalid-password"

  @quota @REQ-RATE-05
  Scenario: a used-up quota does not limit another webhook
    Given the "quota" webhook
    When 60 signals are sent
    And the signal is sent:
      """
      {"ticker": "AMD", "action": "buy"}
      """
    Then the response is 429 "too-many-requests"
    Given the "stocks" webhook
    When the signal is sent:
      """
      {"ticker": "AMD", "action": "buy"}
      """
    Then the signal is accepted

  @quota @slow @REQ-RATE-06
  Scenario: the minute window slides past the start of a clock minute
    Given the "quota" webhook
    When 60 signals are sent
    Then every response was accepted
    When the next clock minute begins
    And the signal is sent:
      """
      {"ticker": "AMD", "action": "buy"}
      """
    Then the response is 429 "too-many-requests"

  @quota @slow @REQ-RATE-02
  Scenario: 500 signals in an hour are accepted and the 501st is too-many-requests
    Given the "quota" webhook
    When 500 signals are sent at 59 per minute
    Then every response was accepted
    When the signal is sent:
      """
      {"ticker": "AMD", "action": "buy"}
      """
    Then the response is 429 "too-many-requests"
