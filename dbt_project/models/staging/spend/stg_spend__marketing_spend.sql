with base as (

    select * from {{ ref('base_spend__marketing_spend') }}

),

accepted as (

    select
        spend_date,
        channel,
        amount,
        currency
    from base
    where _rejection_reason is null

)

select * from accepted
