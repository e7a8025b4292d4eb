"""The webhook request path: POST /trading/webhook/{uuid}/{password}, stage by stage (D-016).

api, the blueprint, hands each request to pipeline, which runs the stages in order: method; lookup
and password (store, passwords, hash_key; failed_auth counts wrong ones); source (sources); rate
limit (rate_limit); body size, JSON and schema (webhook_spec); ticker (tickers, symbols). Every
request to a known webhook is written to signal_log (group_commit, retention, ids) and answered by
responses. hooks is the only way out of this package: paper trading comes in through it.
"""
