{#- Invoices in USD at the rate of their own month, with the CRM account they belong to. -#}

with invoices as (

    select * from {{ ref('stg_billing__invoices') }}

),

customers as (

    select * from {{ ref('stg_billing__customers') }}

),

converted as (

    select
        invoices.invoice_id,
        invoices.customer_id,
        customers.account_id,
        invoices.subscription_id,
        invoices.issued_at,
        invoices.status,
        invoices.currency,
        fx.rate_to_usd,
        {{ icp.to_usd('invoices.amount', 'fx.rate_to_usd') }} as amount_usd,
        {{ icp.to_usd(
            'invoices.amount - invoices.amount_refunded', 'fx.rate_to_usd'
        ) }} as net_amount_usd
    from invoices
    inner join customers
        on invoices.customer_id = customers.customer_id
    {{ icp.join_usd_rate('fx', 'invoices.currency', icp.month_of('invoices.issued_at')) }}

)

select * from converted
