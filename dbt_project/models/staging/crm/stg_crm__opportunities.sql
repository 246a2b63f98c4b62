with base as (

    select * from {{ ref('base_crm__opportunities') }}

),

accepted as (

    select
        opportunity_id,
        account_id,
        opportunity_type,
        stage,
        amount,
        currency,
        created_at,
        closed_at
    from base
    where _rejection_reason is null

)

select * from accepted
