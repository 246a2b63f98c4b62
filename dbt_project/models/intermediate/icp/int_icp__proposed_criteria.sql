{#- The proposed ICP (metrics.md, "The proposed ICP"), per discovery population: the suggested
    values (status suggested or confirmed in icp_suggestions), at most `proposal_max_criteria` of
    them by lift (ties: more support, then attribute and value); one criterion per attribute named
    `<attribute>_fit`: `in` its values (`contains_any` for tech-stack tools, values by name, joined
    with '|'); employee bands become one `employee_count` `between` from the lowest band's low to
    the highest band's high (`gte` the low when the highest band is the open-ended 5001+); weight
    100 x (the highest lift among its values - 1), rounded. `icp_version` is
    `proposed-<as-of date>`. Population `all` is the proposal; `training` the same rule learned on
    the customers acquired before the holdout, scored on the holdout for holdout_auc. -#}

with lifts as (

    select * from {{ ref('int_icp__value_lifts') }}
    where is_suggested and population in ('all', 'training')

),

bands as (

    select * from {{ ref('employee_bands') }}

),

as_of as (

    select as_of_date from {{ ref('stg_run__as_of_date') }}

),

ranked as (

    select
        lifts.*,
        row_number() over (
            partition by lifts.population
            order by lifts.lift desc, lifts.support desc, lifts.attribute asc, lifts.value asc
        ) as lift_rank
    from lifts

),

chosen as (

    select
        ranked.population,
        ranked.attribute,
        ranked.value,
        ranked.lift,
        bands.min_employees,
        bands.max_employees,
        bands.employee_band is not null and bands.max_employees is null as is_open_band
    from ranked
    left join bands
        on
            ranked.attribute = 'employee_band'
            and ranked.value = bands.employee_band
    where ranked.lift_rank <= {{ var('proposal_max_criteria') }}

),

by_attribute as (

    select
        chosen.population,
        case when attribute = 'employee_band' then 'employee_count' else attribute end as attribute,
        max(chosen.lift) as best_lift,
        {{ icp.ordered_list_agg('value', ['value'], '|') }} as listed_values,
        min(chosen.min_employees) as low_employees,
        max(chosen.max_employees) as high_employees,
        max(case when chosen.is_open_band then 1 else 0 end) = 1 as has_open_band
    from chosen
    group by
        chosen.population,
        case when attribute = 'employee_band' then 'employee_count' else attribute end

),

criteria as (

    select
        by_attribute.population,
        {{ dbt.concat(["'proposed-'", 'cast(as_of.as_of_date as ' ~ dbt.type_string() ~ ')']) }}
            as icp_version,
        {{ dbt.concat(['by_attribute.attribute', "'_fit'"]) }} as criterion,
        by_attribute.attribute,
        case
            when by_attribute.attribute = 'employee_count' and by_attribute.has_open_band then 'gte'
            when by_attribute.attribute = 'employee_count' then 'between'
            when by_attribute.attribute = 'tech_stack' then 'contains_any'
            else 'in'
        end as operator,
        case
            when by_attribute.attribute = 'employee_count' and by_attribute.has_open_band
                then cast(by_attribute.low_employees as {{ dbt.type_string() }})
            when by_attribute.attribute = 'employee_count'
                then {{ dbt.concat([
                    'cast(by_attribute.low_employees as ' ~ dbt.type_string() ~ ')', "'|'",
                    'cast(by_attribute.high_employees as ' ~ dbt.type_string() ~ ')']) }}
            else by_attribute.listed_values
        end as value,
        cast(round(100 * (by_attribute.best_lift - 1)) as double) as weight
    from by_attribute
    cross join as_of

),

final as (

    select
        {{ dbt.concat(['population', "':'", 'icp_version']) }} as version_key,
        population,
        icp_version,
        criterion,
        attribute,
        operator,
        value,
        weight,
        {{ icp.criterion_low_value('operator', 'value') }} as low_value,
        {{ icp.criterion_high_value('operator', 'value') }} as high_value
    from criteria

)

select * from final
