{{ icp.validate_rows(
    'billing',
    'invoices',
    refs={'customer_id': ref('stg_billing__customers')},
    fx_rates=ref('stg_finance__fx_rates'),
) }}
