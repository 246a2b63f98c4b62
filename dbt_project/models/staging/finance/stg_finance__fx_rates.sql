with base as (

    select * from {{ ref('base_finance__fx_rates') }}

),

accepted as (

    select
        currency,
        month,
        rate_to_usd
    from base
    where _rejection_reason is null

)

select * from accepted
