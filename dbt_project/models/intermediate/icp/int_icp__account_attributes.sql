{#- Every account's scoring attributes as rows (account, attribute, text or number value), so one
    evaluation serves every criterion whatever attribute it names. Text is lowercased. -#}

{%- set text_attributes = ['industry', 'region', 'country_code', 'business_model', 'funding_stage', 'tech_stack'] -%}
{%- set number_attributes = ['employee_count', 'annual_revenue_usd', 'founded_year'] -%}

with accounts as (

    select * from {{ ref('int_accounts__firmographics') }}

),

unpivoted as (

    {%- for attribute in text_attributes %}
    select
        account_id,
        '{{ attribute }}' as attribute,
        lower({{ attribute }}) as text_value,
        cast(null as double) as number_value
    from accounts
    union all
    {%- endfor %}
    {%- for attribute in number_attributes %}
    select
        account_id,
        '{{ attribute }}' as attribute,
        cast(null as {{ dbt.type_string() }}) as text_value,
        cast({{ attribute }} as double) as number_value
    from accounts
    {{- '\n    union all' if not loop.last }}
    {%- endfor %}

)

select * from unpivoted
