{#- billing = crm (connectors.md, "No billing system"): the CRM's won deals with an amount, read from
    the run's raw opportunities (a file or a CRM connector) before the quarantine, because the as-of
    date reads billing and the quarantine needs the as-of date. A deal the CRM quarantine rejects
    carries on: its invoice and subscription point at a customer whose account is not accepted. -#}
{%- set opportunities = icp.raw_relation('crm', 'opportunities') -%}
{%- if icp.billing_system() != 'crm' %}
select
    cast(null as bigint) as _row_number,
    {%- for column in [
        'opportunity_id', 'account_id', 'opportunity_type', 'amount', 'currency', 'closed_at',
        'term_ends_at'
    ] %}
    cast(null as {{ dbt.type_string() }}) as {{ column }},
    {%- endfor %}
    cast(null as double) as amount_value
where 1 = 0
{%- else %}

with opportunities as (

    select * from {{ opportunities }}

),

parsed as (

    select
        _row_number,
        {{ icp.clean_text('opportunity_id') }} as opportunity_id,
        {{ icp.clean_text('account_id') }} as account_id,
        lower({{ icp.clean_text('opportunity_type') }}) as opportunity_type,
        {{ icp.clean_text('amount') }} as amount,
        upper({{ icp.clean_text('currency') }}) as currency,
        {{ icp.clean_text('closed_at') }} as closed_at,
        {{ icp.parse_decimal(icp.clean_text('amount')) }} as amount_value,
        {{ icp.parse_timestamp(icp.clean_text('closed_at')) }} as closed_at_value
    from opportunities
    where lower({{ icp.clean_text('stage') }}) = 'won'

),

final as (

    select
        _row_number,
        opportunity_id,
        account_id,
        opportunity_type,
        amount,
        currency,
        closed_at,
        cast({{ dbt.dateadd('month', var('deal_term_months') | int, 'closed_at_value') }}
            as {{ dbt.type_string() }}) as term_ends_at,
        amount_value
    from parsed
    where amount_value > 0 and closed_at_value is not null

)

select * from final
{%- endif %}
