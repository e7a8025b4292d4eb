"""`webhook-conformance diff A [B]`: the same requests to two gateways, their answers compared (issue 16).

cases.py makes the requests, compare.py compares the answers and groups the differences, report.py
writes them for the console and as JSON, run.py sends them.
"""
