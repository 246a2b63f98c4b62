{#- crm_contacts from HubSpot `contact` (connectors.md): ids, company, title, email and creation
    only (names of people are never read), every row with `_drop_reason`. -#}
{%- set contact = source('hubspot', 'contact') -%}
{%- if not icp.connector_active('hubspot') %}
{{ icp.no_rows('crm', 'contacts') }}
{%- else %}

with contacts as (

    select * from {{ contact }}

),

final as (

    select
        {{ icp.row_order(contact) }} as _row_number,
        {{ icp.drop_reason('hubspot', 'contact', 'contacts') }} as _drop_reason,
        {{ icp.clean_text('id') }} as contact_id,
        {{ icp.clean_text('property_associatedcompanyid') }} as account_id,
        {{ icp.clean_text('property_jobtitle') }} as job_title,
        {{ icp.clean_text('property_email') }} as email,
        {{ icp.connector_timestamp('property_createdate') }} as created_at
    from contacts

)

select * from final
{%- endif %}
