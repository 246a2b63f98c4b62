{#- The criteria of the current ICP version: the version with the latest effective_from on or before
    the as-of date (a version dated later is not used yet). Numbers for between/gte/lte are parsed
    here; the quarantine has already checked they parse. -#}

with criteria as (

    select * from {{ ref('stg_icp__criteria') }}

),

versions as (

    select
        icp_version,
        max(effective_from) as effective_from
    from criteria
    group by icp_version

),

current_version as (

    select
        icp_version,
        effective_from
    from versions
    where effective_from <= {{ icp.as_of_date() }}
    order by effective_from desc, icp_version desc
    limit 1

),

final as (

    select
        criteria.icp_version,
        current_version.effective_from,
        criteria.criterion,
        criteria.attribute,
        criteria.operator,
        criteria.value,
        criteria.weight,
        case
            when criteria.operator = 'between'
                then {{ icp.parse_decimal(dbt.split_part('criteria.value', "'|'", 1)) }}
            when criteria.operator = 'gte' then {{ icp.parse_decimal('criteria.value') }}
        end as low_value,
        case
            when criteria.operator = 'between'
                then {{ icp.parse_decimal(dbt.split_part('criteria.value', "'|'", 2)) }}
            when criteria.operator = 'lte' then {{ icp.parse_decimal('criteria.value') }}
        end as high_value
    from criteria
    inner join current_version
        on criteria.icp_version = current_version.icp_version

)

select * from final
