{# More than max_rejected_share_error of a contract table's rows rejected: a broken export, the
   refresh stops before publishing (macros/tests/rejected_share.sql). `icp check` warns instead and
   applies the limit itself, so that every table is reported. #}
{{ config(
    severity="warn" if var('input_check', 0) else "error",
    meta={'dagster': {'ref': {'name': 'rejected_rows'}}}
) }}
-- depends_on: {{ ref('rejected_rows') }}  (the Dagster check of marts.rejected_rows)
{{ icp.rejected_share_over(var('max_rejected_share_error')) }}
