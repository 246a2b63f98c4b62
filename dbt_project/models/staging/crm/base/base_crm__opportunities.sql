{{ icp.validate_rows(
    'crm',
    'opportunities',
    refs={'account_id': ref('stg_crm__accounts')},
    fx_rates=ref('stg_finance__fx_rates'),
) }}
