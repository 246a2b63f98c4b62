{#- crm_accounts from HubSpot `company` (connectors.md), every row with `_drop_reason`, plus the
    company's own firmographics, which fill what enrichment lacks. -#}
{%- set company = source('hubspot', 'company') -%}
{%- if not icp.connector_active('hubspot') %}
{{ icp.no_rows('crm', 'accounts', extra=['industry', 'employee_count', 'annual_revenue_usd']) }}
{%- else %}

with companies as (

    select * from {{ company }}

),

final as (

    select
        {{ icp.row_order(company) }} as _row_number,
        {{ icp.drop_reason('hubspot', 'company', 'companies') }} as _drop_reason,
        {{ icp.clean_text('id') }} as account_id,
        {{ icp.clean_text('property_name') }} as account_name,
        coalesce(
            {{ icp.clean_text('property_domain') }}, {{ icp.clean_text('property_website') }}
        ) as domain,
        {{ icp.connector_timestamp('property_createdate') }} as created_at,
        {{ icp.normalize_enum('property_hs_analytics_source') }} as lead_source,
        {{ icp.clean_text('property_country') }} as country_code,
        {{ icp.clean_text('property_hubspot_owner_id') }} as owner_id,
        {{ icp.clean_text('property_industry') }} as industry,
        {{ icp.clean_text('property_numberofemployees') }} as employee_count,
        {{ icp.clean_text('property_annualrevenue') }} as annual_revenue_usd
    from companies

)

select * from final
{%- endif %}
