{{ icp.validate_rows(
    'spend',
    'sales_costs',
    fx_rates=ref('stg_finance__fx_rates'),
) }}
