{#- crm_opportunities from Salesforce `opportunity` (connectors.md), every row with `_drop_reason`. -#}
{%- set opportunity = source('salesforce', 'opportunity') -%}
{%- if not icp.connector_active('salesforce') %}
{{ icp.no_rows('crm', 'opportunities') }}
{%- else %}

with opportunities as (

    select * from {{ opportunity }}

),

final as (

    select
        {{ icp.row_order(opportunity) }} as _row_number,
        {{ icp.drop_reason('salesforce', 'opportunity', 'opportunities') }} as _drop_reason,
        {{ icp.clean_text('id') }} as opportunity_id,
        {{ icp.clean_text('account_id') }} as account_id,
        case
            when {{ icp.normalize_enum('type') }} = 'renewal' then 'renewal'
            when {{ icp.normalize_enum('type') }} in ('existing_business', 'upsell', 'expansion')
                then 'expansion'
            else 'new_business'
        end as opportunity_type,
        case
            when {{ icp.is_true('is_won') }} then 'won'
            when {{ icp.is_true('is_closed') }} then 'lost'
            else 'open'
        end as stage,
        coalesce({{ icp.clean_text('amount') }}, '0') as amount,
        upper(coalesce(
            {{ icp.clean_text('currency_iso_code') }}, '{{ var("salesforce_currency") }}'
        )) as currency,
        {{ icp.connector_timestamp('created_date') }} as created_at,
        case when {{ icp.is_true('is_closed') }}
            then {{ icp.connector_timestamp('close_date') }}
        end as closed_at
    from opportunities

)

select * from final
{%- endif %}
