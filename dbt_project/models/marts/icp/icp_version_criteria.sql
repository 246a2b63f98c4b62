{#- The criteria of every version the back-test scores: the written ones (past, current, future)
    and the proposed one, as `icp_criteria` rows. `icp propose` writes the proposed rows out for a
    person to review; dashboards show a version beside its back-test. -#}

with version_criteria as (

    select * from {{ ref('int_icp__version_criteria') }}

),

final as (

    select
        icp_version,
        status,
        effective_from,
        criterion,
        attribute,
        operator,
        value,
        weight
    from version_criteria
    where status <> 'training'

)

select * from final
