{#- crm_accounts from Salesforce `account` (connectors.md), every row with `_drop_reason`, plus the
    account's own firmographics, which fill what enrichment lacks. Countries are read as codes or
    names later, by the one country mapping (int_accounts__firmographics). -#}
{%- set account = source('salesforce', 'account') -%}
{%- if not icp.connector_active('salesforce') %}
{{ icp.no_rows('crm', 'accounts', extra=['industry', 'employee_count', 'annual_revenue_usd']) }}
{%- else %}

with accounts as (

    select * from {{ account }}

),

final as (

    select
        {{ icp.row_order(account) }} as _row_number,
        {{ icp.drop_reason('salesforce', 'account', 'accounts') }} as _drop_reason,
        {{ icp.clean_text('id') }} as account_id,
        {{ icp.clean_text('name') }} as account_name,
        {{ icp.clean_text('website') }} as domain,
        {{ icp.connector_timestamp('created_date') }} as created_at,
        {{ icp.normalize_enum('account_source') }} as lead_source,
        coalesce(
            {{ icp.clean_text('billing_country_code') }},
            {{ icp.clean_text('shipping_country_code') }},
            {{ icp.clean_text('billing_country') }},
            {{ icp.clean_text('shipping_country') }}
        ) as country_code,
        {{ icp.clean_text('owner_id') }} as owner_id,
        {{ icp.clean_text('industry') }} as industry,
        {{ icp.clean_text('number_of_employees') }} as employee_count,
        {{ icp.clean_text('annual_revenue') }} as annual_revenue_usd
    from accounts

)

select * from final
{%- endif %}
