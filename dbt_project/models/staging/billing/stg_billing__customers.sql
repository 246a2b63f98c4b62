with base as (

    select * from {{ ref('base_billing__customers') }}

),

accepted as (

    select
        customer_id,
        account_id,
        currency,
        created_at
    from base
    where _rejection_reason is null

)

select * from accepted
