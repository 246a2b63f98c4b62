{{ icp.validate_rows(
    'spend',
    'marketing_spend',
    fx_rates=ref('stg_finance__fx_rates'),
) }}
