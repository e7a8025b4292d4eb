# Area: robustness: bodies at the limits that a gateway meets sooner or later, from a broken alert
# template or from someone probing its URL, and clients that stall or trickle. Every body here fits in
# the 64 KiB limit, so each must be answered like any other: in the documented JSON shape, never with a
# 5xx (REQ-RESPONSE-08), and the costliest ones well within TradingView's 3 seconds (DECISIONS D-068).
# Requirements: REQ-ROBUST-01 to REQ-ROBUST-04, REQ-RESPONSE-03, REQ-RESPONSE-08, REQ-BODY-03,
# REQ-BODY-04, REQ-BODY-06, REQ-TRANSPORT-03.
Feature: Robustness
  A gateway answers every body it reads: nested as deep as 64 KiB allows, with strings as long as the
  body, numbers at the edges of the double range and every byte value in its strings. Deep nesting
  may be refused (malformed-json) and a text JSON forbids is malformed-json, but nothing is a 5xx,
  nothing is answered in another shape, and no answer takes a second. Connections that stall or
  trickle delay nobody else's signal.

  @REQ-ROBUST-01 @REQ-RESPONSE-08
  Scenario Outline: a body with <where> nested <depth> deep is answered in JSON, never a 5xx
    When a body with <where> nested <depth> deep is sent
    Then the response is documented JSON, not a server error

    Examples:
      | where                    | depth                    |
      | arrays inside extras     | 10                       |
      | arrays inside extras     | 100                      |
      | arrays inside extras     | 975                      |
      | arrays inside extras     | 1000                     |
      | arrays inside extras     | 5000                     |
      | arrays inside extras     | 20000                    |
      | arrays inside extras     | as deep as 64 KiB allows |
      | objects inside extras    | 10                       |
      | objects inside extras    | 100                      |
      | objects inside extras    | 975                      |
      | objects inside extras    | 1000                     |
      | objects inside extras    | 5000                     |
      | objects inside extras    | as deep as 64 KiB allows |
      | arrays at the top level  | 975                      |
      | arrays at the top level  | 20000                    |
      | arrays at the top level  | as deep as 64 KiB allows |
      | objects at the top level | 975                      |
      | objects at the top level | as deep as 64 KiB allows |
      | arrays in the ticker     | 975                      |
      | arrays in the ticker     | as deep as 64 KiB allows |
      | objects in takeProfit    | 975                      |
      | objects in takeProfit    | as deep as 64 KiB allows |

  # A value `(X*N)` is X repeated N times; `(X*fill)` is X repeated as often as fits in 64 KiB.
  # Not tagged @REQ-RESPONSE-08: a slow answer fails the SHOULD alone (a 5xx fails the others here).
  @REQ-ROBUST-02
  Scenario Outline: a signal whose <field> is <value> is answered within 1 second
    When a signal whose <field> is <value> is sent
    Then the response is documented JSON, not a server error
    And the response came within 1 seconds

    Examples:
      | field              | value                        |
      | message            | "(<a*fill)"                     |
      | message            | "(<*fill)"                      |
      | message            | "<a(b*fill)"                    |
      | message            | "(\u003ca*fill)"                |
      | ticker             | "(A*fill)"                      |
      | ticker             | "( *fill)AMD"                   |
      | ticker             | "SPY 25(0*fill)C5"              |
      | ticker             | [(1,*fill)1]                    |
      | action             | "(b*fill)"                      |
      | quantity           | "(1*fill)"                      |
      | quantity           | ".(1*fill)x"                    |
      | quantity           | "(0*fill)x"                     |
      | quantity           | [({},*fill){}]                  |
      | strikeCount        | "(0*fill)1"                     |
      | takeProfit.percent | ".(1*fill)x"                    |
      | time               | "2025-06-18T14:30:00.(1*fill)x" |
      | expiresAt          | "+(5*fill) minutes"             |
      | expiresAt          | "2025-06-18T14:30:00.(1*fill)x" |
      | expiration         | "2024-05-10(1*fill)"            |
      | interval           | "(1*fill)"                      |
      | extras.a           | "(a*fill)"                      |
      | extras.a           | "(\u0000*fill)"                 |
      | extras.a           | "(\"*fill)"                     |
      | extras.a           | "(:*fill)"                      |
      | extras.a           | [(1.5,*fill)1]                  |
      | extras.a           | [([],*fill)[]]                  |
      | a key in extras    | "(a*fill)"                      |

  @REQ-ROBUST-03 @REQ-RESPONSE-08
  Scenario Outline: every numeric field set to <number> is answered in JSON, never a 5xx
    When each numeric field is sent in a signal of its own, set to <number>
    Then every answer is documented JSON, not a server error

    Examples:
      | number                  |
      | 1.7976931348623157e308  |
      | -1.7976931348623157e308 |
      | 5e-324                  |
      | -5e-324                 |
      | 2.2250738585072014e-308 |
      | -0                      |
      | -0.0                    |
      | 1e-400                  |
      | 1(0*308)                |
      | 9007199254740993        |
      | 0.(0*400)1              |
      | 1.(0*fill)1                |

  @REQ-ROBUST-03
  Scenario Outline: <number> inside extras is accepted
    When a signal whose extras.a is <number> is sent
    Then the signal is accepted

    Examples:
      | number                  |
      | 1.7976931348623157e308  |
      | -1.7976931348623157e308 |
      | 5e-324                  |
      | -0                      |
      | -0.0                    |
      | 1e-400                  |
      | 1(0*308)                |
      | 0.(0*400)1              |

  @REQ-ROBUST-03 @REQ-BODY-06
  Scenario Outline: every numeric field set to <number>, beyond the double range, is malformed-json
    When each numeric field is sent in a signal of its own, set to <number>
    Then every answer is 400 "malformed-json"

    Examples:
      | number                 |
      | 1e309                  |
      | -1e309                 |
      | 1.7976931348623159e308 |
      | 2(0*308)               |
      | -2(0*308)              |
      | 1(0*4400)              |

  @REQ-ROBUST-04 @REQ-BODY-03 @REQ-BODY-04 @REQ-RESPONSE-03 @REQ-RESPONSE-08
  Scenario: each byte value raw in a string of extras is malformed-json where JSON forbids it, else kept
    When each byte value 00 to ff is sent raw inside a string at extras.a
    Then every answer is documented JSON, not a server error
    And every string JSON forbids is malformed-json
    And every string JSON allows is accepted, with extras.a echoed as JSON reads it

  @REQ-ROBUST-04 @REQ-BODY-03 @REQ-BODY-04 @REQ-RESPONSE-08
  Scenario Outline: each byte value raw in a string at <field> is answered in JSON, never a 5xx
    When each byte value 00 to ff is sent raw inside a string at <field>
    Then every answer is documented JSON, not a server error
    And every string JSON forbids is malformed-json

    Examples:
      | field   |
      | ticker  |
      | message |

  @REQ-ROBUST-04 @REQ-RESPONSE-03 @REQ-RESPONSE-08
  Scenario: each escape of U+0000 to U+00FF in a string of extras is accepted and kept
    When each escape \u0000 to \u00ff and of a lone surrogate is sent inside a string at extras.a
    Then every answer is documented JSON, not a server error
    And every string JSON allows is accepted, with extras.a echoed as JSON reads it

  @REQ-ROBUST-04 @REQ-RESPONSE-08
  Scenario Outline: each escape of U+0000 to U+00FF in a string at <field> is answered in JSON, never a 5xx
    When each escape \u0000 to \u00ff and of a lone surrogate is sent inside a string at <field>
    Then every answer is documented JSON, not a server error

    Examples:
      | field   |
      | ticker  |
      | message |

  @REQ-TRANSPORT-03 @slow-clients
  Scenario: a signal is answered promptly while 50 connections stall in the middle of a 64 KiB body
    Given 50 connections stall in the middle of a 64 KiB body
    When the signal is sent:
      """
      {"ticker": "AMD", "action": "buy"}
      """
    Then the signal is accepted
    And the response came within 1 seconds

  @REQ-TRANSPORT-03 @slow-clients
  Scenario: a signal is answered promptly while 20 connections trickle their requests
    Given 20 connections trickle a request one byte at a time
    When the signal is sent:
      """
      {"ticker": "AMD", "action": "buy"}
      """
    Then the signal is accepted
    And the response came within 1 seconds
