# Area: the webhook password is the sender's only secret, and it sits in the URL path: no answer
# repeats it, and no path under /trading/webhook is answered with a redirect to a corrected URL.
# Requirements: REQ-SECRET-01, REQ-SECRET-02, REQ-SECRET-03.
Feature: The password in the webhook URL
  Whoever holds a webhook's URL can trade on it, so the gateway treats the password in its path as a
  secret: no response carries it, in a header or the body, whatever was sent. A mangled webhook
  path is answered in JSON like every other request, never with a redirect (a Location built from
  the Host header would send the password anywhere), and a doubled or trailing slash is not-found.

  @REQ-SECRET-01
  Scenario Outline: no response to <request> repeats a password
    When <request>
    Then no response repeats a password the kit sent

    Examples:
      | request                                                   |
      | the body {"ticker": "AMD", "action": "buy"} is sent       |
      | the body {"ticker": "AMD", "action": "hold"} is sent      |
      | the body not json is sent                                 |
      | a GET request is sent                                     |
      | a signal is sent with the wrong password                  |
      | a signal is sent with a header of 65536 bytes             |
      | a body of 65537 bytes is sent                             |
      | an empty body is sent                                     |
      | a HEAD request is sent                                    |
      | a body with arrays inside extras nested 5000 deep is sent |
      | a signal whose message is "(<a*fill)" is sent             |

  @REQ-SECRET-01 @REQ-SECRET-02
  Scenario Outline: a signal to the webhook's path with <change> is answered in JSON, not redirected
    When a signal is sent to the webhook's path with <change>
    Then the response is documented JSON, not a redirect
    And no response repeats a password the kit sent

    Examples:
      | change                              |
      | a doubled slash before the uuid     |
      | a doubled slash before the password |
      | a leading doubled slash             |
      | a trailing slash                    |

  @REQ-SECRET-03
  Scenario Outline: a signal to the webhook's path with <change> is not-found
    When a signal is sent to the webhook's path with <change>
    Then the response is 404 "not-found"

    Examples:
      | change                              |
      | a doubled slash before the uuid     |
      | a doubled slash before the password |
      | a trailing slash                    |
