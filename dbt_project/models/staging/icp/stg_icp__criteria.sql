with base as (

    select * from {{ ref('base_icp__criteria') }}

),

accepted as (

    select
        icp_version,
        effective_from,
        criterion,
        attribute,
        operator,
        value,
        -- A weight is a proportion, not money: the fit score divides by it.
        cast(weight as double) as weight
    from base
    where _rejection_reason is null

)

select * from accepted
