# Area: the request itself: the endpoint and its method, the webhook lookup, the Content-Type,
# empty bodies and the body size limit.
# Requirements: REQ-METHOD-01, REQ-METHOD-02, REQ-METHOD-03, REQ-LOOKUP-01, REQ-BODY-01,
# REQ-BODY-02, REQ-BODY-03, REQ-BODY-05, REQ-BODY-10, REQ-PAYLOAD-10, REQ-RESPONSE-01,
# REQ-RESPONSE-02, REQ-RESPONSE-08, REQ-TRANSPORT-02 to REQ-TRANSPORT-05.
Feature: Webhook requests
  A signal is the JSON body of a POST to /trading/webhook/{uuid}/{password}. The body is read as
  JSON whatever the Content-Type says (TradingView sends text/plain). Every other method is
  post-required, an unknown uuid is not-found, and a body over 64 KiB is payload-too-large. A
  request the HTTP server cannot read at all is malformed-request, in JSON like every answer; one
  not received within the gateway's read timeouts is request-timeout, and slow clients delay nobody.
  A compressed body is decoded, within the size limit, or its coding refused with a 415; it is never
  read as JSON as it is. An HTTP/1.0 POST must state its body's length: without one, length-required.

  @REQ-METHOD-01 @REQ-PAYLOAD-10 @REQ-RESPONSE-01
  Scenario: a ticker and an action POSTed to a known webhook are accepted
    When the signal is sent:
      """
      {"ticker": "AMD", "action": "buy"}
      """
    Then the signal is accepted

  @REQ-METHOD-03
  Scenario: a request with a 64 KiB header is malformed-request, in JSON
    When a signal is sent with a header of 65536 bytes
    Then the response is 400 "malformed-request"

  @REQ-METHOD-02 @REQ-RESPONSE-02
  Scenario Outline: a <method> request is post-required
    When a <method> request is sent
    Then the response is 400 "post-required"

    Examples:
      | method  |
      | GET     |
      | PUT     |
      | PATCH   |
      | DELETE  |
      | OPTIONS |

  @REQ-LOOKUP-01 @REQ-RESPONSE-02
  Scenario: a signal to an unknown webhook is not-found
    When a signal is sent to an unknown webhook
    Then the response is 404 "not-found"

  @REQ-BODY-01
  Scenario Outline: a signal sent as <type> is read as JSON
    Given the content type is "<type>"
    When the signal is sent:
      """
      {"ticker": "AMD", "action": "buy"}
      """
    Then the signal is accepted

    Examples:
      | type                              |
      | application/json                  |
      | application/json; charset=utf-8   |
      | application/json; charset=UTF-8   |
      | text/json                         |
      | text/plain                        |
      | text/plain; charset=utf-8         |
      | application/x-www-form-urlencoded |
      | application/octet-stream          |
      | application/xml                   |

  @REQ-BODY-01
  Scenario: a signal without a content type is read as JSON
    Given no content type
    When the signal is sent:
      """
      {"ticker": "AMD", "action": "buy"}
      """
    Then the signal is accepted

  @REQ-BODY-01 @REQ-BODY-03
  Scenario: a text/plain alert that is not JSON is malformed-json
    Given the content type is "text/plain"
    When the signal is sent:
      """
      AMD crossed above the 20 EMA: buy
      """
    Then the response is 400 "malformed-json"

  @REQ-BODY-02
  Scenario: an empty body is empty-json
    When an empty body is sent
    Then the response is 400 "empty-json"

  @REQ-BODY-02 @REQ-BODY-05
  Scenario Outline: a body of <what> is empty-json
    When the bytes <hex> are sent
    Then the response is 400 "empty-json"

    Examples:
      | what                              | hex        |
      | one space                         | 20         |
      | JSON white space                  | 200d0a0920 |
      | a byte order mark alone           | efbbbf     |
      | a byte order mark and white space | efbbbf0a20 |

  @REQ-BODY-02
  Scenario: an empty body sent as text/plain is empty-json
    Given the content type is "text/plain"
    When an empty body is sent
    Then the response is 400 "empty-json"

  @REQ-BODY-10
  Scenario Outline: a signal padded to <n> bytes is accepted
    When a body of <n> bytes is sent
    Then the signal is accepted

    Examples:
      | n     |
      | 1024  |
      | 65535 |
      | 65536 |

  @REQ-BODY-10 @REQ-RESPONSE-08
  Scenario Outline: a body of <n> bytes is payload-too-large
    When a body of <n> bytes is sent
    Then the response is 413 "payload-too-large"

    Examples:
      | n       |
      | 65537   |
      | 1048576 |

  @REQ-TRANSPORT-02 @slow-clients
  Scenario: a request whose headers stall is request-timeout, in JSON
    When a request's headers stall past the gateway's read timeout
    Then the response is 408 "request-timeout"

  @REQ-TRANSPORT-03 @slow-clients
  Scenario: a signal is answered promptly while 100 connections stall
    Given 100 connections stall in the middle of a request
    When the signal is sent:
      """
      {"ticker": "AMD", "action": "buy"}
      """
    Then the signal is accepted
    And the response came within 1 seconds

  @REQ-TRANSPORT-04
  Scenario Outline: a signal compressed with <coding> is decoded, or the coding refused
    When the signal is sent compressed with <coding>:
      """
      {"ticker": "AMD", "action": "buy"}
      """
    Then the signal is accepted, unless the target refuses <coding>
    And the accepted payload is:
      """
      {"ticker": "AMD", "action": "buy"}
      """

    Examples:
      | coding  |
      | gzip    |
      | deflate |

  @REQ-TRANSPORT-04
  Scenario: a Content-Encoding no gateway knows is unsupported-content-encoding
    When the signal is sent uncompressed, labelled Content-Encoding "x-conformance-unknown":
      """
      {"ticker": "AMD", "action": "buy"}
      """
    Then the response is 415 "unsupported-content-encoding"

  @REQ-TRANSPORT-04
  Scenario Outline: an uncompressed body labelled <coding> is malformed-content-encoding, never accepted
    When the signal is sent compressed with <coding>:
      """
      {"ticker": "AMD", "action": "buy"}
      """
    Then the signal is accepted, unless the target refuses <coding>
    When the signal is sent uncompressed, labelled Content-Encoding "<coding>":
      """
      {"ticker": "AMD", "action": "buy"}
      """
    Then the response is 400 "malformed-content-encoding"

    Examples:
      | coding  |
      | gzip    |
      | deflate |

  @REQ-TRANSPORT-04 @REQ-BODY-10
  Scenario: a 10 KB gzip body that decodes to 10 MB is payload-too-large
    When the signal is sent compressed with gzip:
      """
      {"ticker": "AMD", "action": "buy"}
      """
    Then the signal is accepted, unless the target refuses gzip
    When a signal padded with spaces to 10 MB is sent compressed with gzip
    Then the response is 413 "payload-too-large"

  @REQ-TRANSPORT-05
  Scenario: an HTTP/1.0 POST without a Content-Length is length-required
    When the signal is sent over HTTP/1.0 without a Content-Length:
      """
      {"ticker": "AMD", "action": "buy"}
      """
    Then the response is 411 "length-required"
