"""The validating proxy (`webhook-conformance proxy`): forwards live traffic to a gateway unchanged and
checks each webhook exchange against what the spec predicts.

`relay` moves the bytes (asyncio, HTTP/1.1), `checks` judges an exchange (pure), `report` writes what it
found (report lines, console lines, the summary and its HTML page), `service` ties them to a command.
"""
