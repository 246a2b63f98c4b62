{{ icp.validate_rows(
    'crm',
    'accounts',
) }}
