{#- crm_opportunities from HubSpot `deal` (connectors.md): the account is the deal's company in
    `deal_company` (the lowest id when several), the stage comes from `deal_pipeline_stage`. -#}
{%- set deal = source('hubspot', 'deal') -%}
{%- set deal_company = source('hubspot', 'deal_company') -%}
{%- set deal_pipeline_stage = source('hubspot', 'deal_pipeline_stage') -%}
{%- if not icp.connector_active('hubspot') %}
{{ icp.no_rows('crm', 'opportunities') }}
{%- else %}

with deals as (

    select * from {{ deal }}

),

deal_companies as (

    select deal_id, company_id
    from (
        select
            {{ icp.clean_text('deal_id') }} as deal_id,
            {{ icp.clean_text('company_id') }} as company_id,
            row_number() over (
                partition by {{ icp.clean_text('deal_id') }}
                order by {{ icp.parse_integer(icp.clean_text('company_id')) }},
                    {{ icp.clean_text('company_id') }}
            ) as company_order
        from {{ deal_company }}
        where {{ icp.clean_text('company_id') }} is not null
    ) as ranked
    where company_order = 1

),

stages as (

    select
        {{ icp.clean_text('stage_id') }} as stage_id,
        {{ icp.is_true('closed_won') }} as is_won,
        {{ icp.is_true('is_closed') }} as is_closed
    from {{ deal_pipeline_stage }} as stage_rows
    where {{ icp.drop_reason('hubspot', 'deal_pipeline_stage', 'stage_rows') }} is null

),

final as (

    select
        {{ icp.row_order(deal, 'deal_id') }} as _row_number,
        {{ icp.drop_reason('hubspot', 'deal', 'deals') }} as _drop_reason,
        {{ icp.clean_text('deals.deal_id') }} as opportunity_id,
        deal_companies.company_id as account_id,
        case {{ icp.normalize_enum('deals.property_dealtype') }}
            when 'existingbusiness' then 'expansion'
            when 'renewal' then 'renewal'
            else 'new_business'
        end as opportunity_type,
        case
            when stages.is_won then 'won'
            when stages.is_closed then 'lost'
            else 'open'
        end as stage,
        coalesce({{ icp.clean_text('deals.property_amount') }}, '0') as amount,
        upper(coalesce(
            {{ icp.clean_text('deals.property_deal_currency_code') }}, '{{ var("hubspot_currency") }}'
        )) as currency,
        {{ icp.connector_timestamp('deals.property_createdate') }} as created_at,
        case when stages.is_won or stages.is_closed
            then {{ icp.connector_timestamp('deals.property_closedate') }}
        end as closed_at
    from deals
    left join deal_companies
        on {{ icp.clean_text('deals.deal_id') }} = deal_companies.deal_id
    left join stages
        on {{ icp.clean_text('deals.deal_pipeline_stage_id') }} = stages.stage_id

)

select * from final
{%- endif %}
