with base as (

    select * from {{ ref('base_spend__sales_costs') }}

),

accepted as (

    select
        month,
        amount,
        currency
    from base
    where _rejection_reason is null

)

select * from accepted
