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
        weight
    from base
    where _rejection_reason is null

)

select * from accepted
