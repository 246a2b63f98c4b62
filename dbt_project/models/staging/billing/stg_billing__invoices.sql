with base as (

    select * from {{ ref('base_billing__invoices') }}

),

accepted as (

    select
        invoice_id,
        customer_id,
        subscription_id,
        issued_at,
        status,
        amount,
        currency,
        coalesce(amount_refunded, 0) as amount_refunded
    from base
    where _rejection_reason is null

)

select * from accepted
