{{ icp.validate_rows(
    'enrichment',
    'companies',
) }}
