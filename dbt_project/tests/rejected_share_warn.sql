{# More than max_rejected_share of a contract table's rows rejected: a warning (macros/tests/rejected_share.sql). #}
{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'rejected_rows'}}}) }}
-- depends_on: {{ ref('rejected_rows') }}  (the Dagster check of marts.rejected_rows)
{{ icp.rejected_share_over(var('max_rejected_share')) }}
