{#- crm_contacts from Salesforce `contact` (connectors.md): ids, title, email and creation only
    (names of people are never read), every row with `_drop_reason`. -#}
{%- set contact = source('salesforce', 'contact') -%}
{%- if not icp.connector_active('salesforce') %}
{{ icp.no_rows('crm', 'contacts') }}
{%- else %}

with contacts as (

    select * from {{ contact }}

),

final as (

    select
        {{ icp.row_order(contact) }} as _row_number,
        {{ icp.drop_reason('salesforce', 'contact', 'contacts') }} as _drop_reason,
        {{ icp.clean_text('id') }} as contact_id,
        {{ icp.clean_text('account_id') }} as account_id,
        {{ icp.clean_text('title') }} as job_title,
        {{ icp.clean_text('email') }} as email,
        {{ icp.connector_timestamp('created_date') }} as created_at
    from contacts

)

select * from final
{%- endif %}
