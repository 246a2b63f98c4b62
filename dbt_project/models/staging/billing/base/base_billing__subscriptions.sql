{{ icp.validate_rows(
    'billing',
    'subscriptions',
    refs={'customer_id': ref('stg_billing__customers')},
    fx_rates=ref('stg_finance__fx_rates'),
) }}
