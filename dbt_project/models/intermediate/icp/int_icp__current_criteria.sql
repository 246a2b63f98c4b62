{#- The criteria of the current ICP version (int_icp__written_versions decides which it is). -#}

with written as (

    select * from {{ ref('int_icp__written_versions') }}

),

final as (

    select
        version_key,
        icp_version,
        effective_from,
        criterion,
        attribute,
        operator,
        value,
        weight,
        low_value,
        high_value
    from written
    where status = 'current'

)

select * from final
