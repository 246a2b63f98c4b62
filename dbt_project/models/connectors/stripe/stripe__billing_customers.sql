{#- billing_customers from Stripe `customer` (connectors.md). The CRM account is the value under
    the `stripe_account_id_key` metadata key, else the one accepted CRM account whose domain is the
    customer's email domain (none when no account or several have it); the currency is the
    customer's, else its first invoice's. -#}
{%- set customer = source('stripe', 'customer') -%}
{%- set invoice = source('stripe', 'invoice') -%}
{%- set crm_accounts = ref('stg_crm__accounts') -%}
{%- if not icp.connector_active('stripe') %}
{{ icp.no_rows('billing', 'customers') }}
{%- else %}

with customers as (

    select * from {{ customer }}

),

invoices as (

    select * from {{ invoice }}

),

accounts as (

    select account_id, domain from {{ crm_accounts }}

),

domain_accounts as (

    select domain, min(account_id) as account_id
    from accounts
    where domain is not null
    group by domain
    having count(*) = 1

),

first_invoice_currency as (

    select customer_id, currency
    from (
        select
            {{ icp.clean_text('customer_id') }} as customer_id,
            {{ icp.clean_text('currency') }} as currency,
            row_number() over (
                partition by {{ icp.clean_text('customer_id') }}
                order by coalesce({{ icp.clean_text('created') }}, {{ icp.clean_text('date') }}),
                    {{ icp.clean_text('id') }}
            ) as invoice_order
        from invoices
        where {{ icp.drop_reason('stripe', 'invoice', 'invoices') }} is null
            and {{ icp.clean_text('currency') }} is not null
    ) as ordered
    where invoice_order = 1

),

mapped as (

    select
        {{ icp.row_order(customer) }} as _row_number,
        {{ icp.drop_reason('stripe', 'customer', 'customers') }} as _drop_reason,
        {{ icp.clean_text('customers.id') }} as customer_id,
        {{ icp.clean_text(icp.json_text('customers.metadata', var('stripe_account_id_key'))) }}
            as metadata_account_id,
        case when {{ icp.clean_text('customers.email') }} like '%_@_%'
            then {{ icp.normalize_domain(icp.regex_replace('lower(customers.email)', '^.*@', '')) }}
        end as email_domain,
        upper(coalesce(
            {{ icp.clean_text('customers.currency') }}, first_invoice_currency.currency
        )) as currency,
        {{ icp.connector_timestamp('customers.created') }} as created_at
    from customers
    left join first_invoice_currency
        on {{ icp.clean_text('customers.id') }} = first_invoice_currency.customer_id

),

final as (

    select
        mapped._row_number,
        mapped._drop_reason,
        mapped.customer_id,
        coalesce(mapped.metadata_account_id, domain_accounts.account_id) as account_id,
        mapped.currency,
        mapped.created_at
    from mapped
    left join domain_accounts
        on mapped.metadata_account_id is null
        and mapped.email_domain = domain_accounts.domain

)

select * from final
{%- endif %}
