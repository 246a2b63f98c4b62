{#- Every set of criteria the back-test scores accounts with: each written version (past, current,
    future), the proposed one, and the proposal learned on the training customers (status
    `training`, scored on the holdout only). version_key tells them apart even when a written
    version carries the proposal's name (a proposal appended to icp_criteria). -#}

with written as (

    select * from {{ ref('int_icp__written_versions') }}

),

proposed as (

    select * from {{ ref('int_icp__proposed_criteria') }}

),

final as (

    select
        version_key,
        icp_version,
        effective_from,
        status,
        criterion,
        attribute,
        operator,
        value,
        weight,
        low_value,
        high_value
    from written
    union all
    select
        version_key,
        icp_version,
        cast(null as date) as effective_from,
        case when population = 'all' then 'proposed' else 'training' end as status,
        criterion,
        attribute,
        operator,
        value,
        weight,
        low_value,
        high_value
    from proposed

)

select * from final
