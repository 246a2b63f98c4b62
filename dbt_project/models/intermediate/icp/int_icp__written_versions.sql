{#- Every criterion of every version in icp_criteria, with its version's status as of the as-of
    date: the version's effective_from is the latest on its rows; `current` is the version with the
    latest effective_from on or before the as-of date (ties: highest version name), `past` the
    other ones in force before it, `future` those dated later. Numbers for between/gte/lte are
    parsed here; the quarantine has already checked they parse. -#}

with criteria as (

    select * from {{ ref('stg_icp__criteria') }}

),

as_of as (

    select as_of_date from {{ ref('stg_run__as_of_date') }}

),

versions as (

    select
        icp_version,
        max(effective_from) as effective_from
    from criteria
    group by icp_version

),

in_force as (

    select
        versions.icp_version,
        row_number() over (
            order by versions.effective_from desc, versions.icp_version desc
        ) as recency
    from versions
    cross join as_of
    where versions.effective_from <= as_of.as_of_date

),

statused as (

    select
        versions.icp_version,
        versions.effective_from,
        case
            when in_force.recency = 1 then 'current'
            when in_force.recency is not null then 'past'
            else 'future'
        end as status
    from versions
    left join in_force
        on versions.icp_version = in_force.icp_version

),

final as (

    select
        {{ dbt.concat(["'written:'", 'criteria.icp_version']) }} as version_key,
        criteria.icp_version,
        statused.effective_from,
        statused.status,
        criteria.criterion,
        criteria.attribute,
        criteria.operator,
        criteria.value,
        criteria.weight,
        {{ icp.criterion_low_value('criteria.operator', 'criteria.value') }} as low_value,
        {{ icp.criterion_high_value('criteria.operator', 'criteria.value') }} as high_value
    from criteria
    inner join statused
        on criteria.icp_version = statused.icp_version

)

select * from final
