{{ icp.validate_rows(
    'crm',
    'contacts',
    refs={'account_id': ref('stg_crm__accounts')},
) }}
