{#- Beyond the column contract, a criterion must be one the scoring can evaluate: the operator must
    suit the attribute (numbers compare with between/gte/lte, text with in/not_in, the tech stack with
    contains_any), and the value must hold what the operator needs. -#}
{%- set numeric_attributes = "('employee_count', 'annual_revenue_usd', 'founded_year')" -%}
{%- set number = "'^ *-?[0-9]+(\\.[0-9]+)? *$'" -%}
{{ icp.validate_rows(
    'icp',
    'criteria',
    checks=[
        {
            'when': "attribute in " ~ numeric_attributes ~ " and operator not in ('between', 'gte', 'lte')",
            'code': 'invalid_criterion',
            'reason': dbt.concat(["'operator '''", "operator", "''' does not apply to numeric attribute '''", "attribute", "''''"]),
        },
        {
            'when': "attribute not in " ~ numeric_attributes ~ " and operator in ('between', 'gte', 'lte')",
            'code': 'invalid_criterion',
            'reason': dbt.concat(["'operator '''", "operator", "''' needs a numeric attribute, not '''", "attribute", "''''"]),
        },
        {
            'when': "(operator = 'contains_any') <> (attribute = 'tech_stack')",
            'code': 'invalid_criterion',
            'reason': dbt.concat(["'tech_stack takes contains_any and contains_any takes tech_stack, got '''", "attribute", "''' '''", "operator", "''''"]),
        },
        {
            'when': "operator = 'between' and not " ~ icp.regex_matches('value', "'^ *-?[0-9]+(\\.[0-9]+)? *\\| *-?[0-9]+(\\.[0-9]+)? *$'"),
            'code': 'invalid_criterion',
            'reason': dbt.concat(["'between needs two numbers low|high, got '''", "value", "''''"]),
        },
        {
            'when': "operator in ('gte', 'lte') and not " ~ icp.regex_matches('value', number),
            'code': 'invalid_criterion',
            'reason': dbt.concat(["'''", "operator", "'' needs one number, got '''", "value", "''''"]),
        },
    ],
) }}
