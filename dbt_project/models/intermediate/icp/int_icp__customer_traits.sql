{#- What each customer is, as (attribute, value) rows for discovery: industry, employee band, region,
    business model, funding stage, and each tool of its tech stack. value_key is the lowercased value
    that criteria are compared with. -#}

{%- set attributes = ['industry', 'employee_band', 'region', 'business_model', 'funding_stage'] -%}

with customers as (

    select firmographics.*
    from {{ ref('int_accounts__firmographics') }} as firmographics
    inner join {{ ref('int_icp__best_customers') }} as ranked
        on firmographics.account_id = ranked.account_id

),

tools as (

    {{ icp.split_to_rows('customers', ['account_id'], 'tech_stack', ';') }}

),

traits as (

    {%- for attribute in attributes %}
    select
        account_id,
        '{{ attribute }}' as attribute,
        {{ attribute }} as value
    from customers
    where {{ attribute }} is not null
    union all
    {%- endfor %}
    select
        account_id,
        'tech_stack' as attribute,
        item as value
    from tools

),

final as (

    select distinct
        account_id,
        attribute,
        value,
        lower(value) as value_key
    from traits

)

select * from final
