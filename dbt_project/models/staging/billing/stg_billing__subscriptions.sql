with base as (

    select * from {{ ref('base_billing__subscriptions') }}

),

accepted as (

    select
        subscription_id,
        customer_id,
        plan,
        status,
        started_at,
        canceled_at,
        mrr,
        currency
    from base
    where _rejection_reason is null

)

select * from accepted
