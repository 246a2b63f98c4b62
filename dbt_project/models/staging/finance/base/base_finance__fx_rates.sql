{{ icp.validate_rows(
    'finance',
    'fx_rates',
) }}
